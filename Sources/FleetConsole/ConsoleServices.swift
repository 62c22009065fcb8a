import FleetCore
import FleetCrypto
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

    /// Services for `config`.
    public init(config: ConsoleConfiguration) throws {
        self.config = config
        store = SnapshotStore(config: config)
        sessions = SessionStore(idleTimeout: config.sessionIdleTimeout)
        limiter = LoginLimiter(limit: config.loginAttempts, window: config.loginWindow)
        csrfKey = try SecureRandom.bytes(32)
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

    /// The access policy of a user under the current snapshot.
    func policy(_ user: String?, _ snapshot: FleetSnapshot) -> AccessPolicy {
        AccessPolicy(user: user ?? "", access: snapshot.access)
    }
}
