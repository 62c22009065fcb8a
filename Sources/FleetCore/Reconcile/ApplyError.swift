/// A failure while acting on one bot or recording what was done, with a kind code can switch on,
/// a stable code people and scripts can match (`docs/runtime-errors.md`), a message a person
/// understands and, when fleet knows one, a fix. The message never holds a secret.
public struct ApplyError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// What went wrong, as something to switch on (never the wording).
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The gateway command could not be started (not found, not executable).
        case spawnFailed
        /// The gateway exited before it answered `/healthz` (a config it refuses, a bad flag).
        case startupExit
        /// The gateway did not answer `/healthz` within `spec.health.startTimeout`.
        case startTimeout
        /// The bot's port is held by another program.
        case portInUse
        /// A file of the bot (config, secrets, workspace, pid record, token) could not be written.
        case fileWrite
        /// The state file could not be written.
        case stateWrite
        /// The journal could not be appended to.
        case journalWrite
        /// A removed bot's data could not be moved aside.
        case moveAside
        /// An action for a bot the manifests do not have (a plan from elsewhere).
        case noManifest
        /// The state file cannot be read: it is not what fleet wrote.
        case stateCorrupt
        /// The metrics endpoint cannot listen.
        case metricsListen
        /// The gateway refused its config at start-up (OpenClaw's EX_CONFIG exit code, 78):
        /// not retried until the config, the launch or the release changes.
        case configRefused

        /// The stable code (`R001`...): codes never change meaning; new kinds get new codes.
        public var code: String {
            switch self {
            case .spawnFailed: return "R001"
            case .startupExit: return "R002"
            case .startTimeout: return "R003"
            case .portInUse: return "R004"
            case .fileWrite: return "R005"
            case .stateWrite: return "R006"
            case .journalWrite: return "R007"
            case .moveAside: return "R008"
            case .noManifest: return "R009"
            case .stateCorrupt: return "R010"
            case .metricsListen: return "R011"
            case .configRefused: return "R012"
            }
        }
    }

    /// What went wrong.
    public var kind: Kind
    /// What happened, for a person.
    public var message: String
    /// How to fix it.
    public var fix: String?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, fix: String? = nil) {
        self.kind = kind
        self.message = message
        self.fix = fix
    }

    /// The stable code of the kind.
    public var code: String { kind.code }

    /// `error[R002]: message`.
    public var description: String {
        "error[\(code)]: \(message)" + (fix.map { "\n  = fix: \($0)" } ?? "")
    }
}
