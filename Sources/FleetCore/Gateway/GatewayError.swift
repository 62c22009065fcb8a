import FoundationEssentials
import Glibc

/// Why talking to a gateway over its WebSocket protocol failed.
public enum GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing accepted the connection (not running, wrong port, no route).
    case unreachable(endpoint: String, reason: String)
    /// The gateway refused `connect` (wrong or missing token): its error code and message.
    case refused(code: String, message: String)
    /// The connection closed before the answer came (the gateway stopped or dropped it).
    case closed(during: String, detail: String)
    /// No answer within the timeout.
    case timeout(during: String, seconds: Double)
    /// The gateway broke the WebSocket or gateway protocol (bad upgrade, bad frame, bad JSON, wrong protocol).
    case protocolError(String)
    /// The gateway answered a request with `ok: false`.
    case methodFailed(method: String, code: String, message: String)

    /// One line for people.
    public var description: String {
        switch self {
        case .unreachable(let endpoint, let reason):
            return "gateway at \(endpoint) is unreachable: \(reason)"
        case .refused(let code, let message):
            return "gateway refused the connection (\(code)): \(message)"
        case .closed(let during, let detail):
            return "gateway closed the connection during \(during)\(detail.isEmpty ? "" : " (\(detail))")"
        case .timeout(let during, let seconds):
            return "gateway did not answer \(during) within \(Self.format(seconds))s"
        case .protocolError(let message):
            return "gateway protocol error: \(message)"
        case .methodFailed(let method, let code, let message):
            return "gateway method \(method) failed (\(code)): \(message)"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : seconds.fixed(1)
    }
}
