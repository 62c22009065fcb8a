import FleetCore
import FleetCrypto
import FleetGit
import FoundationEssentials

/// What every controller and middleware shares: the configuration, the snapshot, the login
/// sessions and limits, and the key that makes CSRF tokens.
public struct ConsoleServices: Sendable {
    /// The configuration.
    public let config: ConsoleConfiguration
    /// The snapshot store (a service the application runs).
    public let store: SnapshotStore
    let sessions: SessionStore
    let limiter: LoginLimiter
    let csrfKey: [UInt8]
    /// The console's own repository, where changes become commits.
    let git: ConsoleRepository

    /// Services for `config`.
    public init(config: ConsoleConfiguration) throws {
        self.config = config
        store = SnapshotStore(config: config)
        sessions = SessionStore(idleTimeout: config.sessionIdleTimeout)
        limiter = LoginLimiter(limit: config.loginAttempts, window: config.loginWindow)
        csrfKey = try SecureRandom.bytes(32)
        git = ConsoleRepository(root: config.root)
    }

    /// The token of forms made for `subject` (a session token, `user:NAME` or `login:COOKIE`).
    func csrfToken(for subject: String) -> String {
        Hex.encode(HMACSHA256.mac(key: csrfKey, message: Array(subject.utf8)))
    }

    /// Whether a submitted token is the expected one (constant time).
    func csrfMatches(_ submitted: String?, expected: String) -> Bool {
        guard let submitted, !expected.isEmpty else { return false }
        return constantTimeEqual(Array(submitted.utf8), Array(expected.utf8))
    }

    /// The author of a user's commits: name and e-mail from their `spec.access` entry, else the
    /// e-mail a trusted proxy sent, else `USER@localhost`.
    func author(_ user: String, proxyEmail: String?, _ snapshot: FleetSnapshot) -> GitPerson {
        let rules = snapshot.access.filter { $0.user == user }
        let name = rules.compactMap(\.name).first ?? user
        let email = rules.compactMap(\.email).first ?? proxyEmail.flatMap { AccessRule.isValidEmail($0) ? $0 : nil } ?? "\(user)@localhost"
        return GitPerson(name: name, email: email)
    }

    /// The access policy of a user under the current snapshot.
    func policy(_ user: String?, _ snapshot: FleetSnapshot) -> AccessPolicy {
        AccessPolicy(user: user ?? "", access: snapshot.access)
    }
}
