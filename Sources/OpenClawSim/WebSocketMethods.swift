import Glibc
import OpenClawConfig

/// A method's failure, sent as `{ok: false, error: {code, message}}`.
struct GatewayMethodError: Error {
    var code: String
    var message: String
}

extension Gateway {
    /// The gateway protocol version the stand-in speaks.
    static let protocolVersion: Int64 = 3

    /// The RPC methods, as `hello-ok.features.methods` lists them.
    static let methods = ["health", "status", "channels.status", "sessions.list", "logs.tail"]

    /// Takes over an HTTP connection that asked for a WebSocket upgrade: answers 101 and sends
    /// `connect.challenge`, or answers the HTTP error of a malformed upgrade.
    func acceptWebSocket(_ request: HTTPRequest, _ connection: HTTPConnection) {
        switch WebSocketHandshake.response(to: request) {
        case .failure(let refusal):
            connection.enqueue(refusal.response.serialized(head: false, keepAlive: false))
            connection.closeAfterFlush = true
        case .success(let bytes):
            connection.enqueue(bytes)
            let session = WebSocketSession(connection: connection, gateway: self)
            connection.webSocket = session
            logger.debug("ws", "connection upgraded conn=\(session.connId.prefix(8)) loopback=\(connection.isLoopback)")
            session.start()
        }
    }

    /// Why a `connect` is refused, or nil when `auth` matches the gateway's auth mode.
    func authorize(_ auth: JSONValue?) -> (reason: String, message: String)? {
        switch settings.authMode {
        case "token":
            guard let presented = auth?["token"]?.stringValue, !presented.isEmpty else {
                return ("token_missing", "unauthorized: gateway token missing (set the gateway token in the client)")
            }
            return presented == settings.token ? nil : ("token_mismatch", "unauthorized: gateway token mismatch (provide gateway auth token)")
        case "password":
            guard let presented = auth?["password"]?.stringValue, !presented.isEmpty else {
                return ("password_missing", "unauthorized: gateway password missing (provide gateway auth password)")
            }
            return presented == settings.password ? nil : ("password_mismatch", "unauthorized: gateway password mismatch (provide gateway auth password)")
        default:
            return nil
        }
    }

    /// The `hello-ok` payload.
    func helloOk(connId: String) -> JSONValue {
        .object([
            "type": .string("hello-ok"),
            "protocol": .int(Self.protocolVersion),
            "server": .object(["version": .string(persona.release.description), "connId": .string(connId)]),
            "features": .object([
                "methods": .array(Self.methods.map(JSONValue.string)),
                "events": .array([.string("connect.challenge")]),
            ]),
            "policy": .object(["maxPayload": .int(Int64(WebSocketSession.maxPayload)), "tickIntervalMs": .int(30_000)]),
        ])
    }

    /// Runs one RPC method.
    func call(_ method: String, _ params: JSONValue) -> Result<JSONValue, GatewayMethodError> {
        switch method {
        case "health": return .success(healthPayload())
        case "status": return .success(statusPayload())
        case "channels.status": return .success(channelsStatusPayload())
        case "sessions.list": return .success(sessionsListPayload(params))
        case "logs.tail": return .success(logsTailPayload(params))
        default: return .failure(GatewayMethodError(code: "INVALID_REQUEST", message: "unknown method: \(method)"))
        }
    }

    private func healthPayload() -> JSONValue {
        let state = readiness()
        return .object([
            "ok": .bool(true), "ts": .int(Clock.wallMs()), "ready": .bool(state.ready),
            "failing": .array(state.failing.map(JSONValue.string)),
            "uptimeMs": .int(Clock.monotonicMs() - startMs),
        ])
    }

    private func statusPayload() -> JSONValue {
        let state = readiness()
        return .object([
            "version": .string(persona.release.description), "pid": .int(Int64(getpid())),
            "uptimeMs": .int(Clock.monotonicMs() - startMs), "ready": .bool(state.ready),
            "agentId": .string(sessions.agentId), "port": .int(Int64(settings.port)), "bind": .string(settings.bindMode),
            "sessions": .object(["count": .int(Int64(sessions.all().count))]),
            "channels": .object(Dictionary(grouping: accounts, by: \.channel).mapValues { group in
                .object(["accounts": .int(Int64(group.count)),
                         "connected": .int(Int64(group.filter { $0.state == .connected }.count))])
            }),
        ])
    }

    private func channelsStatusPayload() -> JSONValue {
        var byChannel: [String: [JSONValue]] = [:]
        var order: [String] = []
        for account in accounts {
            if byChannel[account.channel] == nil { order.append(account.channel) }
            let linked = account.channel == "whatsapp" ? account.linked : account.configured
            byChannel[account.channel, default: []].append(.object([
                "accountId": .string(account.accountId),
                "enabled": .bool(account.enabled),
                "configured": .bool(account.configured),
                "linked": .bool(linked),
                "running": .bool(account.state == .connected || account.state == .connecting),
                "connected": .bool(account.state == .connected),
                "state": .string(account.state.rawValue),
                "lastError": account.lastError.map(JSONValue.string) ?? .null,
                "lastInboundAt": account.lastInboundAtMs.map(JSONValue.int) ?? .null,
            ]))
        }
        return .object([
            "ts": .int(Clock.wallMs()),
            "channelOrder": .array(order.map(JSONValue.string)),
            "channelAccounts": .object(byChannel.mapValues(JSONValue.array)),
        ])
    }

    private func sessionsListPayload(_ params: JSONValue) -> JSONValue {
        let now = Clock.wallMs()
        let activeMs = params["activeMinutes"]?.intValue.map { $0 * 60_000 }
        var rows: [(updatedAt: Int64, value: JSONValue)] = []
        for (key, entry) in sessions.all() {
            let updatedAt = entry["updatedAt"]?.intValue ?? 0
            if let activeMs, now - updatedAt > activeMs { continue }
            var row: [String: JSONValue] = ["key": .string(key), "kind": .string(entry["chatType"]?.stringValue ?? "direct")]
            for field in ["sessionId", "updatedAt", "channel", "displayName", "lastAccountId", "inputTokens", "outputTokens", "totalTokens"] {
                if let v = entry[field] { row[field] = v }
            }
            rows.append((updatedAt, .object(row)))
        }
        rows.sort { $0.updatedAt > $1.updatedAt }
        if let limit = params["limit"]?.intValue, limit >= 0 { rows = Array(rows.prefix(Int(limit))) }
        return .object([
            "ts": .int(now), "path": .string(sessions.indexPath), "count": .int(Int64(rows.count)),
            "sessions": .array(rows.map(\.value)),
        ])
    }

    /// `logs.tail`: `{cursor?, limit, maxBytes}` → `{file, cursor, size, lines[]}`; the cursor is a
    /// byte offset, and a call without one returns the last `limit` lines.
    private func logsTailPayload(_ params: JSONValue) -> JSONValue {
        let limit = Int(params["limit"]?.intValue ?? 200)
        let maxBytes = Int(params["maxBytes"]?.intValue ?? 250_000)
        let bytes: [UInt8]
        if case .success(let b) = FileSystem.read(logger.filePath) { bytes = b } else { bytes = [] }
        var start = max(0, bytes.count - maxBytes)
        if let cursor = params["cursor"]?.intValue, cursor >= 0, Int(cursor) <= bytes.count {
            start = max(start, Int(cursor))
        } else if start > 0, let newline = bytes[start...].firstIndex(of: 0x0A) {
            start = newline + 1
        }
        var lines = bytes[start...].split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        if params["cursor"] == nil { lines = Array(lines.suffix(limit)) } else { lines = Array(lines.prefix(limit)) }
        return .object([
            "file": .string(logger.filePath), "cursor": .int(Int64(bytes.count)), "size": .int(Int64(bytes.count)),
            "lines": .array(lines.map(JSONValue.string)),
        ])
    }
}
