import Glibc

/// The time a real gateway takes before it listens.
///
/// A real `openclaw gateway run` answers nothing for seconds after exec: Node loads and compiles
/// the gateway's modules and plugins, reads the config and starts its services before the HTTP
/// server listens. Reports in OpenClaw's issues: `http server listening (...; 1.8s)` on a 4-vCPU
/// Linux host (openclaw/openclaw#148529), `[gateway] ready (4 plugins; 4.6s)` on macOS arm64
/// (#72911), ready after 5-8 s (#72929), 24-90 s on Windows with plugins (#155859, #68656).
/// Most of it is CPU work on one thread, so two knobs model it (0 by default, the stand-in's own
/// start-up of ~12 ms): `OPENCLAW_SIM_STARTUP_CPU_MS` burns that much CPU time (it takes longer
/// in wall time on a busy host, as a real start does), then `OPENCLAW_SIM_STARTUP_MS` waits
/// (I/O, network). Signals are handled throughout.
extension Gateway {
    /// Runs the configured start-up work on the loop, then `done`.
    func runStartupWork(_ done: @escaping () -> Void) {
        let wait = env.startupWaitMs
        let afterCPU: () -> Void = { [unowned self] in
            guard wait > 0 else { return done() }
            logger.debug("sim", "start-up: waiting \(wait)ms before listening (OPENCLAW_SIM_STARTUP_MS)")
            loop.schedule(afterMs: wait, done)
        }
        guard env.startupCpuMs > 0 else { return afterCPU() }
        logger.debug("sim", "start-up: \(env.startupCpuMs)ms of CPU work before listening (OPENCLAW_SIM_STARTUP_CPU_MS)")
        let target = Self.threadCPUNanoseconds() + env.startupCpuMs * 1_000_000
        burnSlice(until: target, then: afterCPU)
    }

    /// Burns CPU in slices of about 5 ms of CPU time, going back to the loop between slices (so
    /// SIGTERM is handled during start-up, as in the real gateway).
    private func burnSlice(until target: Int64, then done: @escaping () -> Void) {
        let sliceEnd = min(target, Self.threadCPUNanoseconds() + 5_000_000)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: getpid())
        while Self.threadCPUNanoseconds() < sliceEnd {
            for _ in 0..<2_000 {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
            }
        }
        burnSink &+= state
        if sliceEnd >= target { return done() }
        loop.schedule(afterMs: 0) { [unowned self] in self.burnSlice(until: target, then: done) }
    }

    /// CPU time of this thread, in nanoseconds.
    static func threadCPUNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// Where the burnt work goes, so the optimizer cannot drop it.
nonisolated(unsafe) var burnSink: UInt64 = 0
