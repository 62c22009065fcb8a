import OpenClawConfig

/// One channel account as `channels.status` reports it.
public struct GatewayChannelAccount: Sendable, Hashable, Codable {
    /// `telegram`, `discord`, ...
    public var channel: String
    /// The account id.
    public var accountId: String
    /// Enabled in the config.
    public var enabled: Bool
    /// Has its credentials.
    public var configured: Bool
    /// Paired (WhatsApp) or configured (token channels).
    public var linked: Bool
    /// The provider is started.
    public var running: Bool
    /// Connected to the provider.
    public var connected: Bool
    /// The last error, e.g. `401 Unauthorized`.
    public var lastError: String?
    /// When the last inbound message arrived (ms since the epoch).
    public var lastInboundAt: Int64?

    /// Reads `channelAccounts{<channel>: [...]}` from a `channels.status` payload, channels in
    /// `channelOrder` (then by name), accounts as listed.
    public static func list(from payload: JSONValue) -> [GatewayChannelAccount] {
        guard let byChannel = payload["channelAccounts"]?.objectValue else { return [] }
        let order = payload["channelOrder"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let channels = order.filter { byChannel[$0] != nil } + byChannel.keys.filter { !order.contains($0) }.sorted()
        return channels.flatMap { channel in
            (byChannel[channel]?.arrayValue ?? []).map { a in
                GatewayChannelAccount(
                    channel: channel, accountId: a["accountId"]?.stringValue ?? "default",
                    enabled: a["enabled"]?.boolValue ?? true, configured: a["configured"]?.boolValue ?? false,
                    linked: a["linked"]?.boolValue ?? false, running: a["running"]?.boolValue ?? false,
                    connected: a["connected"]?.boolValue ?? false, lastError: a["lastError"]?.stringValue,
                    lastInboundAt: a["lastInboundAt"]?.intValue)
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
                channel: s["channel"]?.stringValue, displayName: s["displayName"]?.stringValue,
                inputTokens: s["inputTokens"]?.intValue, outputTokens: s["outputTokens"]?.intValue,
                totalTokens: s["totalTokens"]?.intValue)
        }
    }
}

extension GatewaySession {
    /// `channels.status`, decoded.
    public func channelsStatus(timeout: Duration? = nil) async throws(GatewayError) -> [GatewayChannelAccount] {
        GatewayChannelAccount.list(from: try await call("channels.status", .object([:]), timeout: timeout))
    }

    /// `sessions.list`, decoded; `activeMinutes` keeps sessions updated that recently.
    public func sessionsList(activeMinutes: Int? = nil, limit: Int? = nil, timeout: Duration? = nil) async throws(GatewayError) -> [GatewaySessionEntry] {
        var params: [String: JSONValue] = [:]
        if let activeMinutes { params["activeMinutes"] = .int(Int64(activeMinutes)) }
        if let limit { params["limit"] = .int(Int64(limit)) }
        return GatewaySessionEntry.list(from: try await call("sessions.list", .object(params), timeout: timeout))
    }
}
