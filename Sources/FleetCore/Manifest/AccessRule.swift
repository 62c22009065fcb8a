/// A web console role: what a user may do with the bots their rule selects.
public enum ConsoleRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Sees pages, logs and history.
    case viewer
    /// Also restarts bots and asks the daemon to reconcile.
    case `operator`
    /// Also changes manifests (commits made through the console).
    case admin

    var rank: Int {
        switch self {
        case .viewer: return 0
        case .operator: return 1
        case .admin: return 2
        }
    }

    public static func < (a: ConsoleRole, b: ConsoleRole) -> Bool { a.rank < b.rank }

    /// What the role may do, for pages and 403 messages.
    public var summary: String {
        switch self {
        case .viewer: return "sees bots, logs and history"
        case .operator: return "also restarts bots and asks the daemon to reconcile"
        case .admin: return "also changes manifests"
        }
    }
}

/// One entry of the Fleet manifest's `spec.access`: a user's role for the bots a label
/// selector matches (every bot when `bots` is absent). Reviewed in git like everything else;
/// passwords never are (`fleet users set` keeps them on the host).
public struct AccessRule: Sendable, Hashable {
    /// The user name (a login name, or what the trusted proxy sends in its header).
    public var user: String
    /// The role.
    public var role: ConsoleRole
    /// A label selector (`team=customer-care`), nil for every bot.
    public var bots: String?
    /// The person's name, the author of the commits the console makes for them.
    public var name: String?
    /// The person's e-mail address, for those commits.
    public var email: String?

    /// Creates a rule.
    public init(user: String, role: ConsoleRole, bots: String? = nil, name: String? = nil, email: String? = nil) {
        self.user = user
        self.role = role
        self.bots = bots
        self.name = name
        self.email = email
    }

    /// An e-mail address git accepts in a signature: `local@domain`, no spaces, no `<`, `>` or
    /// control characters.
    public static func isValidEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, email.utf8.count <= 254 else { return false }
        return !email.unicodeScalars.contains { $0.value <= 0x20 || $0 == "<" || $0 == ">" || $0.value == 0x7F }
    }

    /// A name git accepts in a signature: 1 to 100 characters, no `<`, `>` or control characters.
    public static func isValidPersonName(_ name: String) -> Bool {
        guard (1...100).contains(name.count), name.trimmed == name else { return false }
        return !name.unicodeScalars.contains { $0.value < 0x20 || $0 == "<" || $0 == ">" || $0.value == 0x7F }
    }

    /// A user name is 1 to 64 of `A-Z a-z 0-9 . _ @ -`, starting with a letter or digit (so it
    /// works as a login, in a file and in a journal line; e-mail addresses from a proxy fit).
    public static func isValidUserName(_ name: String) -> Bool {
        func alphanumeric(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
        guard (1...64).contains(name.utf8.count), let first = name.unicodeScalars.first, alphanumeric(first) else { return false }
        return name.unicodeScalars.allSatisfy { alphanumeric($0) || ".-_@".unicodeScalars.contains($0) }
    }

    /// The rule for people: `alice: operator for team=customer-care`.
    public var summary: String { "\(user): \(role.rawValue) for \(bots.map { "bots matching \($0)" } ?? "every bot")" }
}
