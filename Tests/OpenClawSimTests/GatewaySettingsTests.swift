import Foundation
import Glibc
import OpenClawConfig
import Testing

/// Port/bind/auth precedence and reload modes, observed on the running binary.
@Suite struct GatewaySettingsTests {
    @Test func portPrecedenceFlagThenEnvThenConfig() async throws {
        let sandbox = SimSandbox()
        let configPort = Ports.free(), envPort = Ports.free(), flagPort = Ports.free()
        sandbox.writeStandardConfig(port: configPort)
        let viaEnv = try await startGateway(sandbox, port: envPort, env: ["OPENCLAW_GATEWAY_PORT": String(envPort)],
                                            writeConfig: false)
        #expect(HTTPProbe.request(port: configPort, path: "/healthz") == nil)
        viaEnv.signal(SIGTERM)
        #expect(await viaEnv.waitForExit() == 0)
        let viaFlag = try await startGateway(sandbox, port: flagPort, arguments: ["--port", String(flagPort)],
                                             env: ["OPENCLAW_GATEWAY_PORT": String(envPort)], writeConfig: false)
        viaFlag.signal(SIGTERM)
        #expect(await viaFlag.waitForExit() == 0)
    }

    @Test func lanWithTokenStarts() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        // A Control UI beyond loopback needs allowed origins (OpenClaw: src/gateway/server-runtime-config.ts).
        sandbox.writeStandardConfig(port: port, extra: "")
        sandbox.writeConfig(sandbox.read(sandbox.configPath).replacingOccurrences(
            of: "mode: \"local\",", with: "mode: \"local\", controlUi: { allowedOrigins: [\"http://127.0.0.1:\(port)\"] },"))
        let sim = try await startGateway(sandbox, port: port, arguments: ["--bind", "lan", "--auth", "token"],
                                         env: ["OPENCLAW_GATEWAY_TOKEN": "s3cret"], writeConfig: false)
        defer { sim.signal(SIGKILL) }
        #expect(sim.stdout.contains("listening on ws://0.0.0.0:\(port)"))
        let reply = HTTPProbe.request(port: port, path: "/readyz", headers: ["Authorization": "Bearer s3cret"])
        #expect(reply?.json?["configHash"] != nil)
    }

    @Test func tokenRotationIsHot() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let extra = #"secrets: {},"#
        sandbox.writeStandardConfig(port: port, extra: extra)
        sandbox.writeConfig(sandbox.read(sandbox.configPath).replacingOccurrences(
            of: "mode: \"local\",", with: "mode: \"local\", auth: { mode: \"token\", token: \"one\" },"))
        let sim = try await startGateway(sandbox, port: port, writeConfig: false)
        defer { sim.signal(SIGKILL) }
        sandbox.writeConfig(sandbox.read(sandbox.configPath).replacingOccurrences(of: "token: \"one\"", with: "token: \"two\""))
        #expect(await eventually { sim.stdout.contains("[gateway/reload] config hot reload applied (gateway.auth.token)") })
    }

    @Test func reloadModeOffOnlyLogs() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        sandbox.writeConfig(sandbox.read(sandbox.configPath).replacingOccurrences(
            of: "reload: { debounceMs: 20 }", with: "reload: { mode: \"off\", debounceMs: 20 }"))
        let sim = try await startGateway(sandbox, port: port, writeConfig: false)
        defer { sim.signal(SIGKILL) }
        let original = sandbox.configHash
        sandbox.writeConfig(sandbox.read(sandbox.configPath).replacingOccurrences(of: "123:abc", with: "999:zzz"))
        #expect(await eventually { sim.stdout.contains("reload disabled (gateway.reload.mode=off)") })
        #expect(HTTPProbe.request(port: port, path: "/readyz")?.json?["configHash"]?.stringValue == original)
    }

    @Test func sigusr1RestartsInPlace() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port)
        defer { sim.signal(SIGKILL) }
        sim.signal(SIGUSR1)
        #expect(await eventually { sim.stdout.components(separatedBy: "listening on").count == 3 })
        let ready = HTTPProbe.request(port: port, path: "/readyz")?.json
        #expect(ready?["pid"]?.intValue == Int64(sim.pid))
        #expect(sim.process.isRunning)
    }

    @Test func secretFilesAreResolvedAtStartup() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let secrets = sandbox.root + "/secrets.json"
        let tokenFile = sandbox.root + "/discord.token"
        _ = FileManager.default.createFile(atPath: secrets, contents: Data(#"{"telegram": {"work": "bad-777"}}"#.utf8))
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data("tg-token\n".utf8))
        sandbox.writeConfig("""
        {
          gateway: { mode: "local", port: \(port) },
          logging: { file: "\(sandbox.logPath)" },
          secrets: { providers: { vault: { source: "file", path: "\(secrets)" } } },
          channels: { telegram: {
            tokenFile: "\(tokenFile)",
            accounts: { work: { botToken: { source: "file", provider: "vault", id: "/telegram/work" } } },
          } },
        }
        """)
        let sim = try await startGateway(sandbox, port: port, env: ["OPENCLAW_SIM_CHANNEL_RESTART_BACKOFF_MS": "10"], writeConfig: false)
        defer { sim.signal(SIGKILL) }
        // The resolved "bad-777" token trips the bad-token switch: proof that the pointer was followed.
        #expect(await eventually { sim.stdout.contains("[gateway/channels/telegram] [work] channel exited: 401 Unauthorized") })
        #expect(!sim.stdout.contains("[gateway/channels/telegram] [default] channel exited"))
    }

    @Test func nonLoopbackCallersGetNoDetailsWithoutToken() async throws {
        guard let address = Self.nonLoopbackIPv4() else { return }  // no such interface here
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        sandbox.writeConfig(sandbox.read(sandbox.configPath).replacingOccurrences(
            of: "mode: \"local\",", with: "mode: \"local\", controlUi: { enabled: false },"))
        let sim = try await startGateway(sandbox, port: port, arguments: ["--bind", "lan", "--token", "tk"], writeConfig: false)
        defer { sim.signal(SIGKILL) }
        let bare = HTTPProbe.request(host: address, port: port, path: "/readyz")
        #expect(bare?.json?["configHash"] == nil)
        #expect(bare?.json?["ready"] != nil)
        let authed = HTTPProbe.request(host: address, port: port, path: "/readyz", headers: ["Authorization": "Bearer tk"])
        #expect(authed?.json?["configHash"] != nil)
    }

    static func nonLoopbackIPv4() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var cursor = list
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let addr = entry.pointee.ifa_addr, addr.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            let ip = addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            if UInt32(bigEndian: ip.s_addr) >> 24 == 127 { continue }
            guard let text = inet_ntoa(ip) else { continue }
            return String(cString: text)
        }
        return nil
    }
}
