import Foundation
import Glibc
import OpenClawConfig
import Testing

/// The stand-in's release personas: each behaves as the release table says that release does.
@Suite struct PersonaTests {
    /// What fleet rendered before releases were modelled: agents.list with the default marker and
    /// tools.exec.security.
    static func oldRendering(port: Int, log: String) -> String {
        """
        {
          gateway: { mode: "local", port: \(port), auth: { mode: "token" }, reload: { mode: "hybrid" } },
          logging: { file: "\(log)" },
          agents: { list: [{ id: "support", name: "Support", model: "anthropic/claude-sonnet-4-5", default: true }] },
          tools: { exec: { security: "deny" } },
        }
        """
    }

    static func newRendering(port: Int, log: String) -> String {
        """
        {
          gateway: { mode: "local", port: \(port), auth: { mode: "token" }, reload: { mode: "hybrid" } },
          logging: { file: "\(log)" },
          agents: { entries: { support: { name: "Support", model: "anthropic/claude-sonnet-4-5" } } },
          tools: { exec: { mode: "deny" } },
        }
        """
    }

    @Test(arguments: ["2026.8.1", "2026.9.6"])
    func newReleasesRefuseLegacyKeys(_ release: String) async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeConfig(Self.oldRendering(port: port, log: sandbox.logPath))
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox,
                                 env: ["OPENCLAW_SIM_VERSION": release, "OPENCLAW_GATEWAY_TOKEN": "t"])
        #expect(await sim.waitForExit() == 78)
        #expect(sim.stderr.hasPrefix("Gateway failed to start: start blocked by legacy config keys agents.list, tools.exec.security"),
                "\(sim.stderr)")
        #expect(sim.stderr.contains("openclaw doctor --fix"))
        #expect(sim.stderr.contains("tools.exec.mode"))

        sandbox.writeConfig(Self.newRendering(port: port, log: sandbox.logPath))
        let good = try SimProcess(["gateway", "run"], sandbox: sandbox,
                                  env: ["OPENCLAW_SIM_VERSION": release, "OPENCLAW_GATEWAY_TOKEN": "t"])
        defer { good.signal(SIGKILL) }
        #expect(await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 }, "\(good.stderr)")
        #expect(await eventually { sandbox.read(sandbox.logPath).contains("agent model: anthropic/claude-sonnet-4-5") })
    }

    @Test func release4RefusesTheNewForm() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeConfig(Self.newRendering(port: port, log: sandbox.logPath))
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, env: ["OPENCLAW_GATEWAY_TOKEN": "t"])
        #expect(await sim.waitForExit() == 78)
        #expect(sim.stderr.contains(#"Unrecognized key "entries" at agents.entries"#), "\(sim.stderr)")
    }

    /// `bind: custom` listens on customBindHost, here another loopback address.
    @Test func customBindHostOnAnotherLoopbackAddress() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeConfig("""
            { gateway: { mode: "local", port: \(port), bind: "custom", customBindHost: "127.0.0.2", auth: { mode: "token" } } }
            """)
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, env: ["OPENCLAW_GATEWAY_TOKEN": "t"])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { HTTPProbe.request(host: "127.0.0.2", port: port, path: "/healthz")?.status == 200 }, "\(sim.stderr)")
        #expect(HTTPProbe.request(host: "127.0.0.1", port: port, path: "/healthz") == nil)
        #expect(sim.stdout.contains("listening on ws://127.0.0.2:\(port)"))
    }

    /// The 2026.4 CLI re-launches itself for `gateway run` unless OPENCLAW_NO_RESPAWN is set; the
    /// parent forwards SIGTERM and exits with the child's code.
    @Test func release4RespawnsUnlessTold() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, env: ["OPENCLAW_NO_RESPAWN": ""])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 })
        let children = Self.children(of: sim.pid)
        #expect(children.count == 1)
        let child = try #require(children.first)
        #expect(Self.environment(child)["OPENCLAW_NODE_OPTIONS_READY"] == "1")
        #expect(Self.environment(child)["OPENCLAW_CONFIG_PATH"] == sandbox.configPath)
        sim.signal(SIGTERM)
        #expect(await sim.waitForExit() == 0)
        #expect(await eventually { kill(child, 0) != 0 })

        for (release, noRespawn) in [("2026.4.27", "1"), ("2026.9.6", "")] {
            if release == "2026.9.6" { sandbox.writeConfig(Self.newRendering(port: port, log: sandbox.logPath)) }
            let other = try SimProcess(["gateway", "run"], sandbox: sandbox,
                                       env: ["OPENCLAW_SIM_VERSION": release, "OPENCLAW_NO_RESPAWN": noRespawn,
                                             "OPENCLAW_GATEWAY_TOKEN": "t"])
            defer { other.signal(SIGKILL) }
            #expect(await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 }, "\(other.stderr)")
            #expect(Self.children(of: other.pid).isEmpty, "\(release)")
            other.signal(SIGTERM)
            #expect(await other.waitForExit() == 0)
        }
    }

    /// OPENCLAW_SIM_EXEC_CHILD: a child that inherits the environment and outlives the gateway.
    @Test func execChildInheritsTheEnvironment() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, env: ["OPENCLAW_SIM_EXEC_CHILD": "1"])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { !Self.children(of: sim.pid).isEmpty })
        let child = try #require(Self.children(of: sim.pid).first)
        defer { kill(child, SIGKILL) }
        #expect(Self.environment(child)["OPENCLAW_CONFIG_PATH"] == sandbox.configPath)
        sim.signal(SIGTERM)
        #expect(await sim.waitForExit() == 0)
        #expect(kill(child, 0) == 0)
    }

    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && fields[1] == "\(pid)" && fields[0] != "Z"
        }
    }

    static func environment(_ pid: Int32) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return [:] }
        var env: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            if let eq = text.firstIndex(of: "=") { env[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
        }
        return env
    }
}
