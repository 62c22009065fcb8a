import FoundationEssentials

/// The condition of the manifests' source on this host, worst first: what `fleet status` (table
/// and JSON) and the web console's dashboard show before the bots. Built from the state file
/// and a look at the daemon's process, never from an error's wording.
public struct SourceCondition: Sendable, Codable, Hashable {
    /// What the condition is; scripts switch on it.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The daemon applied the commit it fetched last.
        case inSync
        /// The daemon fetched a commit it has not applied yet (a round is under way).
        case applying
        /// No daemon has run for this state root: commits are applied by `fleet apply`.
        case manual
        /// A daemon ran for this state root but runs no more: nothing follows git or heals crashes.
        case daemonNotRunning
        /// The last fetch failed; the last applied commit keeps running.
        case fetchFailing
        /// The fetched commit's manifests are invalid; it is not applied.
        case invalidCommit
        /// The fetched commit is not signed by an allowed signer; it is not applied.
        case untrustedCommit
        /// The fetched commit could not be read or planned.
        case sourceError
    }

    /// How bad it is.
    public enum Severity: String, Sendable, Codable, Comparable {
        /// All is well.
        case ok
        /// Worth knowing; nothing is broken.
        case info
        /// Git and the host disagree, or nothing follows git.
        case warning
        /// A commit cannot be applied.
        case error

        var rank: Int {
            switch self {
            case .ok: return 0
            case .info: return 1
            case .warning: return 2
            case .error: return 3
            }
        }

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// What it is.
    public var kind: Kind
    /// How bad.
    public var severity: Severity
    /// One sentence for a person.
    public var message: String
    /// The error the daemon recorded, when there is one (never a secret).
    public var detail: String?
    /// What to do, often a command.
    public var fix: String?

    /// Every condition that holds for `state`, worst first (never empty). `daemonPid` is the pid
    /// of the daemon running now (`DaemonControl.runningPid(root:)`), nil when none runs.
    public static func of(_ state: FleetState, root: String, daemonPid: Int32?) -> [SourceCondition] {
        let applied = state.appliedCommit.map { String($0.prefix(7)) }
        let keeps = applied.map { "; the gateways keep running commit \($0)" } ?? ""
        guard let source = state.source else {
            if daemonPid != nil {
                return [SourceCondition(kind: .applying, severity: .info, message: "the daemon (pid \(daemonPid ?? 0)) is starting its first round")]
            }
            let message = applied.map { "applied commit \($0) by fleet apply; no daemon follows git on this host" }
                ?? "nothing applied yet; no daemon follows git on this host"
            return [SourceCondition(kind: .manual, severity: .info, message: message,
                                    fix: "fleet daemon --state-root \(root) (or examples/fleet-daemon.service) to follow git")]
        }
        var out: [SourceCondition] = []
        let fetched = state.fetchedCommit.map { String($0.prefix(7)) }
        switch source.phase {
        case SourceStatus.Phase.failing:
            out.append(SourceCondition(
                kind: .fetchFailing, severity: .error,
                message: "fetching \(source.url) (\(source.ref)) fails\(keeps)", detail: source.error,
                fix: "check that the repository and branch exist and that this host may read them (credentials, network)"))
        case SourceStatus.Phase.invalid:
            let ref = fetched ?? source.ref
            out.append(SourceCondition(
                kind: .invalidCommit, severity: .error,
                message: "the fetched commit \(ref) has invalid manifests and is not applied\(keeps)", detail: source.error,
                fix: validateCommand(source, root: root, ref: ref)))
        case SourceStatus.Phase.untrusted:
            out.append(SourceCondition(
                kind: .untrustedCommit, severity: .error,
                message: "the fetched commit \(fetched ?? source.ref) is not signed by an allowed signer and is not applied\(keeps)",
                detail: source.error,
                fix: "sign the commit with a key in the allowed-signers file (git commit -S), or add the signer's key there"))
        default:
            if let error = source.error {
                out.append(SourceCondition(
                    kind: .sourceError, severity: .error,
                    message: "the daemon could not apply commit \(fetched ?? source.ref)\(keeps)", detail: error,
                    fix: validateCommand(source, root: root, ref: fetched ?? source.ref)))
            }
        }
        if daemonPid == nil {
            let last = source.lastFetchAt.map { " (it last fetched at \($0.formatted(.iso8601)))" } ?? ""
            out.append(SourceCondition(
                kind: .daemonNotRunning, severity: .warning,
                message: "the daemon is not running\(last): nothing follows git or restarts crashed gateways",
                fix: "systemctl start fleet-daemon, or fleet daemon --state-root \(root)"))
        }
        if out.isEmpty {
            if let fetched, fetched != applied {
                out.append(SourceCondition(
                    kind: .applying, severity: .info,
                    message: "fetched commit \(fetched); applied commit \(applied ?? "none") (a round is under way)"))
            } else {
                out.append(SourceCondition(
                    kind: .inSync, severity: .ok,
                    message: "applied commit \(applied ?? "none"), the newest on \(source.ref)"))
            }
        }
        return out.sorted { $0.severity > $1.severity }
    }

    /// `fleet validate --repo R --ref X [--path P]` for the source the daemon follows.
    static func validateCommand(_ source: SourceStatus, root: String, ref: String) -> String {
        let follower = SourceFollower(location: source.url, ref: source.ref, path: source.path ?? "fleet", root: root)
        var command = "fleet validate --repo \(follower.isRemote ? follower.mirror : source.url) --ref \(ref)"
        if let path = source.path, path != "fleet" { command += " --path \(path)" }
        return command
    }
}
