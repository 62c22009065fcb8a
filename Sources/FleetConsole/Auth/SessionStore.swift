import FleetCrypto
import FoundationEssentials

/// Login sessions, in memory only (a restart of the console logs everyone out): a random
/// 256-bit token per session, ended after `idleTimeout` without use.
actor SessionStore {
    struct Session {
        var user: String
        var lastUsed: ContinuousClock.Instant
    }

    private var sessions: [String: Session] = [:]
    let idleTimeout: Duration

    init(idleTimeout: Duration) {
        self.idleTimeout = idleTimeout
    }

    /// A new session for `user`; its token goes into the cookie.
    func create(user: String) throws -> String {
        let token = Hex.encode(try SecureRandom.bytes(32))
        sessions[token] = Session(user: user, lastUsed: .now)
        prune()
        return token
    }

    /// The user of a live session (and marks it used).
    func user(for token: String) -> String? {
        guard var session = sessions[token] else { return nil }
        let now = ContinuousClock.now
        guard now - session.lastUsed < idleTimeout else {
            sessions[token] = nil
            return nil
        }
        session.lastUsed = now
        sessions[token] = session
        return session.user
    }

    /// Ends one session.
    func end(_ token: String) { sessions[token] = nil }

    /// Ends every session of users not in `keep` (a password removed with `fleet users remove`).
    func endAll(except keep: Set<String>) {
        sessions = sessions.filter { keep.contains($0.value.user) }
    }

    private func prune() {
        let now = ContinuousClock.now
        sessions = sessions.filter { now - $0.value.lastUsed < idleTimeout }
    }
}
