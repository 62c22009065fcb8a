import FoundationEssentials
import Glibc
import OpenClawConfig

/// Why talking to a gateway over its WebSocket protocol failed: one typed error for every failure
/// of a connection, with a stable code, words for people and a fix where there is one. `status`,
/// `describe`, `sessions`, `logs` and the state file show it; code switches on ``kind``, never on
/// the words.
public struct GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Nothing accepted the connection (not running, wrong port, no route).
        case unreachable
        /// No answer within the time budget.
        case timeout
        /// The connection closed before the answer came.
        case closed
        /// The gateway broke the WebSocket or gateway protocol (bad upgrade, frame, JSON).
        case protocolViolation
        /// `connect` was refused for its params (an unknown client id or mode, an unknown key).
        case invalidConnectParams
        /// Wrong or missing token or password.
        case unauthorized
        /// The gateway speaks neither protocol 3 nor 4.
        case protocolMismatch
        /// The gateway is still starting (`UNAVAILABLE`, `startup-sidecars`) past the time budget.
        case startingUp
        /// The gateway wants a device identity, or pairing approval, for this connection.
        case deviceIdentityRequired
        /// The connection has no scope for the method (a device-less client beyond loopback).
        case missingScope
        /// The gateway refused a method's params.
        case invalidParams
        /// The gateway does not offer the method.
        case unknownMethod
        /// The method failed for another reason.
        case methodFailed

        /// The stable code (`GW001` ...), for logs, JSON and docs (docs/operating.md lists them).
        public var code: String {
            switch self {
            case .unreachable: return "GW001"
            case .timeout: return "GW002"
            case .closed: return "GW003"
            case .protocolViolation: return "GW004"
            case .invalidConnectParams: return "GW010"
            case .unauthorized: return "GW011"
            case .protocolMismatch: return "GW012"
            case .startingUp: return "GW013"
            case .deviceIdentityRequired: return "GW014"
            case .missingScope: return "GW020"
            case .invalidParams: return "GW021"
            case .unknownMethod: return "GW022"
            case .methodFailed: return "GW023"
            }
        }
    }

    /// What went wrong.
    public let kind: Kind
    /// One line for people (never a secret).
    public let message: String
    /// How to fix it; `BOT` stands for the bot (see ``fix(bot:)``).
    public let fixTemplate: String?
    /// The gateway's own error code (`INVALID_REQUEST`, `UNAVAILABLE`), when it answered one.
    public let gatewayCode: String?
    /// The method, for method failures.
    public let method: String?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, fix: String? = nil, gatewayCode: String? = nil, method: String? = nil) {
        self.kind = kind
        self.message = message
        self.fixTemplate = fix
        self.gatewayCode = gatewayCode
        self.method = method
    }

    /// The stable code.
    public var code: String { kind.code }

    /// `message`.
    public var description: String { message }

    /// The fix, naming `bot`.
    public func fix(bot: String) -> String? {
        fixTemplate.map { $0.replacing("BOT", with: bot) }
    }

    /// The error as the state file and `--json` record it.
    public func record(bot: String) -> GatewayProblem {
        GatewayProblem(code: code, kind: kind, message: message, fix: fix(bot: bot))
    }

    // MARK: - Transport failures

    static func unreachable(endpoint: String, reason: String) -> GatewayError {
        GatewayError(.unreachable, "gateway at \(endpoint) is unreachable: \(reason)",
                     fix: "is the gateway running? fleet status shows it; fleet apply (or the daemon) starts it")
    }

    static func timeout(during: String, seconds: Double) -> GatewayError {
        GatewayError(.timeout, "gateway did not answer \(during) within \(format(seconds))s",
                     fix: "the gateway is busy or stuck: fleet logs BOT shows what it does; fleet restart BOT if it stays so")
    }

    static func closed(during: String, detail: String) -> GatewayError {
        GatewayError(.closed, "gateway closed the connection during \(during)\(detail.isEmpty ? "" : " (\(detail))")",
                     fix: "it may be restarting: fleet status BOT; fleet logs BOT shows why")
    }

    static func violation(_ message: String) -> GatewayError {
        GatewayError(.protocolViolation, "gateway protocol error: \(message)",
                     fix: "is this port an OpenClaw gateway? fleet status shows which process holds it")
    }

    // MARK: - Refusals the gateway answers

    /// Classifies a refusal: an `error` object of a `res` frame (or a close reason) during `during`
    /// (`connect` or a method). OpenClaw's shapes: src/gateway/protocol/schema/frames.ts (ErrorShape),
    /// packages/gateway-protocol/src/connect-error-details.ts (details.code),
    /// packages/gateway-protocol/src/gateway-error-details.ts (missing scope),
    /// packages/gateway-protocol/src/startup-unavailable.ts (startup-sidecars).
    static func refusal(_ error: JSONValue?, during method: String, endpoint: String, loopback: Bool) -> GatewayError {
        let gatewayCode = error?["code"]?.stringValue
        let text = error?["message"]?.stringValue ?? "refused without a message"
        let detail = error?["details"]?["code"]?.stringValue
        let lower = text.lowercased()
        let connect = method == "connect"
        if gatewayCode == "UNAVAILABLE", error?["details"]?["reason"]?.stringValue == ReadinessRule.startupSidecarsReason {
            return GatewayError(.startingUp, "gateway at \(endpoint) is still starting (\(ReadinessRule.startupSidecarsReason))",
                                fix: "wait a moment and ask again; fleet status BOT shows when it is ready", gatewayCode: gatewayCode)
        }
        if detail == "PROTOCOL_MISMATCH" || lower.hasPrefix("protocol mismatch") {
            let expected = error?["details"]?["expectedProtocol"]?.intValue.map { "protocol \($0)" } ?? "another protocol"
            return GatewayError(.protocolMismatch, "gateway at \(endpoint) speaks \(expected); fleet speaks 3 and 4",
                                fix: "fleet supports \(OpenClawReleaseTable.supportedText); check the gateway's release with fleet plan",
                                gatewayCode: gatewayCode)
        }
        if lower.hasPrefix("invalid connect params") {
            return GatewayError(.invalidConnectParams, "gateway refused fleet's connect params: \(text)",
                                fix: "fleet connects as gateway-client/backend with protocol 3-4; a gateway that refuses that is outside "
                                    + OpenClawReleaseTable.supportedText + ": run fleet conformance against it",
                                gatewayCode: gatewayCode)
        }
        if (detail?.hasPrefix("AUTH_") ?? false) || lower.hasPrefix("unauthorized") {
            return GatewayError(.unauthorized, "gateway refused fleet's token: \(text)",
                                fix: "fleet starts each gateway with the token in its 0600 secrets/gateway-token; a gateway started "
                                    + "another way has another: fleet restart BOT", gatewayCode: gatewayCode)
        }
        if detail == "PAIRING_REQUIRED" || lower.contains("pairing required") {
            let request = error?["details"]?["requestId"]?.stringValue.map { " \($0)" } ?? " <requestId>"
            return GatewayError(.deviceIdentityRequired, "gateway at \(endpoint) wants fleet's device approved: \(text)",
                                fix: "approve it on the gateway's host: openclaw devices approve\(request)", gatewayCode: gatewayCode)
        }
        if (detail?.hasPrefix("DEVICE_") ?? false) || lower.contains("device identity required") {
            return GatewayError(.deviceIdentityRequired, "gateway at \(endpoint) wants a device identity: \(text)",
                                fix: remoteFix, gatewayCode: gatewayCode)
        }
        if let scope = missingScope(error) {
            let where_ = loopback ? "" : " (\(endpoint) is not loopback: OpenClaw clears the scopes of a client without a device identity there)"
            return GatewayError(.missingScope, "gateway refused '\(method)': missing scope \(scope)\(where_)",
                                fix: loopback ? "the gateway treats fleet as a device-less client: is it an OpenClaw release fleet supports? fleet conformance checks"
                                    : remoteFix,
                                gatewayCode: gatewayCode, method: method)
        }
        if !connect, lower.hasPrefix("invalid \(method) params") {
            return GatewayError(.invalidParams, "gateway refused the params of '\(method)': \(text)",
                                fix: "the gateway's release takes other params; fleet conformance shows which rule differs",
                                gatewayCode: gatewayCode, method: method)
        }
        if !connect, lower.hasPrefix("unknown method") {
            return GatewayError(.unknownMethod, "gateway does not offer '\(method)': \(text)",
                                fix: "the gateway's release lacks this method; fleet supports \(OpenClawReleaseTable.supportedText)",
                                gatewayCode: gatewayCode, method: method)
        }
        if connect {
            return GatewayError(.invalidConnectParams, "gateway refused the connection (\(gatewayCode ?? "no code")): \(text)",
                                fix: "fleet conformance checks the gateway against what fleet expects", gatewayCode: gatewayCode)
        }
        return GatewayError(.methodFailed, "gateway method \(method) failed (\(gatewayCode ?? "no code")): \(text)",
                            gatewayCode: gatewayCode, method: method)
    }

    /// What an operator does for a gateway fleet cannot reach on loopback.
    static let remoteFix = "fleet reads channels and sessions on loopback: bind the gateway loopback, lan or auto (fleet then "
        + "connects on 127.0.0.1); a gateway reachable only on another address needs OpenClaw's device pairing, which fleet "
        + "does not do (docs/operating.md, \"Gateways beyond loopback\")"

    /// The scope a refusal says is missing (`details.code: MISSING_SCOPE`, else the `missing scope: x`
    /// message OpenClaw's own client also reads).
    static func missingScope(_ error: JSONValue?) -> String? {
        if error?["details"]?["code"]?.stringValue == "MISSING_SCOPE", let scope = error?["details"]?["missingScope"]?.stringValue {
            return scope
        }
        guard let text = error?["message"]?.stringValue?.lowercased(), let range = text.firstRange(of: "missing scope:") else {
            return nil
        }
        let scope = text[range.upperBound...].drop { $0 == " " }.prefix { !$0.isWhitespace && $0 != ")" && $0 != "," && $0 != ";" }
        return scope.isEmpty ? nil : String(scope)
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : seconds.fixed(1)
    }
}

/// A gateway error as recorded in the state file and printed by `--json`: its code, kind, words and fix.
public struct GatewayProblem: Sendable, Codable, Hashable {
    /// `GW020`.
    public var code: String
    /// The kind.
    public var kind: GatewayError.Kind
    /// What went wrong.
    public var message: String
    /// How to fix it.
    public var fix: String?

    /// Creates a record.
    public init(code: String, kind: GatewayError.Kind, message: String, fix: String?) {
        self.code = code
        self.kind = kind
        self.message = message
        self.fix = fix
    }
}
