import OpenClawConfig

/// One bot as the manifests at a commit want it.
public struct DesiredBot: Sendable {
    /// The bot's name.
    public var name: String
    /// false: no gateway should run.
    public var enabled: Bool
    /// true: leave it exactly as it is.
    public var suspended: Bool
    /// Its rendering.
    public var rendered: RenderedBot
    /// The manifest file.
    public var manifest: String

    /// Creates a desired bot.
    public init(name: String, enabled: Bool, suspended: Bool, rendered: RenderedBot, manifest: String) {
        self.name = name
        self.enabled = enabled
        self.suspended = suspended
        self.rendered = rendered
        self.manifest = manifest
    }
}

extension DesiredBot {
    /// What the bot's gateway is given, in hashes: two renderings with the same digest write the
    /// same files and launch the same way (the daemon compares a commit's rendering with the last
    /// round's to find the bots the commit changed).
    public struct Digest: Sendable, Hashable {
        var enabled: Bool
        var suspended: Bool
        var configHash: String
        var workspaceHash: String
        var secretFingerprints: [String: String]
        var launch: GatewayLaunch
    }

    /// This rendering's digest.
    public var digest: Digest {
        Digest(enabled: enabled, suspended: suspended, configHash: rendered.configHash, workspaceHash: rendered.workspaceHash,
               secretFingerprints: rendered.secretFingerprints, launch: rendered.launch)
    }
}

/// The config file found on disk.
public struct ConfigOnDisk: Sendable, Hashable {
    /// SHA-256 of the body (the text after the header comment lines).
    public var hash: String
    /// The parsed config, when it parses.
    public var json: JSONValue?
}

/// One bot as found on this host.
public struct ObservedBot: Sendable {
    /// The bot's name.
    public var name: String
    /// Its record in the state file.
    public var record: BotState?
    /// Whether `<root>/bots/<name>` exists.
    public var directoryExists: Bool
    /// The gateway fleet started for it, alive (pid and start time match the pid record).
    public var process: ProcessInfoRecord?
    /// Other live gateways of this bot, or what a dead gateway's session left (should not exist;
    /// stopped on apply).
    public var strays: [ProcessInfoRecord]
    /// The rest of the gateway's session: a re-launched child, exec-tool commands, a browser.
    /// They belong to the gateway: never strays, never a reason to restart; stopped with it.
    public var members: [ProcessInfoRecord] = []
    /// Whether `/proc` was scanned for the bot's processes (false when only its pid record was
    /// read): strays and members are known only then.
    public var scanned = false
    /// The last probe, when a process runs.
    public var health: GatewayHealth?
    /// The config on disk.
    public var configOnDisk: ConfigOnDisk?
    /// A process fleet did not start that listens on the bot's port.
    public var portHolder: ProcessInfoRecord?

    /// Creates an observation.
    public init(name: String, record: BotState? = nil, directoryExists: Bool = false, process: ProcessInfoRecord? = nil,
                strays: [ProcessInfoRecord] = [], health: GatewayHealth? = nil, configOnDisk: ConfigOnDisk? = nil,
                portHolder: ProcessInfoRecord? = nil) {
        self.name = name
        self.record = record
        self.directoryExists = directoryExists
        self.process = process
        self.strays = strays
        self.health = health
        self.configOnDisk = configOnDisk
        self.portHolder = portHolder
    }
}

/// What an action does.
public enum ActionKind: String, Sendable, Codable, CaseIterable {
    /// A new bot: write its files, start its gateway.
    case create
    /// A bot removed from git: stop it, move its data aside.
    case destroy
    /// Rewrite the config; the gateway applies it live (same pid).
    case reload
    /// Stop and start the gateway (port, bind, credentials, command changed; or unhealthy).
    case restart
    /// Start a stopped or crashed gateway.
    case start
    /// Stop a gateway (disabled bot).
    case stop
    /// Nothing to do.
    case noop

    /// Terraform-style sign.
    public var symbol: String {
        switch self {
        case .create: return "+"
        case .destroy: return "-"
        case .reload: return "~"
        case .restart: return "-/+"
        case .start: return ">"
        case .stop: return "."
        case .noop: return "="
        }
    }
}

/// One planned action, with why.
public struct PlannedAction: Sendable, Codable, Hashable {
    /// The bot.
    public var bot: String
    /// What to do.
    public var kind: ActionKind
    /// Why, in words.
    public var reasons: [String]
    /// The port the bot will have.
    public var port: Int?

    /// Creates an action.
    public init(bot: String, kind: ActionKind, reasons: [String], port: Int? = nil) {
        self.bot = bot
        self.kind = kind
        self.reasons = reasons
        self.port = port
    }
}

/// A plan: every bot's action, bound to a commit and to what was observed.
public struct Plan: Sendable, Codable {
    /// The format version of saved plans.
    public var formatVersion: Int = 1
    /// The commit planned.
    public var commit: String?
    /// A fingerprint of the observed state the plan was made against.
    public var observedFingerprint: String
    /// The OpenClaw release the plan renders and launches for, and how fleet knows it.
    public var openclaw: OpenClawTarget?
    /// The state root.
    public var stateRoot: String
    /// Every bot, including no-ops, sorted by bot.
    public var actions: [PlannedAction]
    /// Why the plan must not be applied (a mass destroy), if so.
    public var refusal: String?

    /// The actions that change something.
    public var changes: [PlannedAction] { actions.filter { $0.kind != .noop } }

    /// How many actions of `kind`.
    public func count(_ kind: ActionKind) -> Int { actions.filter { $0.kind == kind }.count }
}
