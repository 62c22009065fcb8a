@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
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

    @Test func handshakeAndEveryMethod() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let sessions: JSONValue = .object(["agent:support:telegram:direct:42": .object([
            "sessionId": .string("0b7c0e9e-0000-4000-8000-000000000001"), "updatedAt": .int(now - 5_000),
            "channel": .string("telegram"), "displayName": .string("telegram:42"), "chatType": .string("direct"),
            "inputTokens": .int(10), "outputTokens": .int(20), "totalTokens": .int(30),
        ])])
        let gw = try await SimGateway.start(channels: Self.channels, extraEnv: ["OPENCLAW_SIM_TRAFFIC_PER_MIN": "6000"], sessions: sessions)
        let session = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60))
        defer { session.close() }
        #expect(session.hello["type"]?.stringValue == "hello-ok")
        #expect(session.hello["protocol"]?.intValue == 3)
        #expect(Set(session.methods).isSuperset(of: ["health", "status", "channels.status", "sessions.list"]))

        let health = try await session.call("health")
        #expect(health["ok"]?.boolValue == true)
        let status = try await session.call("status")
        #expect(status["agentId"]?.stringValue == "support")
        #expect(status["port"]?.intValue == Int64(gw.port))

        var accounts = try await session.channelsStatus()
        // Until the simulated traffic reached a channel (a safety bound, not a timing).
        let deadline = ContinuousClock.now + .seconds(120)
        while !accounts.contains(where: { $0.lastInboundAt != nil }), ContinuousClock.now < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
            accounts = try await session.channelsStatus()
        }
        let good = try #require(accounts.first { $0.channel == "telegram" && $0.accountId == "default" })
        #expect(good.configured && good.running && good.connected && good.lastError == nil)
        let bad = try #require(accounts.first { $0.channel == "telegram" && $0.accountId == "ops" })
        #expect(bad.configured && !bad.connected)
        #expect(bad.lastError == "401 Unauthorized")
        #expect(accounts.contains { $0.channel == "discord" && $0.accountId == "default" && $0.connected })
        #expect(accounts.contains { $0.lastInboundAt != nil }, "simulated traffic sets lastInboundAt")

        let listed = try await session.sessionsList()
        let mine = try #require(listed.first { $0.key == "agent:support:telegram:direct:42" })
        #expect(mine.sessionId == "0b7c0e9e-0000-4000-8000-000000000001")
        #expect(mine.channel == "telegram" && mine.displayName == "telegram:42" && mine.totalTokens == 30)
        #expect(mine.updatedAt == now - 5_000)
        #expect(listed.map { $0.updatedAt ?? 0 } == listed.map { $0.updatedAt ?? 0 }.sorted(by: >))

        let logs = try await session.call("logs.tail", .object(["limit": .int(5)]))
        #expect(logs["lines"]?.arrayValue?.isEmpty == false)
        #expect((logs["lines"]?.arrayValue?.count ?? 0) <= 5)

        await #expect(throws: GatewayError.methodFailed(method: "nope.nothing", code: "INVALID_REQUEST", message: "unknown method: nope.nothing")) {
            try await session.call("nope.nothing")
        }
        // The session stays usable after a failed method, and the blocking form works too.
        #expect(try session.callBlocking("health")["ok"]?.boolValue == true)
    }

    @Test func wrongOrMissingTokenIsRefused() async throws {
        let gw = try await SimGateway.start()
        do {
            _ = try await GatewayClient.connect(port: gw.port, token: "wrong", timeout: .seconds(60))
            Issue.record("a wrong token was accepted")
        } catch {
            guard case .refused(_, let message) = error else { Issue.record("expected refused, got \(error)"); return }
            #expect(message.contains("token mismatch"))
        }
        do {
            _ = try GatewaySession.open(port: gw.port, token: nil, timeout: .seconds(60))
            Issue.record("a missing token was accepted")
        } catch {
            guard case .refused(_, let message) = error else { Issue.record("expected refused, got \(error)"); return }
            #expect(message.contains("token missing"))
        }
    }

    @Test func aGatewayThatDropsTheConnectionMidRequest() async throws {
        let gw = try await SimGateway.start(extraEnv: ["OPENCLAW_SIM_WS_CLOSE_AFTER_CONNECT": "1"])
        let session = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60))
        do {
            _ = try await session.call("status")
            Issue.record("the call succeeded")
        } catch {
            guard case .closed(let during, _) = error else { Issue.record("expected closed, got \(error)"); return }
            #expect(during == "'status'")
            #expect(error.description.hasPrefix("gateway closed the connection during 'status'"))
        }
    }

    @Test func aGatewayKilledWhileConnected() async throws {
        let gw = try await SimGateway.start()
        let session = try await GatewayClient.connect(port: gw.port, token: gw.token, timeout: .seconds(60))
        kill(gw.process.processIdentifier, SIGKILL)
        await gw.process.exited()
        await #expect {
            try await session.call("channels.status")
        } throws: { error in
            if case GatewayError.closed = error { return true }
            return false
        }
    }

    @Test func nothingListeningIsUnreachable() async throws {
        let port = freePort()
        do {
            _ = try await GatewayClient.connect(port: port, token: "t", timeout: .seconds(2))
            Issue.record("connected to nothing")
        } catch {
            guard case .unreachable(let endpoint, let reason) = error else { Issue.record("got \(error)"); return }
            #expect(endpoint == "127.0.0.1:\(port)")
            #expect(reason.contains("refused"))
        }
    }

    @Test func aSilentGatewayTimesOut() async throws {
        let server = ScriptedServer { _, connection in
            connection.acceptUpgrade()
            _ = connection.readFrame()  // wait (the client gives up first)
        }
        let started = Date()
        do {
            _ = try await GatewayClient.connect(port: server.port, token: "t", timeout: .milliseconds(300))
            Issue.record("connected to a silent server")
        } catch {
            guard case .timeout(let during, let seconds) = error else { Issue.record("got \(error)"); return }
            #expect(during == "connect" && seconds == 0.3)
        }
        // The client gives up after 0.3 s on its own thread; the hop back to this async test can
        // wait for a free cooperative thread while blocking end-to-end tests hold both (2 cores).
        #expect(Date().timeIntervalSince(started) < 120)
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
        do {
            _ = try await session.call("health")
            Issue.record("the call succeeded")
        } catch {
            #expect(error == .closed(during: "'health'", detail: "close code 1001: restarting"))
        }
        // The server notes the client's close reply on its own thread: wait for it.
        #expect(await eventually { server.log.count >= 9 }, "\(server.log)")
        #expect(server.log == ["pong:p1", "pong:p2", "req:connect", "token:secret", "role:operator", "req:status",
                               "pong:p3", "req:health", "close:1001"])
    }

    @Test func acceptKeyMatchesRFC6455() {
        #expect(WebSocketSHA1.acceptKey(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let abc = WebSocketSHA1.digest(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(abc == "a9993e364706816aba3e25717850c26c9cd0d89d")
        let long = WebSocketSHA1.digest(Array(repeating: UInt8(ascii: "a"), count: 1_000)).map { String(format: "%02x", $0) }.joined()
        #expect(long == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }
}
