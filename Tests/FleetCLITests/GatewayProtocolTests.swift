@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import TestChild
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// fleet's gateway client against the stand-in (real processes on loopback) and against a
/// scripted server that sends what a gateway may send.
@Suite struct GatewayProtocolTests {
    static let channels = """
        telegram: { accounts: { default: { botToken: "123:good" }, ops: { botToken: "bad-token" } } },
        discord: { token: "d-good" },
        """

    /// The error `body` throws, or a recorded issue.
    func gatewayError(_ body: () async throws(GatewayError) -> Void) async -> GatewayError? {
        do {
            try await body()
            Issue.record("no error was thrown")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["2026.4.27", "2026.9.6"])
    func handshakeAndEveryMethod(release: String) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let sessions: JSONValue = .object(["agent:support:telegram:direct:42": .object([
            "sessionId": .string("0b7c0e9e-0000-4000-8000-000000000001"), "updatedAt": .int(now - 5_000),
            "channel": .string("telegram"), "displayName": .string("telegram:42"), "chatType": .string("direct"),
            "inputTokens": .int(10), "outputTokens": .int(20), "totalTokens": .int(30),
        ])])
        let gw = try await SimGateway.start(channels: Self.channels, extraEnv: ["OPENCLAW_SIM_TRAFFIC_PER_MIN": "6000"], sessions: sessions,
                                            release: release)
        let session = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60))
        defer { session.close() }
        #expect(session.hello["type"]?.stringValue == "hello-ok")
        // OpenClaw speaks protocol 3 until about 2026.5.30, then 4: fleet offers both and uses the answer.
        #expect(session.protocolVersion == (release == "2026.4.27" ? 3 : 4))
        #expect(Set(session.methods).isSuperset(of: ["health", "status", "channels.status", "sessions.list", "logs.tail"]))

        let health = try await session.call("health")
        #expect(health["ok"]?.boolValue == true)
        let status = try await session.call("status")
        #expect(status["agentId"]?.stringValue == "support")
        #expect(status["port"]?.intValue == Int64(gw.port))

        // Optional fields are absent, not null: a good account carries no lastError at all.
        let raw = try await session.call("channels.status")
        let good = raw["channelAccounts"]?["telegram"]?.arrayValue?.first { $0["accountId"]?.stringValue == "default" }
        #expect(good != nil && good?["lastError"] == nil)
        var accounts = try await session.channelsStatus()
        // Until the simulated traffic reached a channel (a safety bound, not a timing).
        let deadline = ContinuousClock.now + .seconds(120)
        while !accounts.contains(where: { $0.lastInboundAt != nil }), ContinuousClock.now < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
            accounts = try await session.channelsStatus()
        }
        let ok = try #require(accounts.first { $0.channel == "telegram" && $0.accountId == "default" })
        #expect(ok.configured && ok.running && ok.connected && ok.lastError == nil)
        let bad = try #require(accounts.first { $0.channel == "telegram" && $0.accountId == "ops" })
        #expect(bad.configured && !bad.connected)
        #expect(bad.lastError == "401 Unauthorized")
        // The gateway restarts a failed channel itself (5 s backoff): meanwhile it is restart-pending.
        #expect(bad.restartPending == true)
        #expect(accounts.contains { $0.channel == "discord" && $0.accountId == "default" && $0.connected })
        #expect(accounts.contains { $0.lastInboundAt != nil }, "simulated traffic sets lastInboundAt")

        let listed = try await session.sessionsList(activeMinutes: 60, limit: 1000)
        if release == "2026.4.27" {
            let mine = try #require(listed.first { $0.key == "agent:support:telegram:direct:42" })
            #expect(mine.sessionId == "0b7c0e9e-0000-4000-8000-000000000001")
            #expect(mine.channel == "telegram" && mine.displayName == "telegram:42" && mine.totalTokens == 30)
            #expect(mine.updatedAt == now - 5_000)
        }
        #expect(listed.map { $0.updatedAt ?? 0 } == listed.map { $0.updatedAt ?? 0 }.sorted(by: >))

        let logs = try await session.logsTail(limit: 5)
        #expect(!logs.lines.isEmpty && logs.lines.count <= 5)
        let more = try await session.logsTail(cursor: logs.cursor, limit: 100)
        #expect(more.cursor >= logs.cursor)

        let unknown = await gatewayError { () throws(GatewayError) in _ = try await session.call("nope.nothing") }
        #expect(unknown?.kind == .unknownMethod && unknown?.code == "GW022")
        // The session stays usable after a failed method, and the blocking form works too.
        #expect(try session.callBlocking("health")["ok"]?.boolValue == true)
    }

    /// fleet's old identity (`client.id: "fleet"`) is outside OpenClaw's closed list: refused.
    @Test func unknownClientIdIsRefused() async throws {
        let gw = try await SimGateway.start(release: "2026.9.6")
        let error = await gatewayError { () throws(GatewayError) in
            _ = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60),
                                                client: GatewayClientInfo(id: "fleet", version: "1", platform: "linux", mode: "cli"))
        }
        #expect(error?.kind == .invalidConnectParams)
        #expect(error?.message.contains("invalid connect params: at /client/id") == true, "\(String(describing: error))")
        #expect(error?.fix(bot: "support") != nil)
    }

    /// A 2026.9 gateway speaks protocol 4 only: fleet's range 3-4 gets 4; a client offering only 3 is refused.
    @Test func protocol4OnlyGateway() async throws {
        let gw = try await SimGateway.start(release: "2026.9.6")
        let session = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60))
        #expect(session.protocolVersion == 4)
        session.close()
        let error = await gatewayError { () throws(GatewayError) in
            _ = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60), protocols: 3...3)
        }
        #expect(error?.kind == .protocolMismatch)
        #expect(error?.message.contains("speaks protocol 4") == true, "\(String(describing: error))")
    }

    /// A device-less client that is not the loopback backend has its scopes cleared: every method but
    /// health answers "missing scope: operator.read".
    @Test(arguments: ["2026.4.27", "2026.9.6"])
    func deviceLessNonBackendClientHasNoScope(release: String) async throws {
        let gw = try await SimGateway.start(channels: Self.channels, release: release)
        let cli = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60),
                                                  client: GatewayClientInfo(id: "cli", version: "1", platform: "linux", mode: "cli"))
        defer { cli.close() }
        #expect(try await cli.call("health")["ok"]?.boolValue == true)
        let error = await gatewayError { () throws(GatewayError) in _ = try await cli.channelsStatus() }
        #expect(error?.kind == .missingScope && error?.code == "GW020")
        #expect(error?.message.contains("missing scope operator.read") == true, "\(String(describing: error))")
        // fleet's own identity keeps its scopes on loopback.
        let fleet = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60))
        defer { fleet.close() }
        #expect(try await fleet.channelsStatus().isEmpty == false)
    }

    /// Unknown method params are refused, as OpenClaw's closed schemas do; fleet sends only known keys.
    @Test func unknownParamsAreRefused() async throws {
        let gw = try await SimGateway.start(release: "2026.9.6")
        let session = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60))
        defer { session.close() }
        let error = await gatewayError { () throws(GatewayError) in
            _ = try await session.call("sessions.list", .object(["active": .int(60)]))
        }
        #expect(error?.kind == .invalidParams)
        #expect(error?.message.contains("unexpected property 'active'") == true, "\(String(describing: error))")
        let zero = await gatewayError { () throws(GatewayError) in _ = try await session.call("logs.tail", .object(["limit": .int(0)])) }
        #expect(zero?.kind == .invalidParams)
        // fleet's own calls stay inside the schema (a 0 is raised to the minimum of 1).
        _ = try await session.sessionsList(activeMinutes: 0, limit: 0)
        _ = try await session.logsTail(limit: 0, maxBytes: 0)
    }

    /// A gateway still starting its sidecars answers UNAVAILABLE/startup-sidecars: fleet asks again after
    /// retryAfterMs within its budget, and says "still starting" when the budget runs out.
    @Test func startupSidecarsAreRetried() async throws {
        let server = ScriptedServer(connections: 3) { server, c, index in
            c.acceptUpgrade()
            c.sendText(#"{"type":"event","event":"connect.challenge","payload":{"nonce":"n","ts":1}}"#)
            guard let connect = c.readRequest(server), let id = connect["id"]?.stringValue else { return }
            server.note("min:\(connect["params"]?["minProtocol"]?.intValue ?? 0) max:\(connect["params"]?["maxProtocol"]?.intValue ?? 0) "
                        + "client:\(connect["params"]?["client"]?["id"]?.stringValue ?? "")/\(connect["params"]?["client"]?["mode"]?.stringValue ?? "")")
            if index < 2 {
                c.sendText(#"{"type":"res","id":"\#(id)","ok":false,"error":{"code":"UNAVAILABLE","message":"gateway starting","details":{"reason":"startup-sidecars"},"retryable":true,"retryAfterMs":120}}"#)
                c.write(ScriptedServer.Connection.frame(0x8, [0x03, 0xF5] + Array("gateway starting".utf8)))
                return
            }
            c.sendText(#"{"type":"res","id":"\#(id)","ok":true,"payload":{"type":"hello-ok","protocol":4,"server":{"version":"x","connId":"c"},"features":{"methods":["health"],"events":[]},"snapshot":{},"policy":{"maxPayload":1,"maxBufferedBytes":1,"tickIntervalMs":1}}}"#)
            _ = c.readRequest(server)
        }
        let session = try await GatewayClient.connect(port: server.port, token: "t", timeout: .seconds(60))
        #expect(session.protocolVersion == 4)
        session.close()
        #expect(server.log.filter { $0.hasPrefix("min:") } == Array(repeating: "min:3 max:4 client:gateway-client/backend", count: 3))

        // Against the stand-in: a 2026.9 gateway whose sidecars take long, and a budget shorter than that.
        let gw = try await SimGateway.start(extraEnv: ["OPENCLAW_SIM_STARTUP_DELAY_MS": "600000"], release: "2026.9.6")
        let error = await gatewayError { () throws(GatewayError) in
            _ = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(2))
        }
        #expect(error?.kind == .startingUp, "\(String(describing: error))")
        #expect(error?.message.contains("still starting") == true)
    }

    @Test func wrongOrMissingTokenIsRefused() async throws {
        let gw = try await SimGateway.start()
        let wrong = await gatewayError { () throws(GatewayError) in
            _ = try await GatewayClient.connect(port: gw.port, token: "wrong", timeout: .seconds(60))
        }
        #expect(wrong?.kind == .unauthorized)
        #expect(wrong?.message.contains("token mismatch") == true)
        #expect(wrong?.fix(bot: "support")?.contains("fleet restart support") == true)
        do {
            _ = try GatewaySession.open(port: gw.port, token: nil, timeout: .seconds(60))
            Issue.record("a missing token was accepted")
        } catch {
            #expect(error.kind == .unauthorized && error.message.contains("token missing"))
        }
    }

    @Test func aGatewayThatDropsTheConnectionMidRequest() async throws {
        let gw = try await SimGateway.start(extraEnv: ["OPENCLAW_SIM_WS_CLOSE_AFTER_CONNECT": "1"])
        let session = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60))
        let error = await gatewayError { () throws(GatewayError) in _ = try await session.call("status") }
        #expect(error?.kind == .closed)
        #expect(error?.description.hasPrefix("gateway closed the connection during 'status'") == true)
    }

    @Test func aGatewayKilledWhileConnected() async throws {
        let gw = try await SimGateway.start()
        let session = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60))
        gw.process.kill()
        await gw.process.exited()
        let error = await gatewayError { () throws(GatewayError) in _ = try await session.call("channels.status") }
        #expect(error?.kind == .closed)
    }

    @Test func nothingListeningIsUnreachable() async throws {
        let port = freePort()
        let error = await gatewayError { () throws(GatewayError) in
            _ = try await GatewayClient.connect(port: port, token: "t", timeout: .seconds(2))
        }
        #expect(error?.kind == .unreachable && error?.code == "GW001")
        #expect(error?.message.contains("127.0.0.1:\(port)") == true && error?.message.contains("refused") == true)
    }

    @Test func aSilentGatewayTimesOut() async throws {
        let server = ScriptedServer { _, connection in
            connection.acceptUpgrade()
            _ = connection.readFrame()  // wait (the client gives up first)
        }
        let error = await gatewayError { () throws(GatewayError) in
            _ = try await GatewayClient.connect(port: server.port, token: "t", timeout: .milliseconds(300))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.message == "gateway did not answer connect within 0.3s")
    }

    @Test func fragmentedMessagesPingsAndCloseFromTheServer() async throws {
        let server = ScriptedServer { server, c in
            c.acceptUpgrade()
            c.write(ScriptedServer.Connection.frame(0x9, Array("p1".utf8)))
            let challenge = Array(#"{"type":"event","event":"connect.challenge","payload":{"nonce":"n","ts":1}}"#.utf8)
            c.write(ScriptedServer.Connection.frame(0x1, Array(challenge[0..<7]), fin: false))
            c.write(ScriptedServer.Connection.frame(0x9, Array("p2".utf8)))
            c.write(ScriptedServer.Connection.frame(0x0, Array(challenge[7..<30]), fin: false))
            c.write(ScriptedServer.Connection.frame(0x0, Array(challenge[30...]), fin: true))
            guard let connect = c.readRequest(server), let id = connect["id"]?.stringValue else { return }
            server.note("token:" + (connect["params"]?["auth"]?["token"]?.stringValue ?? ""))
            server.note("role:" + (connect["params"]?["role"]?.stringValue ?? ""))
            // An unrelated event first, then hello-ok in two fragments, one of them long (16-bit length).
            c.sendText(#"{"type":"event","event":"tick","payload":{}}"#)
            let pad = String(repeating: "m", count: 400)
            let hello = Array(#"{"type":"res","id":"\#(id)","ok":true,"payload":{"type":"hello-ok","protocol":3,"features":{"methods":["status","\#(pad)"]}}}"#.utf8)
            c.write(ScriptedServer.Connection.frame(0x1, Array(hello[0..<200]), fin: false))
            c.write(ScriptedServer.Connection.frame(0x0, Array(hello[200...]), fin: true))
            guard let status = c.readRequest(server), let sid = status["id"]?.stringValue else { return }
            c.sendText(#"{"type":"res","id":"other","ok":true,"payload":{}}"#)
            c.write(ScriptedServer.Connection.frame(0x9, Array("p3".utf8)))
            c.sendText(#"{"type":"res","id":"\#(sid)","ok":true,"payload":{"answer":42}}"#)
            // The next request is answered with a close frame (1001 going away).
            _ = c.readRequest(server)
            c.write(ScriptedServer.Connection.frame(0x8, [0x03, 0xE9] + Array("restarting".utf8)))
            _ = c.readRequest(server)  // the client's close reply
        }
        let session = try await GatewayClient.connect(port: server.port, token: "secret", timeout: .seconds(60))
        #expect(session.methods.first == "status")
        let answer = try await session.call("status")
        #expect(answer["answer"]?.intValue == 42)
        let error = await gatewayError { () throws(GatewayError) in _ = try await session.call("health") }
        #expect(error?.kind == .closed)
        #expect(error?.message == "gateway closed the connection during 'health' (close code 1001: restarting)")
        // The server notes the client's close reply on its own thread: wait for it.
        #expect(await eventually { server.log.count >= 9 }, "\(server.log)")
        #expect(server.log == ["pong:p1", "pong:p2", "req:connect", "token:secret", "role:operator", "req:status",
                               "pong:p3", "req:health", "close:1001"])
    }
}
