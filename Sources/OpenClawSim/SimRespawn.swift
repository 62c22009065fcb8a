import Glibc

/// The CLI re-launching itself for a gateway run, as the releases that do it (OpenClaw:
/// src/entry.ts, src/entry.respawn.ts): the parent starts the same command again as a child with
/// `OPENCLAW_NODE_OPTIONS_READY=1` in its environment (the real one adds Node flags), forwards
/// signals to it, and exits with the child's code (1 when a signal ended it). After SIGTERM or
/// SIGINT it gives the child 1 s, then sends SIGTERM, and 1 s later SIGKILL and exits 1.
/// `OPENCLAW_NO_RESPAWN=1` turns it off.
enum SimRespawn {
    /// The marker the child carries (OpenClaw: src/entry.respawn.ts, OPENCLAW_NODE_OPTIONS_READY).
    static let childMarker = "OPENCLAW_NODE_OPTIONS_READY"

    /// OpenClaw's truthy environment values (src/infra/env.ts, isTruthyEnvValue).
    static func isTruthy(_ name: String) -> Bool {
        guard let value = FileSystem.env(name)?.lowercased() else { return false }
        return ["1", "true", "yes", "on"].contains(value)
    }

    /// Whether this `gateway run` re-launches itself.
    static func applies(to persona: SimPersona) -> Bool {
        persona.respawnsGatewayRun && !isTruthy("OPENCLAW_NO_RESPAWN") && !isTruthy(childMarker)
    }

    private static let forwarded: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT]

    /// Runs the child and waits for it; returns the parent's exit code.
    static func run() -> Int32 {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for sig in forwarded + [SIGCHLD] { sigaddset(&blocked, sig) }
        sigprocmask(SIG_BLOCK, &blocked, nil)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))
        var environment: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if !text.hasPrefix(childMarker + "=") { environment.append(text) }
            cursor += 1
        }
        environment.append(childMarker + "=1")
        let argv = CommandLine.arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var actions = FileSystem.stdioOnlyActions()
        defer { posix_spawn_file_actions_destroy(&actions) }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/proc/self/exe", &actions, &attr, argv, envp)
        guard rc == 0 else {
            SimMain.printError("[openclaw] Failed to respawn CLI: \(FileSystem.describe(errno: rc))")
            return 1
        }
        var exitAt: Int64?
        var killAt: Int64?
        while true {
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                let signal = status & 0x7F
                return signal == 0 ? (status >> 8) & 0xFF : 1
            }
            var timeout = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            let sig = sigtimedwait(&blocked, nil, &timeout)
            if sig > 0, forwarded.contains(sig) {
                kill(child, sig)
                if (sig == SIGTERM || sig == SIGINT) && exitAt == nil { exitAt = Clock.monotonicMs() + 1_000 }
            }
            let now = Clock.monotonicMs()
            if let at = exitAt, killAt == nil, now >= at {
                kill(child, SIGTERM)
                killAt = now + 1_000
            }
            if let at = killAt, now >= at {
                kill(child, SIGKILL)
                _ = waitpid(child, &status, 0)
                return 1
            }
        }
    }
}
