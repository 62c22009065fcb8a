import FoundationEssentials
import Glibc
import OpenClawConfig
import Synchronization

/// Who fleet says it is in `connect` (`client: {id, version, platform, mode}`).
public struct GatewayClientInfo: Sendable, Hashable {
    /// Client id: one of OpenClaw's closed list (src/gateway/protocol/client-info.ts).
    public var id: String
    /// Client version.
    public var version: String
    /// Operating system.
    public var platform: String
    /// Client mode: one of OpenClaw's closed list.
    public var mode: String

    /// Creates client info.
    public init(id: String, version: String, platform: String, mode: String) {
        self.id = id
        self.version = version
        self.platform = platform
        self.mode = mode
    }

    /// fleet's identity: `gateway-client` in mode `backend`, the one device-less client that keeps
    /// its scopes on a direct loopback connection with the shared token (OpenClaw:
    /// src/gateway/server/ws-connection/handshake-auth-helpers.ts, docs/gateway/protocol.md).
    public static let fleet = GatewayClientInfo(id: GatewayClientCatalog.fleetClientId, version: FleetVersion.string,
                                                platform: "linux", mode: GatewayClientCatalog.fleetClientMode)
}

/// An authenticated connection to one gateway (role `operator`), speaking protocol 3 or 4 as the
/// gateway answers.
///
/// Calls are serialised: the session may be shared between threads and tasks, one request runs
/// at a time. Every call has a timeout. The blocking forms (`open`, `callBlocking`) suit a
/// background thread; the async forms run the blocking work on a dedicated thread so they never
/// hold a thread of the cooperative pool.
public final class GatewaySession: @unchecked Sendable {
    /// `127.0.0.1:18789`.
    public let endpoint: String
    /// The `hello-ok` payload.
    public let hello: JSONValue
    /// The default timeout of a call.
    public let timeout: Duration
    /// Whether the gateway is reached on a loopback address.
    public let loopback: Bool
    /// The next request id; held for the whole of a call, so calls run one at a time.
    private let nextId = Mutex(1)
    private let socket: WebSocketClient

    /// The protocol versions fleet speaks, oldest first (OpenClaw: 3 until about 2026.5.30, then 4;
    /// the release table's ``GatewayProtocolRule``).
    public static let protocolRange: ClosedRange<Int64> = 3...4

    /// The protocol `hello-ok` answered.
    public var protocolVersion: Int64 { hello["protocol"]?.intValue ?? 0 }

    /// The methods the gateway offers (`hello-ok.features.methods`).
    public var methods: [String] { hello["features"]?["methods"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// The scopes `hello-ok.auth` reports (absent before the 2026.8 line).
    public var grantedScopes: [String]? { hello["auth"]?["scopes"]?.arrayValue?.compactMap(\.stringValue) }

    private init(endpoint: String, hello: JSONValue, timeout: Duration, loopback: Bool, socket: WebSocketClient) {
        self.endpoint = endpoint
        self.hello = hello
        self.timeout = timeout
        self.loopback = loopback
        self.socket = socket
    }

    deinit { socket.close() }

    /// Connects, waits for `connect.challenge`, sends `connect` (protocol 3-4, `scopes`, the token)
    /// and returns once `hello-ok` arrives. A gateway still starting its sidecars (`UNAVAILABLE`,
    /// `startup-sidecars`) is asked again after its `retryAfterMs` while `timeout` allows. Blocks the
    /// calling thread for at most `timeout`.
    public static func open(host: String = "127.0.0.1", port: Int, token: String?, timeout: Duration = .seconds(5),
                            client: GatewayClientInfo = .fleet, scopes: [String] = ["operator.read"],
                            protocols: ClosedRange<Int64> = protocolRange) throws(GatewayError) -> GatewaySession {
        let endpoint = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let loopback = BindHosts.isLoopback(host)
        let deadline = Deadline(timeout)
        let seconds = Self.seconds(timeout)
        while true {
            do {
                return try attempt(host: host, port: port, endpoint: endpoint, loopback: loopback, token: token, deadline: deadline,
                                   timeout: timeout, client: client, scopes: scopes, protocols: protocols)
            } catch {
                guard case .retry(let afterMs, let last) = error else {
                    if case .failed(let e) = error { throw e }
                    throw .timeout(during: "connect", seconds: seconds)
                }
                // OpenClaw clamps the retry delay to 100 ms ... 2 s (packages/gateway-protocol/src/startup-unavailable.ts).
                let wait = min(max(afterMs, 100), 2_000)
                guard Int64(deadline.remainingMs) > wait else { throw last }
                usleep(UInt32(wait) * 1000)
            }
        }
    }

    /// One connection attempt's outcome when it does not succeed.
    enum AttemptFailure: Error {
        case failed(GatewayError)
        /// The gateway is starting: ask again after this many ms (the error to report if time runs out).
        case retry(afterMs: Int64, GatewayError)
    }

    private static func attempt(host: String, port: Int, endpoint: String, loopback: Bool, token: String?, deadline: Deadline,
                                timeout: Duration, client: GatewayClientInfo, scopes: [String],
                                protocols: ClosedRange<Int64>) throws(AttemptFailure) -> GatewaySession {
        let seconds = Self.seconds(timeout)
        let ws: WebSocketClient
        do {
            ws = try WebSocketClient.connect(host: host, port: port, deadline: deadline)
        } catch {
            throw .failed(map(error, during: "the WebSocket upgrade", endpoint: endpoint, seconds: seconds))
        }
        do throws(SessionFailure) {
            try awaitChallenge(ws, deadline: deadline)
            var auth: [String: JSONValue] = [:]
            if let token { auth["token"] = .string(token) }
            // Only keys of OpenClaw's ConnectParamsSchema (src/gateway/protocol/schema/frames.ts): it refuses others.
            let params: JSONValue = .object([
                "minProtocol": .int(protocols.lowerBound), "maxProtocol": .int(protocols.upperBound),
                "client": .object(["id": .string(client.id), "version": .string(client.version),
                                   "platform": .string(client.platform), "mode": .string(client.mode)]),
                "role": .string("operator"), "scopes": .array(scopes.map(JSONValue.string)), "auth": .object(auth),
            ])
            try send(ws, request(id: "connect-1", method: "connect", params: params), deadline: deadline)
            let response = try awaitResponse(ws, id: "connect-1", deadline: deadline)
            guard response["ok"]?.boolValue == true else {
                ws.close()
                let error = GatewayError.refusal(response["error"], during: "connect", endpoint: endpoint, loopback: loopback)
                if error.kind == .startingUp {
                    throw SessionFailure.retry(afterMs: response["error"]?["retryAfterMs"]?.intValue ?? 500, error)
                }
                throw SessionFailure.gateway(error)
            }
            guard let hello = response["payload"], hello["type"]?.stringValue == "hello-ok" else {
                ws.close()
                throw SessionFailure.gateway(.violation("the answer to connect is not hello-ok"))
            }
            guard let version = hello["protocol"]?.intValue, protocols.contains(version) else {
                ws.close()
                let answered = hello["protocol"]?.intValue.map { "protocol \($0)" } ?? "no protocol"
                throw SessionFailure.gateway(GatewayError(
                    .protocolMismatch, "gateway at \(endpoint) answered \(answered); fleet speaks \(protocols.lowerBound) to \(protocols.upperBound)",
                    fix: "fleet supports \(OpenClawReleaseTable.supportedText)"))
            }
            return GatewaySession(endpoint: endpoint, hello: hello, timeout: timeout, loopback: loopback, socket: ws)
        } catch {
            ws.close()
            switch error {
            case .gateway(let e): throw .failed(e)
            case .retry(let after, let e): throw .retry(afterMs: after, e)
            case .socket(let e):
                if case .closedByPeer(let code, let reason) = e, let code, code == 1008 || code == 1002 || code == 1013 {
                    // Refused with a close frame and no answer: classify its reason as an answer.
                    let refusal = GatewayError.refusal(.object(["message": .string(reason.isEmpty ? "policy violation" : reason)]),
                                                       during: "connect", endpoint: endpoint, loopback: loopback)
                    if code == 1013 { throw .retry(afterMs: 500, refusal) }
                    throw .failed(refusal)
                }
                throw .failed(map(e, during: "connect", endpoint: endpoint, seconds: seconds))
            }
        }
    }

    /// Sends `{type: "req", id, method, params}` and returns the answer's `payload`.
    /// Events and answers to other requests arriving meanwhile are skipped.
    public func callBlocking(_ method: String, _ params: JSONValue = .object([:]), timeout: Duration? = nil) throws(GatewayError) -> JSONValue {
        try nextId.withLock { (nextId: inout Int) throws(GatewayError) -> JSONValue in
            let id = "req-\(nextId)"
            nextId += 1
            return try call(id: id, method, params, timeout: timeout)
        }
    }

    private func call(id: String, _ method: String, _ params: JSONValue, timeout: Duration?) throws(GatewayError) -> JSONValue {
        let limit = timeout ?? self.timeout
        let deadline = Deadline(limit)
        let response: JSONValue
        do throws(SessionFailure) {
            try Self.send(socket, Self.request(id: id, method: method, params: params), deadline: deadline)
            response = try Self.awaitResponse(socket, id: id, deadline: deadline)
        } catch {
            switch error {
            case .gateway(let e), .retry(_, let e): throw e
            case .socket(let e): throw Self.map(e, during: "'\(method)'", endpoint: endpoint, seconds: Self.seconds(limit))
            }
        }
        guard response["ok"]?.boolValue == true else {
            throw GatewayError.refusal(response["error"], during: method, endpoint: endpoint, loopback: loopback)
        }
        return response["payload"] ?? .null
    }

    /// ``callBlocking(_:_:timeout:)`` run on a dedicated thread.
    public func call(_ method: String, _ params: JSONValue = .object([:]), timeout: Duration? = nil) async throws(GatewayError) -> JSONValue {
        try await Self.offload { () throws(GatewayError) -> JSONValue in try self.callBlocking(method, params, timeout: timeout) }
    }

    /// Closes the connection (a close frame, then the socket).
    public func close() {
        nextId.withLock { _ in socket.close() }
    }

    // MARK: - Internals

    /// A failure inside the handshake or a call, before it is turned into a ``GatewayError``.
    enum SessionFailure: Error {
        case socket(WebSocketFailure)
        case gateway(GatewayError)
        case retry(afterMs: Int64, GatewayError)
    }

    static func request(id: String, method: String, params: JSONValue) -> String {
        JSONValue.object(["type": .string("req"), "id": .string(id), "method": .string(method), "params": params]).json(pretty: false)
    }

    private static func send(_ ws: WebSocketClient, _ text: String, deadline: Deadline) throws(SessionFailure) {
        do { try ws.sendText(text, deadline: deadline) } catch { throw .socket(error) }
    }

    private static func receive(_ ws: WebSocketClient, deadline: Deadline) throws(SessionFailure) -> JSONValue {
        let text: String
        do { text = try ws.receiveText(deadline: deadline) } catch { throw .socket(error) }
        guard let value = try? JSON5.parse(text), value.objectValue != nil else {
            throw .gateway(.violation("the gateway sent a frame that is not a JSON object"))
        }
        return value
    }

    private static func awaitChallenge(_ ws: WebSocketClient, deadline: Deadline) throws(SessionFailure) {
        while true {
            let frame = try receive(ws, deadline: deadline)
            if frame["type"]?.stringValue == "event", frame["event"]?.stringValue == "connect.challenge" { return }
            if frame["type"]?.stringValue == "res" {
                throw .gateway(.violation("the gateway answered before the connect.challenge event"))
            }
        }
    }

    private static func awaitResponse(_ ws: WebSocketClient, id: String, deadline: Deadline) throws(SessionFailure) -> JSONValue {
        while true {
            let frame = try receive(ws, deadline: deadline)
            if frame["type"]?.stringValue == "res", frame["id"]?.stringValue == id { return frame }
        }
    }

    static func map(_ failure: WebSocketFailure, during: String, endpoint: String, seconds: Double) -> GatewayError {
        switch failure {
        case .socket(.unreachable(let reason)): return .unreachable(endpoint: endpoint, reason: reason)
        case .socket(.timeout): return .timeout(during: during, seconds: seconds)
        case .socket(.closed): return .closed(during: during, detail: "connection ended")
        case .socket(.failed(let reason)): return .closed(during: during, detail: reason)
        case .handshake(let reason): return .violation(reason)
        case .violation(let reason): return .violation(reason)
        case .closedByPeer(let code, let reason):
            let detail = [code.map { "close code \($0)" }, reason.isEmpty ? nil : reason].compactMap { $0 }.joined(separator: ": ")
            return .closed(during: during, detail: detail)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }

    /// Runs blocking work on its own thread and resumes the caller with its result.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws(GatewayError) -> T) async throws(GatewayError) -> T {
        let result: Result<T, GatewayError> = await withCheckedContinuation { continuation in
            detachThread {
                do throws(GatewayError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

/// Connecting to a gateway's WebSocket protocol.
public enum GatewayClient {
    /// Connects to the gateway on `host:port` with its token and completes the `connect` handshake
    /// (see ``GatewaySession/open(host:port:token:timeout:client:scopes:protocols:)``), without blocking the caller's thread.
    public static func connect(host: String = "127.0.0.1", port: Int, token: String?, timeout: Duration = .seconds(5),
                               client: GatewayClientInfo = .fleet, scopes: [String] = ["operator.read"],
                               protocols: ClosedRange<Int64> = GatewaySession.protocolRange) async throws(GatewayError) -> GatewaySession {
        try await GatewaySession.offload { () throws(GatewayError) -> GatewaySession in
            try GatewaySession.open(host: host, port: port, token: token, timeout: timeout, client: client, scopes: scopes,
                                    protocols: protocols)
        }
    }
}
