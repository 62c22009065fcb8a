import Glibc
import OpenClawConfig

/// A method's failure, sent as `{ok: false, error: {code, message, details?, retryable?, retryAfterMs?}}`
/// (OpenClaw: ErrorShapeSchema in src/gateway/protocol/schema/frames.ts).
struct GatewayMethodError: Error {
    var code: String
    var message: String
    var details: JSONValue?
    var retryable: Bool?
    var retryAfterMs: Int64?

    var json: JSONValue {
        var members: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let details { members["details"] = details }
        if let retryable { members["retryable"] = .bool(retryable) }
        if let retryAfterMs { members["retryAfterMs"] = .int(retryAfterMs) }
        return .object(members)
    }
}

extension Gateway {
    /// The RPC methods, as `hello-ok.features.methods` lists them.
    static let methods = ["health", "status", "channels.status", "channels.start", "sessions.list", "logs.tail"]

    /// The operator scope each method needs (OpenClaw: src/gateway/method-scopes.ts); `health` is
    /// answered without one (a scope-less client still gets it, as OpenClaw's tests show).
    static func requiredScope(_ method: String) -> String? {
        switch method {
        case "health": return nil
        case "status", "channels.status", "sessions.list", "logs.tail": return "operator.read"
        default: return "operator.admin"
        }
    }

    /// Whether `scopes` satisfy `required` (admin satisfies everything, write satisfies read).
    static func allows(_ scopes: Set<String>, _ required: String?) -> Bool {
        guard let required else { return true }
        if scopes.contains("operator.admin") || scopes.contains(required) { return true }
        return required == "operator.read" && scopes.contains("operator.write")
    }

    /// Takes over an HTTP connection that asked for a WebSocket upgrade: answers 101 and sends
    /// `connect.challenge`, or answers the HTTP error of a malformed upgrade.
    func acceptWebSocket(_ request: HTTPRequest, _ connection: HTTPConnection) {
        switch WebSocketHandshake.response(to: request) {
        case .failure(let refusal):
            connection.enqueue(refusal.response.serialized(head: false, keepAlive: false))
            connection.closeAfterFlush = true
        case .success(let bytes):
            connection.enqueue(bytes)
            let origin = request.headers["origin"].map { !$0.isEmpty } ?? false
            let session = WebSocketSession(connection: connection, gateway: self, hasOrigin: origin)
            connection.webSocket = session
            logger.debug("gateway/ws", "connection upgraded conn=\(session.connId.prefix(8)) loopback=\(connection.isLoopback)")
            session.start()
        }
    }

    /// Why a `connect` is refused, or nil when `auth` matches the gateway's auth mode
    /// (OpenClaw: src/gateway/auth.ts; detail codes of packages/gateway-protocol/src/connect-error-details.ts).
    func authorize(_ auth: JSONValue?) -> (reason: String, message: String, detailCode: String)? {
        switch settings.authMode {
        case "token":
            guard let presented = auth?["token"]?.stringValue, !presented.isEmpty else {
                return ("token_missing", "unauthorized: gateway token missing (set the gateway token in the client)", "AUTH_TOKEN_MISSING")
            }
            return presented == settings.token ? nil
                : ("token_mismatch", "unauthorized: gateway token mismatch (provide gateway auth token)", "AUTH_TOKEN_MISMATCH")
        case "password":
            guard let presented = auth?["password"]?.stringValue, !presented.isEmpty else {
                return ("password_missing", "unauthorized: gateway password missing (provide gateway auth password)", "AUTH_PASSWORD_MISSING")
            }
            return presented == settings.password ? nil
                : ("password_mismatch", "unauthorized: gateway password mismatch (provide gateway auth password)", "AUTH_PASSWORD_MISMATCH")
        default:
            return nil
        }
    }

    /// The `hello-ok` payload (OpenClaw: HelloOkSchema in src/gateway/protocol/schema/frames.ts):
    /// `auth {role, scopes}` is sent by the 2026.8 line only (2026.4's schema required a device token there).
    func helloOk(connId: String, role: String, scopes: [String]) -> JSONValue {
        var members: [String: JSONValue] = [
            "type": .string("hello-ok"),
            "protocol": .int(Int64(persona.gatewayProtocol.version)),
            "server": .object(["version": .string(persona.release.description), "connId": .string(connId)]),
            "features": .object([
                "methods": .array(Self.methods.map(JSONValue.string)),
                "events": .array([.string("connect.challenge"), .string("tick")]),
            ]),
            "snapshot": .object([
                "presence": .array([]), "health": .object([:]),
                "stateVersion": .object(["presence": .int(0), "health": .int(0)]),
                "uptimeMs": .int(Clock.monotonicMs() - startMs),
                "configPath": .string(paths.configPath), "stateDir": .string(paths.stateDir),
            ]),
            "policy": .object(["maxPayload": .int(Int64(WebSocketSession.maxPayload)), "maxBufferedBytes": .int(Int64(WebSocketSession.maxPayload) * 2),
                               "tickIntervalMs": .int(30_000)]),
        ]
        if persona.release >= OpenClawRelease(year: 2026, month: 8) {
            members["auth"] = .object(["role": .string(role), "scopes": .array(scopes.map(JSONValue.string))])
        }
        return .object(members)
    }

    /// Runs one RPC method for a client holding `scopes`.
    func call(_ method: String, _ params: JSONValue, scopes: Set<String>) -> Result<JSONValue, GatewayMethodError> {
        guard Self.methods.contains(method) else {
            return .failure(GatewayMethodError(code: "INVALID_REQUEST", message: "unknown method: \(method)"))
        }
        let required = Self.requiredScope(method)
        guard Self.allows(scopes, required) else {
            // OpenClaw: "missing scope: operator.read" (src/gateway/method-scopes.ts; the legacy message
            // pattern of packages/gateway-protocol/src/gateway-error-details.ts).
            return .failure(GatewayMethodError(
                code: "INVALID_REQUEST", message: "missing scope: \(required ?? "")",
                details: .object(["code": .string("MISSING_SCOPE"), "missingScope": .string(required ?? ""),
                                  "requiredScopes": .array([.string(required ?? "")])])))
        }
        if let schema = ParamsSchema.method(method, release: persona.release), !env.breaks.contains(.unknownParams) {
            let problems = schema.errors(params)
            if !problems.isEmpty {
                return .failure(GatewayMethodError(code: "INVALID_REQUEST",
                                                   message: "invalid \(method) params: " + problems.joined(separator: "; ")))
            }
        }
        switch method {
        case "health": return .success(healthPayload())
        case "status": return .success(statusPayload())
        case "channels.status": return .success(channelsStatusPayload())
        case "channels.start":
            let channel = params["channel"]?.stringValue ?? ""
            let accountId = params["accountId"]?.stringValue
            let started = startChannel(channel, accountId: accountId)
            guard started > 0 else {
                return .failure(GatewayMethodError(code: "INVALID_REQUEST", message: "unknown channel account: \(channel)/\(accountId ?? "default")"))
            }
            return .success(.object(["channel": .string(channel), "accountId": .string(accountId ?? "default"), "started": .bool(true)]))
        case "sessions.list": return .success(sessionsListPayload(params))
        default: return .success(logsTailPayload(params))
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
                .object(["accounts": .int(Int64(group.count)), "connected": .int(Int64(group.filter(\.connected).count))])
            }),
        ])
    }

    /// `channels.status` (OpenClaw: ChannelsStatusResultSchema in src/gateway/protocol/schema/channels.ts):
    /// optional account fields are left out when unknown, never sent as null.
    private func channelsStatusPayload() -> JSONValue {
        let nullOptionals = env.breaks.contains(.nullOptionals)
        var byChannel: [String: [JSONValue]] = [:]
        var order: [String] = []
        for account in accounts {
            if byChannel[account.channel] == nil { order.append(account.channel) }
            var row: [String: JSONValue] = [
                "accountId": .string(account.accountId),
                "enabled": .bool(account.enabled),
                "configured": .bool(account.configured),
                "running": .bool(account.running),
                "connected": .bool(account.connected),
                "reconnectAttempts": .int(Int64(account.reconnectAttempts)),
            ]
            if account.channel == "whatsapp" { row["linked"] = .bool(account.linked) }
            if account.restartPending { row["restartPending"] = .bool(true) }
            if let v = account.lastError { row["lastError"] = .string(v) } else if nullOptionals { row["lastError"] = .null }
            if let v = account.lastInboundAtMs { row["lastInboundAt"] = .int(v) } else if nullOptionals { row["lastInboundAt"] = .null }
            if let v = account.lastStartAtMs { row["lastStartAt"] = .int(v) }
            if let v = account.lastStopAtMs { row["lastStopAt"] = .int(v) }
            byChannel[account.channel, default: []].append(.object(row))
        }
        let labels = ["telegram": "Telegram", "discord": "Discord", "slack": "Slack", "whatsapp": "WhatsApp", "signal": "Signal"]
        return .object([
            "ts": .int(Clock.wallMs()),
            "channelOrder": .array(order.map(JSONValue.string)),
            "channelLabels": .object(Dictionary(uniqueKeysWithValues: order.map { ($0, JSONValue.string(labels[$0] ?? $0)) })),
            "channels": .object(Dictionary(uniqueKeysWithValues: order.map { channel in
                let group = accounts.filter { $0.channel == channel }
                return (channel, JSONValue.object(["configured": .bool(group.contains(where: \.configured)),
                                                   "running": .bool(group.contains(where: \.running))]))
            })),
            "channelAccounts": .object(byChannel.mapValues(JSONValue.array)),
            "channelDefaultAccountId": .object(Dictionary(uniqueKeysWithValues: order.map { ($0, JSONValue.string("default")) })),
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
        if let limit = params["limit"]?.intValue { rows = Array(rows.prefix(Int(limit))) }
        return .object([
            "ts": .int(now), "path": .string(sessions.indexPath), "count": .int(Int64(rows.count)),
            "sessions": .array(rows.map(\.value)),
        ])
    }

    /// `logs.tail`: `{cursor?, limit?, maxBytes?}` → `{file, cursor, size, lines[], truncated?, reset?}`
    /// (OpenClaw: src/gateway/protocol/schema/logs-chat.ts); the cursor is a byte offset, a call
    /// without one returns the last `limit` lines, a cursor past the end (the file rotated) starts over
    /// with `reset: true`.
    private func logsTailPayload(_ params: JSONValue) -> JSONValue {
        let limit = Int(params["limit"]?.intValue ?? 500)
        let maxBytes = Int(params["maxBytes"]?.intValue ?? 250_000)
        let bytes: [UInt8]
        if case .success(let b) = FileSystem.read(logger.filePath) { bytes = b } else { bytes = [] }
        var start = max(0, bytes.count - maxBytes)
        var reset = false
        var truncated = start > 0
        if let cursor = params["cursor"]?.intValue {
            if Int(cursor) > bytes.count {
                reset = true
                start = 0
            } else {
                truncated = Int(cursor) < start
                start = max(start, Int(cursor))
            }
        } else if start > 0, let newline = bytes[start...].firstIndex(of: 0x0A) {
            start = newline + 1
        }
        // Only complete lines; the cursor stops after the last newline.
        let end = (bytes[start...].lastIndex(of: 0x0A)).map { $0 + 1 } ?? start
        var lines = bytes[start..<end].split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        var cursor = end
        if params["cursor"] == nil || reset {
            lines = Array(lines.suffix(limit))
        } else if lines.count > limit {
            let kept = lines.prefix(limit)
            cursor = start + kept.reduce(0) { $0 + $1.utf8.count + 1 }
            lines = Array(kept)
        }
        var members: [String: JSONValue] = [
            "file": .string(logger.filePath), "cursor": .int(Int64(cursor)), "size": .int(Int64(bytes.count)),
            "lines": .array(lines.map(JSONValue.string)),
        ]
        if truncated { members["truncated"] = .bool(true) }
        if reset { members["reset"] = .bool(true) }
        return .object(members)
    }
}
