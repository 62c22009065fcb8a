import OpenClawConfig

/// One manifest file `fleet import` writes.
public struct ImportedFile: Sendable, Hashable {
    /// The path relative to the output directory: `fleet.yaml` or `bots/<name>.yaml`.
    public var path: String
    /// The YAML text.
    public var text: String
}

/// Where one input path of the OpenClaw config went.
public struct ImportReportEntry: Sendable, Hashable, Codable {
    /// The OpenClaw config path, e.g. `channels.telegram.accounts.work.dmPolicy` or `bindings[2]`
    /// (a subtree moved untouched is listed once, by its root).
    public var path: String
    /// Where it went: `bots/<name>.yaml spec.channels[0].dmPolicy`, `fleet.yaml spec.openclaw.messages`,
    /// `set by fleet: ...` or `not imported: <reason>`.
    public var destination: String
}

/// The manifests made from one OpenClaw config, and the report.
public struct ImportResult: Sendable {
    /// The Fleet manifest first, then one Bot manifest per agent, sorted by name.
    public var files: [ImportedFile]
    /// Every input path and where it went, sorted by path.
    public var report: [ImportReportEntry]
    /// Things a person should look at (dropped bindings, renamed ids, missing credentials).
    public var warnings: [String]
    /// The bots made, by name.
    public var bots: [String]
    /// Credentials written encrypted, and the id of the key that sealed them.
    public var encrypted = 0
    public var keyId: String?
}

/// The input could not be imported at all.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    public var description: String { message }
}

/// A bot being assembled.
struct BotDraft {
    var name: String
    var originalId: String
    var displayName: String?
    var model: String?
    var tools: [(String, YAMLText)]?
    var channels: [YAMLText] = []
    var bindings: [YAMLText] = []
    var openclaw: JSONValue = .object([:])

    var file: String { "bots/\(name).yaml" }
}

/// One channel account found in the input.
struct AccountDraft {
    var type: String
    var originalId: String
    var id: String
    /// The account's settings with the channel-level ones merged under them.
    var settings: [String: JSONValue]
    /// The config path of the account's own object (`channels.telegram.accounts.work`, or
    /// `channels.telegram` for the single-account form).
    var path: String
    var owner = ""
}

extension JSONValue {
    /// `value` nested under `path` (`["a", "b"]` → `{a: {b: value}}`).
    static func nested(_ path: [String], _ value: JSONValue) -> JSONValue {
        path.reversed().reduce(value) { inner, key in .object([key: inner]) }
    }

    /// This object without the leaf at `path`, pruning objects left empty.
    func removing(_ path: ArraySlice<String>) -> JSONValue? {
        guard let key = path.first, case .object(var members) = self else { return self }
        if path.count == 1 {
            members[key] = nil
        } else if let child = members[key] {
            members[key] = child.removing(path.dropFirst())
        }
        return members.isEmpty ? nil : .object(members)
    }
}

/// Lowercase DNS-label slugs, as manifest names and account ids must be.
enum Slug {
    static func make(_ raw: String) -> String {
        var out = ""
        for c in raw.lowercased().unicodeScalars {
            if ("a"..."z").contains(c) || ("0"..."9").contains(c) { out.unicodeScalars.append(c) } else if !out.hasSuffix("-") { out += "-" }
        }
        while out.hasPrefix("-") { out.removeFirst() }
        while out.hasSuffix("-") { out.removeLast() }
        if out.isEmpty { out = "agent" }
        return String(out.prefix(63))
    }
}
