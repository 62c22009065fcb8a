import FleetCrypto
import FoundationEssentials
import Glibc

/// Why the users file could not be read or changed.
public struct ConsoleUsersError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: String, Sendable {
        /// The file is not the JSON fleet writes.
        case corrupt
        /// The file is readable by others than its owner.
        case permissions
        /// Writing it failed.
        case write
        /// A user name that cannot be a login.
        case invalidName
        /// A password that is too short or too long.
        case invalidPassword
        /// Hashing failed (OpenSSL).
        case crypto
    }

    /// What kind.
    public var kind: Kind
    /// What went wrong (never a password or a hash).
    public var message: String
    /// The file.
    public var path: String
    /// How to fix it.
    public var fix: String?

    public var description: String { message + (fix.map { " (fix: \($0))" } ?? "") }
}

/// The web console's password file, `<state root>/console-users.json` (0600): a salted scrypt
/// hash per user name, never the password and never in git. Which user may do what is
/// `spec.access` in the Fleet manifest.
public struct ConsoleUsers: Sendable {
    /// One user's entry.
    public struct Entry: Sendable, Codable, Hashable {
        /// `scrypt$N$r$p$salt$hash`.
        public var hash: String
        /// When the password was set.
        public var updatedAt: Date
    }

    struct File: Codable {
        var formatVersion: Int = 1
        var users: [String: Entry] = [:]
    }

    /// The file.
    public let path: String
    /// The entries by user name.
    public private(set) var users: [String: Entry]

    /// `<root>/console-users.json`.
    public static func path(root: String) -> String { root + "/console-users.json" }

    /// Passwords must be 8 to 1,024 bytes.
    public static let passwordLengths = 8...1024

    /// Reads the file of `root` (a missing file has no users). A file others can read is
    /// refused: it holds hashes that could be attacked offline.
    public static func load(root: String) throws(ConsoleUsersError) -> ConsoleUsers {
        let path = path(root: root)
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            throw ConsoleUsersError(kind: .permissions, message: "\(path) is readable by others", path: path,
                                    fix: "chmod 600 \(path)")
        }
        guard let bytes = HostFiles.read(path) else { return ConsoleUsers(path: path, users: [:]) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return ConsoleUsers(path: path, users: try decoder.decode(File.self, from: Data(bytes)).users)
        } catch {
            throw ConsoleUsersError(kind: .corrupt, message: "\(path) is not a fleet users file", path: path,
                                    fix: "move it away and set the passwords again with fleet users set NAME")
        }
    }

    /// Sets (or replaces) `name`'s password.
    public mutating func set(_ name: String, password: [UInt8], cost: PasswordHash.Cost = .standard) throws(ConsoleUsersError) {
        guard AccessRule.isValidUserName(name) else {
            throw ConsoleUsersError(kind: .invalidName, message: "'\(name)' is not a valid user name", path: path,
                                    fix: "use 1 to 64 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit")
        }
        guard Self.passwordLengths.contains(password.count) else {
            throw ConsoleUsersError(kind: .invalidPassword, message: "the password must be 8 to 1024 bytes long", path: path, fix: nil)
        }
        do {
            users[name] = Entry(hash: try PasswordHash.make(password, cost: cost), updatedAt: Date())
        } catch {
            throw ConsoleUsersError(kind: .crypto, message: "cannot hash the password: \(error)", path: path, fix: nil)
        }
    }

    /// Removes `name`; false when there was no such user.
    @discardableResult
    public mutating func remove(_ name: String) -> Bool { users.removeValue(forKey: name) != nil }

    /// Writes the file atomically, 0600.
    public func save() throws(ConsoleUsersError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        do {
            let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            if !dir.isEmpty { try HostFiles.makeDirectory(dir) }
            let data = try encoder.encode(File(users: users))
            try HostFiles.writeAtomically(path, [UInt8](data) + [0x0A], mode: 0o600)
        } catch {
            throw ConsoleUsersError(kind: .write, message: "cannot write \(path): \(error)", path: path, fix: nil)
        }
    }

    /// Whether `password` is `name`'s. An unknown user costs the same scrypt work as a known
    /// one, so timing does not tell which names exist.
    public func verify(_ name: String, password: [UInt8]) -> Bool {
        guard let entry = users[name] else {
            _ = PasswordHash.verify(password, against: Self.decoy)
            return false
        }
        return PasswordHash.verify(password, against: entry.hash)
    }

    /// A well-formed hash no password matches (its key is all zero bytes).
    static let decoy = "scrypt$32768$8$1$" + String(repeating: "00", count: 16) + "$" + String(repeating: "00", count: 32)
}
