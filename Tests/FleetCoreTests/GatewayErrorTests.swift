@testable import FleetCore
import OpenClawConfig
import Testing

/// One typed error for every failure of a gateway connection, classified from OpenClaw's error
/// shapes (kind, stable code, words, fix), never from fleet's own wording.
@Suite struct GatewayErrorTests {
    func refusal(_ json: String, method: String = "connect", loopback: Bool = true) throws -> GatewayError {
        GatewayError.refusal(try JSON5.parse(json), during: method, endpoint: loopback ? "127.0.0.1:1" : "10.0.0.5:1", loopback: loopback)
    }

    @Test func everyKindHasItsOwnCode() {
        let codes = GatewayError.Kind.allCases.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { $0.hasPrefix("GW") && $0.count == 5 })
    }

    @Test func refusalsAreClassifiedFromOpenClawsShapes() throws {
        #expect(try refusal(#"{code: "INVALID_REQUEST", message: "invalid connect params: at /client/id: must be equal to one of the allowed values"}"#).kind == .invalidConnectParams)
        let auth = try refusal(#"{code: "INVALID_REQUEST", message: "unauthorized: gateway token mismatch (provide gateway auth token)", details: {code: "AUTH_TOKEN_MISMATCH"}}"#)
        #expect(auth.kind == .unauthorized && auth.fix(bot: "ops")?.contains("fleet restart ops") == true)
        let mismatch = try refusal(#"{code: "INVALID_REQUEST", message: "protocol mismatch", details: {code: "PROTOCOL_MISMATCH", expectedProtocol: 5}}"#)
        #expect(mismatch.kind == .protocolMismatch && mismatch.message.contains("speaks protocol 5"))
        let starting = try refusal(#"{code: "UNAVAILABLE", message: "gateway starting", details: {reason: "startup-sidecars"}, retryable: true, retryAfterMs: 500}"#)
        #expect(starting.kind == .startingUp && starting.code == "GW013")
        let pairing = try refusal(#"{code: "NOT_PAIRED", message: "pairing required: device is not approved yet", details: {code: "PAIRING_REQUIRED", requestId: "r-42"}}"#)
        #expect(pairing.kind == .deviceIdentityRequired && pairing.fix(bot: "b") == "approve it on the gateway's host: openclaw devices approve r-42")
        #expect(try refusal(#"{code: "INVALID_REQUEST", message: "invalid sessions.list params: at root: unexpected property 'x'"}"#, method: "sessions.list").kind == .invalidParams)
        #expect(try refusal(#"{code: "INVALID_REQUEST", message: "unknown method: foo"}"#, method: "foo").kind == .unknownMethod)
        #expect(try refusal(#"{code: "UNAVAILABLE", message: "busy"}"#, method: "status").kind == .methodFailed)
        // No message at all still gives words.
        #expect(try refusal(#"{}"#).message.contains("refused without a message"))
    }

    /// Missing scope: by details (newer) or by the message (as OpenClaw's own client reads it); beyond
    /// loopback the words say why and the fix says what the operator does.
    @Test func missingScopeSaysWhyBeyondLoopback() throws {
        let local = try refusal(#"{code: "INVALID_REQUEST", message: "missing scope: operator.read"}"#, method: "channels.status")
        #expect(local.kind == .missingScope && local.message == "gateway refused 'channels.status': missing scope operator.read")
        let remote = try refusal(#"{code: "FORBIDDEN", message: "forbidden", details: {code: "MISSING_SCOPE", missingScope: "operator.read", requiredScopes: ["operator.read"]}}"#,
                                 method: "sessions.list", loopback: false)
        #expect(remote.kind == .missingScope)
        #expect(remote.message.contains("10.0.0.5:1 is not loopback"))
        #expect(remote.fix(bot: "b")?.contains("bind the gateway loopback, lan or auto") == true)
        #expect(remote.record(bot: "b").code == "GW020")
    }

    @Test func readinessInWords() {
        let channels = [ChannelStatus(channel: "telegram", accountId: "default", configured: true, running: false, connected: false,
                                      lastError: "401 Unauthorized"),
                        ChannelStatus(channel: "discord", accountId: "default", configured: true, running: true, connected: true)]
        #expect(GatewayReadiness.explain(failing: ["telegram"], channels: channels) == "not ready: telegram (default: 401 Unauthorized)")
        #expect(GatewayReadiness.explain(failing: ["startup-sidecars"], channels: nil) == "not ready: the gateway is still starting (startup-sidecars)")
        #expect(GatewayReadiness.failingText(["telegram", "startup-sidecars"]) == "telegram,starting")
    }
}
