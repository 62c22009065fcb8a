import FoundationEssentials
import Glibc
import OpenClawConfig

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
    /// The stable code of a runtime error (`R002`...), when it was one.
    public var code: String?

    /// Creates an error record.
    public init(message: String, fix: String?, at: Date, code: String? = nil) {
        self.message = message
        self.fix = fix
        self.at = at
        self.code = code
    }

    /// The record of an apply failure.
    public init(_ error: ApplyError, at: Date) {
        self.init(message: error.message, fix: error.fix, at: at, code: error.code)
    }
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

    /// Creates a probe record.
    public init(live: Bool, ready: Bool?, failing: [String], at: Date) {
        self.live = live
        self.ready = ready
        self.failing = failing
        self.at = at
    }
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
    /// running), `Untrusted` (the newest commit is not signed by an allowed signer) or `Invalid`
    /// (the newest commit's manifests are invalid).
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
    /// The directory of manifests inside the repository (older state files lack it).
    public var path: String?

    /// The values of `phase`.
    public enum Phase {
        /// The last fetch worked.
        public static let ready = "Ready"
        /// The last fetch failed.
        public static let failing = "Failing"
        /// The fetched commit is not signed by an allowed signer.
        public static let untrusted = "Untrusted"
        /// The fetched commit's manifests are invalid.
        public static let invalid = "Invalid"
    }
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

    /// Reads the state file; a missing file is an empty state. A file that exists but cannot be
    /// read or parsed is an error (never an empty state: that would forget every running
    /// gateway): it names the file, keeps a copy of it beside it, and says how to recover.
    public static func load(from path: String) throws(ApplyError) -> FleetState {
        guard let bytes = HostFiles.read(path) else {
            guard HostFiles.exists(path) else { return FleetState() }
            throw ApplyError(
                .stateCorrupt, "the state file \(path) exists but cannot be read",
                fix: "check what \(path) is (it must be a regular file fleet can read), or move it aside and run `fleet state rebuild --state-root \(path.deletingLastPathComponent)`")
        }
        if let written = StateFileMemory.lastWritten(at: path, bytes: bytes) { return written }
        do {
            return try decoder.decode(FleetState.self, from: Data(bytes))
        } catch {
            let kept = keepCopy(of: path, bytes)
            throw ApplyError(
                .stateCorrupt,
                "the state file \(path) is not valid fleet state (\(Self.reason(error))); \(kept); nothing was changed",
                fix: "run `fleet state rebuild --state-root \(path.deletingLastPathComponent)`: it rebuilds the file from the running gateways (/proc) and their pid records, then `fleet plan` shows what apply would do")
        }
    }

    /// Writes the state file atomically (0600).
    public func save(to path: String) throws(ApplyError) {
        var encoder = StateEncoder()
        try Self.write(try encoded(for: path, with: &encoder), of: self, to: path)
    }

    /// The state file's bytes, from `encoder` (the applier keeps one for an apply: only the bots
    /// that changed since its last write are encoded again; it is freed with the applier).
    /// `changed`: the bots that may differ from `encoder`'s last encoding (nil: any).
    func encoded(for path: String, with encoder: inout StateEncoder, changed: Set<String>? = nil) throws(ApplyError) -> [UInt8] {
        do {
            return try encoder.encode(self, changed: changed)
        } catch {
            throw ApplyError(.stateWrite, "cannot write the state file \(path): \(error)",
                             fix: "make \(path.deletingLastPathComponent) writable (and not full), then apply again")
        }
    }

    /// Writes `state`'s encoding to `path` (atomically, with a final newline), and remembers it
    /// so that reading the file back before anyone else writes it needs no decoding.
    static func write(_ bytes: [UInt8], of state: FleetState, to path: String) throws(ApplyError) {
        do {
            let file = bytes + [0x0A]
            try HostFiles.writeAtomically(path, file, mode: 0o600)
            StateFileMemory.remember(state, at: path, bytes: file)
        } catch {
            throw ApplyError(.stateWrite, "cannot write the state file \(path): \(error)",
                             fix: "make \(path.deletingLastPathComponent) writable (and not full), then apply again")
        }
    }

    /// Copies an unreadable state file to `<path>.corrupt-<hash>` (the same bytes keep one copy);
    /// says where, for the error message.
    static func keepCopy(of path: String, _ bytes: [UInt8]) -> String {
        let copy = path + ".corrupt-" + String(ConfigDigest.sha256Hex(bytes).prefix(12))
        if HostFiles.exists(copy) { return "a copy is kept at \(copy)" }
        do {
            try HostFiles.writeAtomically(copy, bytes, mode: 0o600)
            return "a copy is kept at \(copy)"
        } catch {
            return "no copy could be kept (\(error))"
        }
    }

    /// The decoder's complaint, short.
    static func reason(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context): return "not JSON: " + context.debugDescription.prefix(120)
            case .keyNotFound(let key, let context):
                return "missing '\(key.stringValue)' at \(Self.path(context.codingPath))"
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                return "wrong value at \(Self.path(context.codingPath))"
            @unknown default: return "\(error)"
            }
        }
        return "\(error)"
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map(\.stringValue).joined(separator: ".")
    }
}
