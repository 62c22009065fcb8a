import OpenClawConfig

/// One channel account as `channels.status` reports it. Every field but `accountId` is optional in
/// OpenClaw's schema and absent when unknown (OpenClaw: ChannelAccountSnapshotSchema in
/// src/gateway/protocol/schema/channels.ts); a null is read as absent too.
public struct GatewayChannelAccount: Sendable, Hashable, Codable {
    /// `telegram`, `discord`, ...
    public var channel: String
    /// The account id.
    public var accountId: String
    /// Enabled in the config (absent: enabled).
    public var enabled: Bool
    /// Has its credentials (absent: configured, as OpenClaw's health policy reads it).
    public var configured: Bool
    /// Paired (WhatsApp); nil when not reported.
    public var linked: Bool?
    /// The provider is started.
    public var running: Bool
    /// Connected to the provider.
    public var connected: Bool
    /// The last error, e.g. `401 Unauthorized`.
    public var lastError: String?
    /// When the last inbound message arrived (ms since the epoch).
    public var lastInboundAt: Int64?
    /// When the provider last started (ms since the epoch).
    public var lastStartAt: Int64?
    /// Waiting for a restart after a failure.
    public var restartPending: Bool?
    /// Restarts since it last connected.
    public var reconnectAttempts: Int64?

    /// Reads `channelAccounts{<channel>: [...]}` from a `channels.status` payload, channels in
    /// `channelOrder` (then by name), accounts as listed.
    public static func list(from payload: JSONValue) -> [GatewayChannelAccount] {
        guard let byChannel = payload["channelAccounts"]?.objectValue else { return [] }
        let order = payload["channelOrder"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let channels = order.filter { byChannel[$0] != nil } + byChannel.keys.filter { !order.contains($0) }.sorted()
        return channels.flatMap { channel in
            (byChannel[channel]?.arrayValue ?? []).compactMap { a -> GatewayChannelAccount? in
                guard let accountId = a["accountId"]?.stringValue else { return nil }
                return GatewayChannelAccount(
                    channel: channel, accountId: accountId,
                    enabled: a["enabled"]?.boolValue ?? true, configured: a["configured"]?.boolValue ?? true,
                    linked: a["linked"]?.boolValue, running: a["running"]?.boolValue ?? false,
                    connected: a["connected"]?.boolValue ?? false, lastError: a["lastError"]?.stringValue,
                    lastInboundAt: a["lastInboundAt"]?.intValue, lastStartAt: a["lastStartAt"]?.intValue,
                    restartPending: a["restartPending"]?.boolValue, reconnectAttempts: a["reconnectAttempts"]?.intValue)
            }
        }
    }
}

/// One session as `sessions.list` reports it.
public struct GatewaySessionEntry: Sendable, Hashable, Codable {
    /// `agent:<agentId>:<channel>:direct:<peer>`.
    public var key: String
    /// The transcript id.
    public var sessionId: String?
    /// Last activity (ms since the epoch).
    public var updatedAt: Int64?
    /// The channel.
    public var channel: String?
    /// A readable name of the peer.
    public var displayName: String?
    /// Input tokens so far.
    public var inputTokens: Int64?
    /// Output tokens so far.
    public var outputTokens: Int64?
    /// All tokens so far.
    public var totalTokens: Int64?

    /// Reads the `sessions` array of a `sessions.list` payload.
    public static func list(from payload: JSONValue) -> [GatewaySessionEntry] {
        (payload["sessions"]?.arrayValue ?? []).compactMap { s in
            guard let key = s["key"]?.stringValue else { return nil }
            return GatewaySessionEntry(
                key: key, sessionId: s["sessionId"]?.stringValue, updatedAt: s["updatedAt"]?.intValue,
                channel: s["channel"]?.stringValue, displayName: s["displayName"]?.stringValue ?? s["label"]?.stringValue,
                inputTokens: s["inputTokens"]?.intValue, outputTokens: s["outputTokens"]?.intValue,
                totalTokens: s["totalTokens"]?.intValue)
        }
    }
}

/// A page of the gateway's log file (`logs.tail`).
public struct GatewayLogTail: Sendable, Hashable {
    /// The file the gateway reads.
    public var file: String
    /// Where to ask from next time.
    public var cursor: Int64
    /// The file's size.
    public var size: Int64
    /// The lines, oldest first.
    public var lines: [String]
    /// The gateway started over from the beginning of the file (it rotated).
    public var reset: Bool
    /// Older lines were left out.
    public var truncated: Bool
}

extension GatewaySession {
    /// `channels.status`, decoded. Params as OpenClaw's ChannelsStatusParamsSchema allows (none).
    public func channelsStatus(timeout: Duration? = nil) async throws(GatewayError) -> [GatewayChannelAccount] {
        GatewayChannelAccount.list(from: try await call("channels.status", .object([:]), timeout: timeout))
    }

    /// `sessions.list`, decoded; `activeMinutes` (1 or more) keeps sessions updated that recently,
    /// `limit` (1 or more) the newest ones (OpenClaw: SessionsListParamsSchema).
    public func sessionsList(activeMinutes: Int? = nil, limit: Int? = nil, timeout: Duration? = nil) async throws(GatewayError) -> [GatewaySessionEntry] {
        GatewaySessionEntry.list(from: try await call("sessions.list", Self.sessionsListParams(activeMinutes: activeMinutes, limit: limit),
                                                      timeout: timeout))
    }

    /// The params of `sessions.list`: only the keys given, each at least 1.
    static func sessionsListParams(activeMinutes: Int?, limit: Int?) -> JSONValue {
        var params: [String: JSONValue] = [:]
        if let activeMinutes { params["activeMinutes"] = .int(Int64(max(1, activeMinutes))) }
        if let limit { params["limit"] = .int(Int64(max(1, limit))) }
        return .object(params)
    }

    /// `logs.tail {cursor?, limit?, maxBytes?}` (OpenClaw: LogsTailParamsSchema: limit 1-5000,
    /// maxBytes 1-1000000).
    public func logsTail(cursor: Int64? = nil, limit: Int = 500, maxBytes: Int = 250_000,
                         timeout: Duration? = nil) async throws(GatewayError) -> GatewayLogTail {
        try Self.decodeTail(await call("logs.tail", Self.logsTailParams(cursor: cursor, limit: limit, maxBytes: maxBytes), timeout: timeout))
    }

    /// The blocking form of ``logsTail(cursor:limit:maxBytes:timeout:)``.
    public func logsTailBlocking(cursor: Int64? = nil, limit: Int = 500, maxBytes: Int = 250_000) throws(GatewayError) -> GatewayLogTail {
        try Self.decodeTail(callBlocking("logs.tail", Self.logsTailParams(cursor: cursor, limit: limit, maxBytes: maxBytes)))
    }

    static func logsTailParams(cursor: Int64?, limit: Int, maxBytes: Int) -> JSONValue {
        var params: [String: JSONValue] = ["limit": .int(Int64(min(max(1, limit), 5000))),
                                           "maxBytes": .int(Int64(min(max(1, maxBytes), 1_000_000)))]
        if let cursor { params["cursor"] = .int(max(0, cursor)) }
        return .object(params)
    }

    static func decodeTail(_ payload: JSONValue) throws(GatewayError) -> GatewayLogTail {
        guard let file = payload["file"]?.stringValue, let cursor = payload["cursor"]?.intValue else {
            throw GatewayError.violation("the answer to logs.tail has no file or cursor")
        }
        return GatewayLogTail(file: file, cursor: cursor, size: payload["size"]?.intValue ?? cursor,
                              lines: payload["lines"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                              reset: payload["reset"]?.boolValue ?? false, truncated: payload["truncated"]?.boolValue ?? false)
    }
}
