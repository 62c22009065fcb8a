import OpenClawConfig

/// Where a manifest came from.
public struct ManifestOrigin: Sendable, Hashable, Codable {
    /// The file, relative to the repository root.
    public var file: String
    /// The line where the document starts.
    public var line: Int
}

/// A `kind: Bot` manifest, decoded and type-checked.
public struct BotManifest: Sendable {
    /// The bot's name (its OpenClaw agentId).
    public var name: String
    /// Labels.
    public var labels: [String: String]
    /// Owners who review changes.
    public var owners: [String]
    /// The agent's display name.
    public var displayName: String?
    /// false stops the gateway.
    public var enabled: Bool
    /// true freezes the bot.
    public var suspend: Bool
    /// The model, `provider/model`; nil takes the Fleet's default.
    public var model: String?
    /// Model provider API keys by provider id (plain text or an encrypted envelope); each
    /// replaces the Fleet's key of that provider for this bot.
    public var providers: [String: String] = [:]
    /// The system prompt.
    public var systemPrompt: String?
    /// A repository path to an avatar image.
    public var avatar: String?
    /// Network settings.
    public var gateway: GatewaySpec
    /// Session settings; nil takes the Fleet's defaults.
    public var session: SessionSpec?
    /// Tool settings; nil takes the Fleet's defaults.
    public var tools: ToolsSpec?
    /// Channel accounts.
    public var channels: [ChannelSpec]
    /// Routing rules.
    public var bindings: [BindingSpec]
    /// Kubernetes requests and limits; nil takes the Fleet's defaults.
    public var resources: ResourceSpec?
    /// Raw OpenClaw keys merged over the rendering.
    public var openclaw: JSONValue?
    /// The file and line the manifest came from.
    public var origin: ManifestOrigin
    /// The checked document, for pointing diagnostics at fields.
    public var node: TypedNode

    /// A display name that is never empty.
    public var title: String { displayName ?? name }
}

/// The port setting of a bot.
public enum PortSpec: Sendable, Hashable {
    /// Allocated by fleet.
    case auto
    /// A fixed port.
    case fixed(Int)
}

/// A bot's gateway network settings.
public struct GatewaySpec: Sendable, Hashable {
    /// Port.
    public var port: PortSpec = .auto
    /// Bind mode.
    public var bind: String = "loopback"
    /// Host for `bind: custom`.
    public var customBindHost: String?
}

/// Session settings.
public struct SessionSpec: Sendable, Hashable {
    /// `per-sender` or `global`.
    public var scope: String?
    /// How DMs are keyed.
    public var dmScope: String?
    /// `daily` or `idle`.
    public var resetMode: String?
    /// Daily reset hour.
    public var resetAtHour: Int?
    /// Idle reset minutes.
    public var resetIdleMinutes: Int?
}

/// Tool switches.
public struct ToolsSpec: Sendable, Hashable {
    /// OpenClaw's tool profile.
    public var profile: String?
    /// Shell (exec) tool.
    public var bash: Bool?
    /// Browser tool.
    public var browser: Bool?
    /// Web search and fetch.
    public var web: Bool?
    /// Media understanding.
    public var media: Bool?
    /// Extra allowed tools.
    public var allow: [String] = []
    /// Denied tools.
    public var deny: [String] = []
}

/// One channel account of a bot.
public struct ChannelSpec: Sendable, Hashable {
    /// telegram, discord, slack, whatsapp or signal.
    public var type: String
    /// The account id.
    public var accountId: String
    /// false keeps it configured but off.
    public var enabled: Bool
    /// Secret values by credential field name (plain text or an encrypted envelope).
    public var credentials: [String: String]
    /// Signal's phone number.
    public var account: String?
    /// DM policy.
    public var dmPolicy: String?
    /// Allowed DM senders.
    public var allowFrom: [String]?
    /// Group policy.
    public var groupPolicy: String?
    /// Allowed group senders.
    public var groupAllowFrom: [String]?
    /// Answer in groups only when mentioned.
    public var requireMention: Bool?
    /// Discord guild ids.
    public var guilds: [String]?
    /// Slack mode.
    public var mode: String?
    /// Index in `spec.channels`.
    public var index: Int

    /// `telegram/default`.
    public var key: String { "\(type)/\(accountId)" }
}

/// One routing rule.
public struct BindingSpec: Sendable, Hashable {
    /// Channel to match.
    public var channel: String
    /// Account to match.
    public var accountId: String?
    /// Peer kind.
    public var peerKind: String?
    /// Peer id.
    public var peerId: String?
    /// Discord guild.
    public var guildId: String?
    /// Slack team.
    public var teamId: String?
    /// Priority.
    public var priority: Int
    /// Index in `spec.bindings`.
    public var index: Int
}
