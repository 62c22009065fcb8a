import FoundationEssentials
import Glibc
import OpenClawConfig
import Synchronization

/// Who fleet says it is in `connect` (`client: {id, version, platform, mode}`).
public struct GatewayClientInfo: Sendable, Hashable {
    /// Client id.
    public var id: String
    /// Client version.
    public var version: String
    /// Operating system.
    public var platform: String
    /// Client mode.
    public var mode: String

    /// Creates client info.
    public init(id: String, version: String, platform: String, mode: String) {
        self.id = id
        self.version = version
        self.platform = platform
        self.mode = mode
    }

    /// fleet's own identity.
    public static let fleet = GatewayClientInfo(id: "fleet", version: FleetVersion.string, platform: "linux", mode: "cli")
}

/// An authenticated connection to one gateway (protocol 3, role `operator`, scope `operator.read`).
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
    /// The next request id; held for the whole of a call, so calls run one at a time.
    private let nextId = Mutex(1)
    private let socket: WebSocketClient

    /// The protocol version fleet speaks.
    public static let protocolVersion: Int64 = 3

    /// The methods the gateway offers (`hello-ok.features.methods`).
    public var methods: [String] { hello["features"]?["methods"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    private init(endpoint: String, hello: JSONValue, timeout: Duration, socket: WebSocketClient) {
        self.endpoint = endpoint
        self.hello = hello
        self.timeout = timeout
        self.socket = socket
    }

    deinit { socket.close() }

    /// Connects, waits for `connect.challenge`, sends `connect` with `token`, and returns once
    /// `hello-ok` arrives. Blocks the calling thread for at most `timeout`.
    public static func open(host: String = "127.0.0.1", port: Int, token: String?, timeout: Duration = .seconds(5),
                            client: GatewayClientInfo = .fleet) throws(GatewayError) -> GatewaySession {
        let endpoint = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let deadline = Deadline(timeout)
        let seconds = Self.seconds(timeout)
        let ws: WebSocketClient
        do {
            ws = try WebSocketClient.connect(host: host, port: port, deadline: deadline)
        } catch {
            throw map(error, during: "the WebSocket upgrade", endpoint: endpoint, seconds: seconds)
        }
        do throws(SessionFailure) {
            try awaitChallenge(ws, deadline: deadline)
            var auth: [String: JSONValue] = [:]
            if let token { auth["token"] = .string(token) }
            let params: JSONValue = .object([
                "minProtocol": .int(protocolVersion), "maxProtocol": .int(protocolVersion),
                "client": .object(["id": .string(client.id), "version": .string(client.version),
                                   "platform": .string(client.platform), "mode": .string(client.mode)]),
                "role": .string("operator"), "scopes": .array([.string("operator.read")]), "auth": .object(auth),
            ])
            try send(ws, request(id: "connect-1", method: "connect", params: params), deadline: deadline)
            let response = try awaitResponse(ws, id: "connect-1", deadline: deadline)
            guard response["ok"]?.boolValue == true else {
                ws.close()
                let error = response["error"]
                throw SessionFailure.gateway(.refused(code: error?["code"]?.stringValue ?? "UNAUTHORIZED",
                                                      message: error?["message"]?.stringValue ?? "connect refused"))
            }
            guard let hello = response["payload"], hello["type"]?.stringValue == "hello-ok" else {
                ws.close()
                throw SessionFailure.gateway(.protocolError("the answer to connect is not hello-ok"))
            }
            guard hello["protocol"]?.intValue == protocolVersion else {
                ws.close()
                throw SessionFailure.gateway(.protocolError("the gateway speaks protocol \(hello["protocol"]?.intValue.map(String.init) ?? "?"), fleet speaks \(protocolVersion)"))
            }
            return GatewaySession(endpoint: endpoint, hello: hello, timeout: timeout, socket: ws)
        } catch {
            ws.close()
            switch error {
            case .gateway(let e): throw e
            case .socket(let e):
                if case .closedByPeer(let code, let reason) = e, code == 1008 {
                    throw .refused(code: "1008", message: reason.isEmpty ? "policy violation" : reason)
                }
                throw map(e, during: "connect", endpoint: endpoint, seconds: seconds)
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
            case .gateway(let e): throw e
            case .socket(let e): throw Self.map(e, during: "'\(method)'", endpoint: endpoint, seconds: Self.seconds(limit))
            }
        }
        guard response["ok"]?.boolValue == true else {
            let error = response["error"]
            throw .methodFailed(method: method, code: error?["code"]?.stringValue ?? "ERROR",
                                message: error?["message"]?.stringValue ?? "no message")
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
            throw .gateway(.protocolError("the gateway sent a frame that is not a JSON object"))
        }
        return value
    }

    private static func awaitChallenge(_ ws: WebSocketClient, deadline: Deadline) throws(SessionFailure) {
        while true {
            let frame = try receive(ws, deadline: deadline)
            if frame["type"]?.stringValue == "event", frame["event"]?.stringValue == "connect.challenge" { return }
            if frame["type"]?.stringValue == "res" {
                throw .gateway(.protocolError("the gateway answered before the connect.challenge event"))
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
        case .handshake(let reason): return .protocolError(reason)
        case .violation(let reason): return .protocolError(reason)
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
    /// (see ``GatewaySession/open(host:port:token:timeout:client:)``), without blocking the caller's thread.
    public static func connect(host: String = "127.0.0.1", port: Int, token: String?, timeout: Duration = .seconds(5),
                               client: GatewayClientInfo = .fleet) async throws(GatewayError) -> GatewaySession {
        try await GatewaySession.offload { () throws(GatewayError) -> GatewaySession in
            try GatewaySession.open(host: host, port: port, token: token, timeout: timeout, client: client)
        }
    }
}
