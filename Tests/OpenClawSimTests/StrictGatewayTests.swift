import Foundation
import Glibc
import OpenClawConfig
import Testing

/// The stand-in is as strict as the real gateway, per release persona: the closed client lists,
/// protocol 3 or 4, scope clearing, closed params, absent optional fields, startup-sidecars,
/// readiness, log lines and the login flow (each rule cites its OpenClaw source in the stand-in).
@Suite struct StrictGatewayTests {
    static let r4 = "2026.4.27"
    static let r9 = "2026.9.6"

    /// A 2026.9 config (keyed agents) with one Telegram account.
    func config9(_ sandbox: SimSandbox, port: Int, channels: String = #"telegram: { botToken: "123:abc" }"#) {
        sandbox.writeConfig("""
        {
          gateway: { mode: "local", port: \(port) },
          logging: { file: "\(sandbox.logPath)" },
          agents: { entries: { support: { name: "Support" } } },
          channels: { \(channels) },
        }
        """)
    }

    func start(_ release: String, env: [String: String] = [:], channels: String? = nil) async throws -> (SimSandbox, SimProcess, Int) {
        let sandbox = SimSandbox()
        let port = Ports.free()
        if release == Self.r4 { sandbox.writeStandardConfig(port: port) } else if let channels { config9(sandbox, port: port, channels: channels) } else { config9(sandbox, port: port) }
        var all = env
        all["OPENCLAW_SIM_VERSION"] = release
        let sim = try await startGateway(sandbox, port: port, arguments: ["--token", "tok"], env: all, writeConfig: false)
        return (sandbox, sim, port)
    }

    /// Upgrades, reads the challenge, sends `connect` and returns the answer (and the socket).
    func connect(_ port: Int, _ request: [UInt8], origin: String? = nil) throws -> (RawWebSocket, JSONValue) {
        let ws = try #require(RawWebSocket(port: port))
        _ = ws.upgrade(extra: origin.map { "Origin: \($0)\r\n" } ?? "")
        _ = ws.readJSON()
        ws.write(RawWebSocket.frame(0x1, request))
        return (ws, try #require(ws.readJSON()))
    }

    /// The close code of the next frame.
    func closeCode(_ ws: RawWebSocket) -> Int? {
        guard let f = ws.readFrame(), f.opcode == 0x8, f.payload.count >= 2 else { return nil }
        return Int(f.payload[0]) << 8 | Int(f.payload[1])
    }

    @Test(arguments: [r4, r9])
    func unknownClientIdAndModeAreRefused(release: String) async throws {
        let (_, sim, port) = try await start(release)
        defer { sim.signal(SIGKILL) }
        let (ws, res) = try connect(port, RawWebSocket.connectRequest(token: "tok", id: "fleet"))
        #expect(res["ok"] == .bool(false))
        #expect(res["error"]?["code"] == .string("INVALID_REQUEST"))
        #expect(res["error"]?["message"]?.stringValue == "invalid connect params: at /client/id: must be equal to one of the allowed values")
        #expect(closeCode(ws) == 1008)
        let (ws2, res2) = try connect(port, RawWebSocket.connectRequest(token: "tok", mode: "operator"))
        #expect(res2["error"]?["message"]?.stringValue?.contains("at /client/mode") == true)
        #expect(closeCode(ws2) == 1008)
        let (_, res3) = try connect(port, RawWebSocket.connectRequest(token: "tok", extra: #","bogus":1"#))
        #expect(res3["error"]?["message"]?.stringValue == "invalid connect params: at root: unexpected property 'bogus'")
        // 2026.8 added openclaw-worker (packages/gateway-protocol/src/client-info.ts).
        let (_, worker) = try connect(port, RawWebSocket.connectRequest(token: "tok", id: "openclaw-worker", mode: "worker"))
        #expect(worker["ok"] == .bool(release == Self.r9))
    }

    @Test func protocolPerRelease() async throws {
        let (_, sim4, port4) = try await start(Self.r4)
        defer { sim4.signal(SIGKILL) }
        let (_, hello3) = try connect(port4, RawWebSocket.connectRequest(token: "tok", min: 3, max: 4))
        #expect(hello3["payload"]?["protocol"] == .int(3))
        #expect(hello3["payload"]?["auth"] == nil, "2026.4's hello-ok carries auth only with a device token")
        let (_, sim9, port9) = try await start(Self.r9)
        defer { sim9.signal(SIGKILL) }
        let (_, hello4) = try connect(port9, RawWebSocket.connectRequest(token: "tok", min: 3, max: 4))
        #expect(hello4["payload"]?["protocol"] == .int(4))
        #expect(hello4["payload"]?["auth"]?["scopes"] == .array([]), "a device-less test client's scopes are cleared")
        let (ws, refused) = try connect(port9, RawWebSocket.connectRequest(token: "tok", min: 3, max: 3))
        #expect(refused["error"]?["message"] == .string("protocol mismatch"))
        #expect(refused["error"]?["details"]?["code"] == .string("PROTOCOL_MISMATCH"))
        #expect(refused["error"]?["details"]?["expectedProtocol"] == .int(4))
        #expect(closeCode(ws) == 1002)
    }

    @Test func scopesAreClearedUnlessLoopbackBackend() async throws {
        let (_, sim, port) = try await start(Self.r9)
        defer { sim.signal(SIGKILL) }
        let (cli, _) = try connect(port, RawWebSocket.connectRequest(token: "tok", id: "cli", mode: "cli"))
        cli.sendText(#"{"type":"req","id":"s","method":"channels.status","params":{}}"#)
        let refused = try #require(cli.readJSON())
        #expect(refused["error"]?["message"] == .string("missing scope: operator.read"))
        #expect(refused["error"]?["details"]?["missingScope"] == .string("operator.read"))
        cli.sendText(#"{"type":"req","id":"h","method":"health"}"#)
        #expect(cli.readJSON()?["ok"] == .bool(true))

        let (backend, hello) = try connect(port, RawWebSocket.connectRequest(token: "tok", id: "gateway-client", mode: "backend"))
        #expect(hello["payload"]?["auth"]?["scopes"] == .array([.string("operator.read")]))
        backend.sendText(#"{"type":"req","id":"s","method":"channels.status","params":{}}"#)
        let status = try #require(backend.readJSON())
        #expect(status["ok"] == .bool(true))
        let account = status["payload"]?["channelAccounts"]?["telegram"]?.arrayValue?.first
        #expect(account?["accountId"] == .string("default"))
        #expect(account?["lastError"] == nil && account?["lastInboundAt"] == nil, "optional fields are absent, not null")

        // A browser Origin takes the backend exemption away.
        let (browser, _) = try connect(port, RawWebSocket.connectRequest(token: "tok", id: "gateway-client", mode: "backend"),
                                       origin: "http://127.0.0.1")
        browser.sendText(#"{"type":"req","id":"s","method":"sessions.list","params":{}}"#)
        #expect(browser.readJSON()?["error"]?["message"] == .string("missing scope: operator.read"))
    }

    @Test func methodParamsAreClosed() async throws {
        let (_, sim, port) = try await start(Self.r4)
        defer { sim.signal(SIGKILL) }
        let (ws, _) = try connect(port, RawWebSocket.connectRequest(token: "tok", id: "gateway-client", mode: "backend"))
        ws.sendText(#"{"type":"req","id":"a","method":"sessions.list","params":{"activeMinutes":5,"foo":true}}"#)
        #expect(ws.readJSON()?["error"]?["message"] == .string("invalid sessions.list params: at root: unexpected property 'foo'"))
        ws.sendText(#"{"type":"req","id":"b","method":"logs.tail","params":{"limit":0}}"#)
        #expect(ws.readJSON()?["error"]?["message"] == .string("invalid logs.tail params: at /limit: must be >= 1"))
        ws.sendText(#"{"type":"req","id":"c","method":"sessions.list","params":{"offset":1}}"#)
        #expect(ws.readJSON()?["error"]?["message"]?.stringValue?.contains("unexpected property 'offset'") == true,
                "offset arrived with the 2026.8 line")
        ws.sendText(#"{"type":"req","id":"d","method":"channels.status","params":{"probe":false,"timeoutMs":100}}"#)
        #expect(ws.readJSON()?["ok"] == .bool(true))
    }

    @Test func startupSidecarsOnDemand() async throws {
        let (_, sim, port) = try await start(Self.r9, env: ["OPENCLAW_SIM_STARTUP_DELAY_MS": "600000"])
        defer { sim.signal(SIGKILL) }
        let (ws, res) = try connect(port, RawWebSocket.connectRequest(token: "tok", id: "gateway-client", mode: "backend"))
        #expect(res["error"]?["code"] == .string("UNAVAILABLE"))
        #expect(res["error"]?["details"]?["reason"] == .string("startup-sidecars"))
        #expect(res["error"]?["retryable"] == .bool(true) && res["error"]?["retryAfterMs"] == .int(500))
        #expect(closeCode(ws) == 1013)
        let ready = try #require(HTTPProbe.request(port: port, path: "/readyz"))
        #expect(ready.status == 503 && ready.json?["failing"] == .array([.string("startup-sidecars")]))
        let condition = ready.json?["conditions"]?.arrayValue?.first { $0["type"] == .string("GatewayStartupComplete") }
        #expect(condition?["status"] == .string("False") && condition?["requirement"] == .string("required"))
        #expect(HTTPProbe.request(port: port, path: "/startupz")?.status == 503)

        let (_, sim4, port4) = try await start(Self.r4)
        defer { sim4.signal(SIGKILL) }
        #expect(HTTPProbe.request(port: port4, path: "/startupz")?.status == 404, "/startupz arrived with the 2026.8 line")
    }

    @Test func logLinesAndRotationPerRelease() async throws {
        let (sandbox, sim, _) = try await start(Self.r9, env: ["OPENCLAW_SIM_LOG_ROTATE_BYTES": "3000", "OPENCLAW_SIM_TRAFFIC_PER_MIN": "6000"])
        defer { sim.signal(SIGKILL) }
        // Simulated traffic writes enough lines to pass the rotation size: gateway.1.log appears beside the log.
        let rotated = String(sandbox.logPath.dropLast(4)) + ".1.log"
        #expect(await eventually { FileManager.default.fileExists(atPath: rotated) })
        // Every whole line of both files (the traffic goes on: a last line may be half written, and
        // the gateway's first lines may have rotated away already) is one tslog JSON object.
        func wholeLines(_ text: String) -> [Substring] {
            // The piece after the last newline: empty, or a line still being written.
            text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().filter { !$0.isEmpty }
        }
        let lines = [rotated, sandbox.logPath].flatMap { wholeLines(sandbox.read($0)) }
        let parsed = lines.compactMap { try? JSON5.parse(String($0)) }
        #expect(!lines.isEmpty && parsed.count == lines.count, "\(lines.count - parsed.count) of \(lines.count) lines are not JSON")
        let line = try #require(parsed.first { $0["0"]?.stringValue?.hasPrefix(#"{"subsystem":"gateway"#) == true })
        #expect(line["message"] == line["1"] && line["hostname"]?.stringValue?.isEmpty == false)
    }

    @Test func loginAsksTheRunningGatewayToStartTheAccount() async throws {
        let (sandbox, sim, port) = try await start(Self.r9, channels: "whatsapp: { accounts: { biz: {} } }")
        defer { sim.signal(SIGKILL) }
        // Without the gateway's token the login links but cannot start the account.
        let blind = try SimProcess(["channels", "login", "--channel", "whatsapp", "--account", "biz"], sandbox: sandbox,
                                   env: ["OPENCLAW_SIM_VERSION": Self.r9, "OPENCLAW_SIM_LOGIN_DELAY_MS": "10",
                                         "OPENCLAW_GATEWAY_PORT": String(port)])
        #expect(await blind.waitForExit() == 0)
        #expect(blind.stdout.contains("Local login saved auth for whatsapp/biz, but the running gateway did not restart it: unauthorized"))
        try await Task.sleep(nanoseconds: 1_500_000_000)
        #expect(!sim.stdout.contains("[gateway/channels/whatsapp] [biz] starting provider"), "2026.9 does not notice the link itself")
        let login = try SimProcess(["channels", "login", "--channel", "whatsapp", "--account", "biz"], sandbox: sandbox,
                                   env: ["OPENCLAW_SIM_VERSION": Self.r9, "OPENCLAW_SIM_LOGIN_DELAY_MS": "10",
                                         "OPENCLAW_GATEWAY_PORT": String(port), "OPENCLAW_GATEWAY_TOKEN": "tok"])
        #expect(await login.waitForExit() == 0)
        #expect(login.stdout.contains("Started whatsapp/biz on the running gateway."))
        #expect(await eventually { sim.stdout.contains("[gateway/channels/whatsapp] [biz] starting provider") })
    }
}
