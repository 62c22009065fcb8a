import FleetCrypto
import FleetGit
import FoundationEssentials
import Glibc
import OpenClawWire

/// A problem with an encryption key: a bad key file, loose permissions, a malformed value.
public struct SecretKeyError: Error, Sendable, CustomStringConvertible {
    /// What is wrong (never the key).
    public var message: String
    /// How to fix it.
    public var fix: String?

    public init(_ message: String, fix: String? = nil) {
        self.message = message
        self.fix = fix
    }

    public var description: String { fix.map { "\(message)\n  fix: \($0)" } ?? message }
}

/// One AES-256 key: 32 bytes, known by its id (the first 8 hex digits of its SHA-256).
public struct SecretKey: Sendable, Hashable {
    /// The key id written into every envelope it seals.
    public let id: String
    /// Where the key came from (a file path or an environment variable), for messages.
    public let source: String
    let bytes: [UInt8]

    /// A key of exactly 32 bytes.
    public init(bytes: [UInt8], source: String) throws(SecretKeyError) {
        guard bytes.count == AES256GCM.keySize else {
            throw SecretKeyError("the key from \(source) is \(bytes.count) bytes; fleet keys are 32 random bytes in base64",
                                 fix: "make a key with: fleet secrets keygen --out FILE")
        }
        self.bytes = bytes
        self.source = source
        id = Self.id(of: bytes)
    }

    /// A key from its text: base64 of 32 bytes; blank lines and `#` comment lines are ignored.
    public init(text: String, source: String) throws(SecretKeyError) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmed }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, let data = Data(base64Encoded: lines[0]) else {
            throw SecretKeyError("\(source) does not hold a fleet key (one line of base64, 32 bytes)",
                                 fix: "make a key with: fleet secrets keygen --out FILE")
        }
        try self.init(bytes: [UInt8](data), source: source)
    }

    /// A new random key.
    public static func generate() throws -> SecretKey {
        try SecretKey(bytes: SecureRandom.bytes(AES256GCM.keySize), source: "a new key")
    }

    /// The key as base64.
    public var base64: String { Data(bytes).base64EncodedString() }

    /// The text of a key file for this key.
    public var fileText: String {
        "# fleet encryption key, kid \(id). Keep it out of git (mode 0600); see docs/secrets.md.\n\(base64)\n"
    }

    /// The first 8 hex digits of SHA-256 of the key bytes.
    public static func id(of bytes: [UInt8]) -> String { String(Hex.encode(SHA256.digest(bytes)).prefix(8)) }

    /// Reads a key file, refusing one that group or others may read or write.
    public static func read(file: String) throws(SecretKeyError) -> SecretKey {
        var info = stat()
        guard stat(file, &info) == 0 else {
            throw SecretKeyError("cannot read key file '\(file)': \(String(cString: strerror(errno)))",
                                 fix: "pass the path of an existing key file (fleet secrets keygen --out FILE makes one)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw SecretKeyError("key file '\(file)' is not a regular file")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw SecretKeyError(
                "key file '\(file)' is accessible by group or others (mode \(String(mode, radix: 8))); fleet refuses it",
                fix: "run: chmod 600 \(file)")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SecretKeyError("cannot read key file '\(file)'", fix: "check that you may read it")
        }
        return try SecretKey(text: String(decoding: data, as: UTF8.self), source: file)
    }
}

/// The keys fleet may use: every key that may open a value (the envelope's key id picks one),
/// and the first one, which seals new values.
public struct SecretKeys: Sendable {
    /// The keys in the order found; the first seals.
    public private(set) var all: [SecretKey]

    /// Keys (duplicates, by id, dropped).
    public init(_ keys: [SecretKey] = []) {
        all = []
        for k in keys { add(k) }
    }

    /// Adds a key unless one with its id is present.
    public mutating func add(_ key: SecretKey) {
        if !all.contains(where: { $0.id == key.id }) { all.append(key) }
    }

    /// The key that seals new values.
    public var primary: SecretKey? { all.first }

    /// The key with id `id`.
    public func key(id: String) -> SecretKey? { all.first { $0.id == id } }

    /// The ids, for messages.
    public var ids: [String] { all.map(\.id) }

    /// The environment variable with one base64 key (the original product's name).
    public static let keyVariable = "ENCRYPTION_KEY"
    /// The environment variable with several base64 keys, comma-separated (for rotation).
    public static let keysVariable = "FLEET_ENCRYPTION_KEYS"
    /// The environment variable with key file paths, colon-separated.
    public static let fileVariable = "FLEET_KEY_FILE"
    /// The directory, relative to the repository's working copy, searched for `*.key` files.
    public static let defaultDirectory = ".fleet/keys"

    /// Finds the keys, in this order: `keyFiles` (`--key-file`), `$FLEET_KEY_FILE`,
    /// `$ENCRYPTION_KEY`, `$FLEET_ENCRYPTION_KEYS`, then `<working copy>/.fleet/keys/*.key`
    /// (sorted by name). A bad or loosely permitted key file is an error, never skipped.
    public static func resolve(keyFiles: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment,
                               repository: String? = nil) throws(SecretKeyError) -> SecretKeys {
        var keys = SecretKeys()
        for file in keyFiles { keys.add(try SecretKey.read(file: file)) }
        if let files = environment[fileVariable], !files.isEmpty {
            for file in files.split(separator: ":") where !file.isEmpty { keys.add(try SecretKey.read(file: String(file))) }
        }
        if let text = environment[keyVariable], !text.isEmpty {
            keys.add(try SecretKey(text: text, source: "$\(keyVariable)"))
        }
        if let text = environment[keysVariable], !text.isEmpty {
            for (i, part) in text.split(separator: ",").enumerated() {
                keys.add(try SecretKey(text: String(part), source: "$\(keysVariable) (item \(i + 1))"))
            }
        }
        if let repository {
            let root = (try? GitRepository(path: repository))?.workdir ?? repository
            let dir = (root.hasSuffix("/") ? root : root + "/") + defaultDirectory
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".key") }.sorted()
            for name in names { keys.add(try SecretKey.read(file: dir + "/" + name)) }
        }
        return keys
    }
}
