import FoundationEssentials
import Glibc

/// One channel account's connection state, as `fleet status` and `fleet describe` show it.
public struct ChannelStatus: Sendable, Codable, Hashable {
    /// `telegram`, `discord`, ...
    public var channel: String
    /// The account id (`default` for the single-account form).
    public var accountId: String
    /// Has its credentials.
    public var configured: Bool
    /// The provider is started.
    public var running: Bool
    /// Connected to the provider.
    public var connected: Bool
    /// The last error, e.g. `401 Unauthorized` (never a secret).
    public var lastError: String?
    /// How to fix `lastError`, when fleet knows.
    public var fix: String?
    /// When the last inbound message arrived.
    public var lastInboundAt: Date?
    /// The gateway waits to restart it after a failure (its readiness does not count it meanwhile).
    public var restartPending: Bool?
    /// Read from the log, where connected is not written: `running` means started.
    public var fromLog: Bool?

    /// Creates a channel status.
    public init(channel: String, accountId: String, configured: Bool, running: Bool, connected: Bool,
                lastError: String? = nil, fix: String? = nil, lastInboundAt: Date? = nil, restartPending: Bool? = nil) {
        self.channel = channel
        self.accountId = accountId
        self.configured = configured
        self.running = running
        self.connected = connected
        self.lastError = lastError
        self.fix = fix
        self.lastInboundAt = lastInboundAt
        self.restartPending = restartPending
    }

    /// `connected`, `error`, `connecting`, `stopped` or `not configured`, for tables.
    public var state: String {
        if connected { return "connected" }
        if restartPending == true { return "restarting" }
        if lastError != nil && configured { return "error" }
        if !configured { return channel == "whatsapp" ? "not linked" : "not configured" }
        if running { return fromLog == true ? "started" : "connecting" }
        return "stopped"
    }
}

/// How many sessions a bot has and when the last one moved.
public struct SessionSummary: Sendable, Codable, Hashable {
    /// Sessions in the store.
    public var count: Int
    /// Sessions updated in the last hour.
    public var active: Int
    /// The newest session update.
    public var lastActivity: Date?

    /// Creates a summary.
    public init(count: Int, active: Int, lastActivity: Date?) {
        self.count = count
        self.active = active
        self.lastActivity = lastActivity
    }
}

/// The figures an operator asks for, per bot.
public struct BotFigures: Sendable, Codable, Hashable {
    /// Inbound (user) messages in the last hour, from the session transcripts.
    public var messagesLastHour: Int
    /// Inbound (user) messages in the last 24 hours.
    public var messagesLastDay: Int
    /// Sessions updated in the last hour.
    public var activeSessions: Int
    /// Log lines at level ERROR or FATAL in the last hour.
    public var errorsLastHour: Int

    /// Creates figures.
    public init(messagesLastHour: Int, messagesLastDay: Int, activeSessions: Int, errorsLastHour: Int) {
        self.messagesLastHour = messagesLastHour
        self.messagesLastDay = messagesLastDay
        self.activeSessions = activeSessions
        self.errorsLastHour = errorsLastHour
    }
}
