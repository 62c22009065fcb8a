import FleetCore
import FoundationEssentials

/// One bot as the console shows it: the state file's record, refreshed by a look at the process,
/// its gateway (channels, sessions) and its files (messages and errors per hour).
public struct BotSnapshot: Sendable {
    /// The bot's name.
    public var name: String
    /// The manifest's display name.
    public var displayName: String?
    /// The manifest's labels (access selectors match on them).
    public var labels: [String: String]
    /// The state record, refreshed.
    public var state: BotState
    /// The newest sessions (at most 200), from the gateway or its store.
    public var sessions: [GatewaySessionEntry]
    /// Inbound messages per hour over the last 24 hours, oldest first.
    public var messagesPerHour: [Int]
    /// Errors in the log per hour over the last 24 hours, oldest first.
    public var errorsPerHour: [Int]

    /// Messages in the last hour.
    public var messagesLastHour: Int { messagesPerHour.last ?? 0 }
    /// The newest activity known: a session update or an inbound message.
    public var lastActivity: Date? {
        [state.sessions?.lastActivity, state.channels?.compactMap(\.lastInboundAt).max()].compactMap { $0 }.max()
    }
}

/// What the console renders from: one immutable picture of the fleet, refreshed in the
/// background (never per page view).
public struct FleetSnapshot: Sendable {
    /// A number that grows with every change (SSE clients compare it).
    public var version: Int
    /// When it was taken.
    public var takenAt: Date
    /// The state file as read (its bots are the refreshed ones below).
    public var state: FleetState
    /// The source's condition, worst first.
    public var conditions: [SourceCondition]
    /// The daemon's pid, when one runs.
    public var daemonPid: Int32?
    /// The bots by name.
    public var bots: [String: BotSnapshot]
    /// The manifests at the applied commit (nil when they cannot be read).
    public var manifests: ManifestSet?
    /// Who may do what (`spec.access` at the applied commit).
    public var access: [AccessRule]
    /// User names with a password on this host.
    public var passwordUsers: Set<String>
    /// Why the manifests could not be read, when they could not.
    public var manifestError: String?

    /// An empty snapshot (before the first refresh).
    public static let empty = FleetSnapshot(
        version: 0, takenAt: Date(timeIntervalSince1970: 0), state: FleetState(), conditions: [], daemonPid: nil,
        bots: [:], manifests: nil, access: [], passwordUsers: [], manifestError: nil)

    /// The bots `policy` may see, sorted by name.
    public func visibleBots(_ policy: AccessPolicy) -> [BotSnapshot] {
        bots.keys.sorted().compactMap { name in
            guard let bot = bots[name], policy.role(forLabels: bot.labels) != nil else { return nil }
            return bot
        }
    }

    /// The user's role for one bot (nil: they may not see it).
    public func role(_ policy: AccessPolicy, bot: String) -> ConsoleRole? {
        guard let b = bots[bot] else { return nil }
        return policy.role(forLabels: b.labels)
    }

    /// The manifest of a bot at the applied commit.
    public func manifest(_ bot: String) -> BotManifest? { manifests?.bot(named: bot) }
}
