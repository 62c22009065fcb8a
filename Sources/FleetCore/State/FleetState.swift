import FoundationEssentials
import Glibc

/// The phase of one bot, as `fleet status` and the state file show it.
public enum BotPhase: String, Sendable, Codable, CaseIterable {
    /// Planned, not yet acted on.
    case Pending
    /// Started, not yet answering /healthz.
    case Starting
    /// Answering /healthz and /readyz.
    case Running
    /// Answering /healthz but not /readyz (a channel is down).
    case Degraded
    /// Not running, on purpose (disabled, destroyed or stopped).
    case Stopped
    /// Crashing repeatedly; restarts are backed off.
    case CrashLoop
    /// Could not be started (config refused, port taken, timeout).
    case Failed
}

/// How a process ended.
public struct ExitInfo: Sendable, Codable, Hashable {
    /// The exit code, when it exited.
    public var code: Int32?
    /// The signal name, when a signal ended it.
    public var signal: String?
    /// When it was noticed.
    public var at: Date

    /// "exited with code 1" or "killed by SIGKILL".
    public var summary: String {
        if let code { return "exited with code \(code)" }
        if let signal { return "killed by \(signal)" }
        return "exited"
    }
}

/// A problem with its fix, safe to print (never holds a secret).
public struct BotError: Sendable, Codable, Hashable {
    /// What went wrong.
    public var message: String
    /// How to fix it.
    public var fix: String?
    /// When.
    public var at: Date
}

/// The last health probe.
public struct HealthRecord: Sendable, Codable, Hashable {
    /// /healthz answered 200.
    public var live: Bool
    /// /readyz answered 200.
    public var ready: Bool?
    /// /readyz's failing checks.
    public var failing: [String]
    /// When.
    public var at: Date
}

/// What fleet knows about one bot on this host.
public struct BotState: Sendable, Codable, Hashable {
    /// The phase.
    public var phase: BotPhase
    /// The gateway's pid, while one runs.
    public var pid: Int32?
    /// The process start time (clock ticks after boot, from /proc), with the pid its identity.
    public var pidStartTime: UInt64?
    /// The allocated port (kept across applies).
    public var port: Int
    /// SHA-256 of the applied config body.
    public var configHash: String?
    /// The commit last applied to this bot.
    public var appliedCommit: String?
    /// When the current process started.
    public var startedAt: Date?
    /// The last health probe.
    public var health: HealthRecord?
    /// Restarts fleet made (crash recovery and config restarts).
    public var restarts: Int
    /// How the last process ended.
    public var lastExit: ExitInfo?
    /// The last error, with its fix.
    public var lastError: BotError?
    /// What was applied (hashes, fingerprints, launch), for classifying the next change.
    public var applied: AppliedRecord?
    /// The manifest file.
    public var manifest: String?
    /// `suspend: true` in git: fleet leaves the bot as it is.
    public var suspended: Bool?
    /// Each channel account's connection state (from the gateway, else its log), when looked at.
    public var channels: [ChannelStatus]?
    /// Session counts and last activity, when looked at.
    public var sessions: SessionSummary?
    /// The figures an operator asks for (messages, active sessions, errors), when looked at.
    public var figures: BotFigures?
    /// Where channels and sessions came from: `gateway` (it answered) or `disk` (store and log).
    public var observedVia: String?
    /// Why the gateway did not answer fleet's protocol client, when it was asked and failed.
    public var gatewayError: GatewayProblem?
    /// Why the sessions shown may be incomplete (a release whose store fleet does not read).
    public var sessionsNote: String?

    /// A new bot on `port`.
    public init(port: Int) {
        phase = .Pending
        self.port = port
        restarts = 0
    }
}

/// Where the daemon's manifests come from, and how the last fetch went.
public struct SourceStatus: Sendable, Codable, Hashable {
    /// `Ready` (last fetch worked), `Failing` (the last fetch failed; the last applied commit keeps
    /// running), or `Untrusted` (the newest commit is not signed by an allowed signer).
    public var phase: String
    /// The repository path or URL.
    public var url: String
    /// The branch or ref followed.
    public var ref: String
    /// The last error, when failing.
    public var error: String?
    /// When the last fetch was tried.
    public var lastFetchAt: Date?
    /// When a fetch last worked.
    public var lastSuccessAt: Date?
}

/// The state file: what fleet last observed and applied, per bot and for the fleet.
public struct FleetState: Sendable, Codable {
    /// The format version of this file.
    public var formatVersion: Int = 1
    /// The commit last applied.
    public var appliedCommit: String?
    /// When it was applied.
    public var appliedAt: Date?
    /// The commit last fetched (daemon).
    public var fetchedCommit: String?
    /// The daemon's source, when a daemon runs.
    public var source: SourceStatus?
    /// The daemon's pid, while one runs.
    public var daemonPid: Int32?
    /// How long the last reconcile took, in seconds.
    public var lastReconcileSeconds: Double?
    /// The OpenClaw release the last apply rendered and launched for, and how fleet knew it.
    public var openclaw: OpenClawTarget?
    /// Per bot.
    public var bots: [String: BotState] = [:]

    /// An empty state.
    public init() {}
}

extension FleetState {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    /// Reads the state file; a missing file is an empty state.
    public static func load(from path: String) throws -> FleetState {
        guard let bytes = HostFiles.read(path) else { return FleetState() }
        return try decoder.decode(FleetState.self, from: Data(bytes))
    }

    /// Writes the state file atomically (0600).
    public func save(to path: String) throws {
        let data = try Self.encoder.encode(self)
        try HostFiles.writeAtomically(path, [UInt8](data) + [0x0A], mode: 0o600)
    }
}
