import Foundation
import Glibc
import Testing

/// `OPENCLAW_SIM_STARTUP_CPU_MS` and `OPENCLAW_SIM_STARTUP_MS`: a start-up that takes time before
/// the gateway listens, as a real one does. Checked by the CPU time the process used, never by
/// how long anything took on the wall clock.
@Suite struct StartupWorkTests {
    /// utime + stime of `pid`, in milliseconds.
    static func cpuMs(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return (user + system) * 1000 / sysconf(Int32(_SC_CLK_TCK))
    }

    @Test func cpuWorkComesBeforeTheListener() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, env: ["OPENCLAW_SIM_STARTUP_CPU_MS": "400"])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 })
        // By the first answer the process has done its start-up work: 400 ms of CPU (the
        // stand-in alone needs ~15 ms).
        let used = try #require(Self.cpuMs(sim.pid))
        #expect(used >= 390, "CPU used before listening: \(used) ms")
    }

    @Test func waitingUsesNoCPU() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        let started = Date()
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, env: ["OPENCLAW_SIM_STARTUP_MS": "400"])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 })
        #expect(Date().timeIntervalSince(started) >= 0.35)
        let used = try #require(Self.cpuMs(sim.pid))
        #expect(used < 300, "a waiting start-up burnt \(used) ms of CPU")
    }

    @Test func sigtermEndsTheStartUpWork() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        // Ten minutes of CPU work: only a signal handled during it ends the process in time.
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, env: ["OPENCLAW_SIM_STARTUP_CPU_MS": "600000"])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { (Self.cpuMs(sim.pid) ?? 0) >= 100 })
        sim.signal(SIGTERM)
        #expect(await sim.waitForExit() == 0)
        #expect(HTTPProbe.request(port: port, path: "/healthz") == nil)
    }
}
