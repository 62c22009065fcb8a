import FleetYAML
import FoundationEssentials
import Glibc

/// A problem editing a manifest file's secrets.
public struct SecretEditError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var fix: String?

    public init(_ message: String, fix: String? = nil) {
        self.message = message
        self.fix = fix
    }

    public var description: String { fix.map { "\(message)\n  fix: \($0)" } ?? message }

    /// The YAML documents of `text`, for an editor of the file: a syntax error or a problem the
    /// parser reports is this error, at `file:line:col`.
    static func documents(of text: String, file: String) throws(SecretEditError) -> [YAMLNode] {
        let parsed: YAMLParseResult
        do {
            parsed = try YAMLParser.parse(text)
        } catch {
            throw SecretEditError("\(file):\(error.mark.line):\(error.mark.column): \(error.message)",
                                  fix: "fix the YAML first (fleet validate --worktree shows every problem)")
        }
        if let problem = parsed.problems.first {
            throw SecretEditError("\(file):\(problem.mark.line):\(problem.mark.column): \(problem.message)",
                                  fix: problem.fix ?? "fix the YAML first")
        }
        return parsed.documents
    }
}

/// One credential scalar in a manifest file.
public struct SecretSite: Sendable {
    /// The bot, or ``SecretEnvelope/fleetScope`` for a value of the Fleet manifest.
    public var bot: String
    /// `channels.<type>.<accountId>.<key>` or `providers.<id>.apiKey`.
    public var field: String
    /// The value as YAML reads it (plain text or an envelope).
    public var value: String
    /// Where the value is written (1-based).
    public var line: Int
    public var column: Int
    /// The value's text in the file (Unicode scalar offsets, without anchor/tag and trailing space).
    var start: Int
    var end: Int
    /// Written single-quoted (kept so when rewriting).
    var singleQuoted: Bool

    /// Whether the value is encrypted.
    public var isEncrypted: Bool { SecretEnvelope.isEnvelope(value) }
}

/// A manifest file's text and its credential scalars, for rewriting only those scalars in place:
/// comments, anchors, quoting and layout of everything else stay byte for byte.
public struct SecretFileEditor: Sendable {
    /// The text.
    public private(set) var text: String
    /// The file's name, for messages.
    public var file: String
    /// Every credential scalar, in file order.
    public private(set) var sites: [SecretSite] = []
    /// The names of the Bot manifests in the file.
    public var botNames: [String] {
        documents.filter { $0["kind"]?.scalar == "Bot" }.compactMap { $0["metadata"]?["name"]?.scalar }
    }
    /// Whether the file holds the Fleet manifest.
    public var hasFleetManifest: Bool { documents.contains { $0["kind"]?.scalar == "Fleet" } }
    private var scalars: [Unicode.Scalar]
    private var documents: [YAMLNode] = []

    /// Parses `text`; a YAML error is an error (fix the file with `fleet validate --worktree` first).
    public init(text: String, file: String) throws(SecretEditError) {
        self.text = text
        self.file = file
        scalars = Array(text.unicodeScalars)
        try reparse()
    }

    private mutating func reparse() throws(SecretEditError) {
        documents = try SecretEditError.documents(of: text, file: file)
        var found: [SecretSite] = []
        func site(_ bot: String, _ field: String, _ node: YAMLNode) -> SecretSite? {
            guard let value = node.scalar, !node.isNull else { return nil }
            let (start, end) = valueRange(node)
            return SecretSite(bot: bot, field: field, value: value, line: node.start.line, column: node.start.column,
                              start: start, end: end, singleQuoted: node.scalarStyle == .singleQuoted)
        }
        for document in documents {
            let scope: String
            switch document["kind"]?.scalar {
            case "Bot":
                guard let name = document["metadata"]?["name"]?.scalar else { continue }
                scope = name
            case "Fleet": scope = SecretEnvelope.fleetScope
            default: continue
            }
            for pair in document["spec"]?["providers"]?.mapping ?? [] {
                guard let id = pair.key.scalar, let key = pair.value["apiKey"],
                      let apiKey = site(scope, "providers.\(id).apiKey", key) else { continue }
                found.append(apiKey)
            }
            guard scope != SecretEnvelope.fleetScope else { continue }
            let bot = scope
            for channel in document["spec"]?["channels"]?.sequence ?? [] {
                guard let type = channel["type"]?.scalar else { continue }
                let account = channel["accountId"]?.scalar ?? "default"
                for pair in channel["credentials"]?.mapping ?? [] {
                    guard let key = pair.key.scalar, let value = pair.value.scalar, !pair.value.isNull else { continue }
                    let (start, end) = valueRange(pair.value)
                    found.append(SecretSite(
                        bot: bot, field: "channels.\(type).\(account).\(key)", value: value,
                        line: pair.value.start.line, column: pair.value.start.column, start: start, end: end,
                        singleQuoted: pair.value.scalarStyle == .singleQuoted))
                }
            }
        }
        // A scalar shared through an anchor or merge key by two fields cannot be bound to both.
        var owner: [Int: SecretSite] = [:]
        for site in found {
            if let other = owner[site.start], other.bot != site.bot || other.field != site.field {
                throw SecretEditError(
                    "\(file):\(site.line): the value at this line is shared through a YAML anchor by \(other.bot) \(other.field) and \(site.bot) \(site.field)",
                    fix: "write each credential as its own value (an encrypted value is bound to one bot and field)")
            }
            owner[site.start] = site
        }
        var unique = Set<Int>()
        sites = found.filter { unique.insert($0.start).inserted }.sorted { $0.start < $1.start }
    }

    /// The range of a value node's own text: after `&anchor` / `!tag`, before trailing space.
    private func valueRange(_ node: YAMLNode) -> (Int, Int) { YAMLTextEdit.valueRange(node, in: scalars) }

    /// A YAML double-quoted (or single-quoted) scalar for `value`.
    static func quoted(_ value: String, single: Bool) -> String {
        if single && !value.contains(where: { $0.isNewline }) {
            return "'" + value.replacing("'", with: "''") + "'"
        }
        return YAMLQuoting.doubleQuoted(value)
    }

    /// Replaces the values of `changes` (site, new value), keeping everything else.
    public mutating func replace(_ changes: [(SecretSite, String)]) throws(SecretEditError) {
        var result = scalars
        for (site, value) in changes.sorted(by: { $0.0.start > $1.0.start }) {
            result.replaceSubrange(site.start..<site.end, with: Self.quoted(value, single: site.singleQuoted).unicodeScalars)
        }
        try setText(String(String.UnicodeScalarView(result)))
    }

    private mutating func setText(_ new: String) throws(SecretEditError) {
        text = new
        scalars = Array(new.unicodeScalars)
        try reparse()
    }

    /// Sets `field` of `bot` to `value` (already sealed): replaces the value, or adds the key
    /// (and the `credentials` mapping) to the channel, which must exist. For `providers.<id>.apiKey`
    /// it adds what is missing of `spec.providers.<id>.apiKey`; `bot` ``SecretEnvelope/fleetScope``
    /// means the Fleet manifest.
    public mutating func set(bot: String, field: String, value: String) throws(SecretEditError) {
        if let site = sites.first(where: { $0.bot == bot && $0.field == field }) {
            try replace([(site, value)])
            return
        }
        let parts = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3, parts[0] == "providers", parts[2] == "apiKey" {
            try setProviderKey(scope: bot, provider: parts[1], value: value)
            return
        }
        guard parts.count == 4, parts[0] == "channels" else {
            throw SecretEditError("'\(field)' is not a credential path", fix: "write channels.<type>.<accountId>.<key>, e.g. channels.telegram.default.botToken")
        }
        let (type, account, key) = (parts[1], parts[2], parts[3])
        guard let document = documents.first(where: { $0["kind"]?.scalar == "Bot" && $0["metadata"]?["name"]?.scalar == bot }) else {
            throw SecretEditError("\(file) has no Bot manifest named '\(bot)'")
        }
        guard let channel = (document["spec"]?["channels"]?.sequence ?? []).first(where: {
            $0["type"]?.scalar == type && ($0["accountId"]?.scalar ?? "default") == account
        }), channel.mapping != nil else {
            throw SecretEditError("bot '\(bot)' has no \(type) channel with accountId '\(account)' in \(file)",
                                  fix: "add the channel to spec.channels first, then run this again")
        }
        let entry = "\(key): \(Self.quoted(value, single: false))"
        if let credentials = channel["credentials"], credentials.mapping != nil {
            try insert(entry, into: credentials)
        } else if channel["credentials"] != nil {
            throw SecretEditError("credentials of bot '\(bot)' (\(type)/\(account)) is not a mapping", fix: "write credentials: {\(key): ...}")
        } else {
            try insert("credentials: {\(entry)}", into: channel)
        }
    }

    private mutating func setProviderKey(scope: String, provider id: String, value: String) throws(SecretEditError) {
        let isFleet = scope == SecretEnvelope.fleetScope
        guard let document = documents.first(where: {
            isFleet ? $0["kind"]?.scalar == "Fleet" : $0["kind"]?.scalar == "Bot" && $0["metadata"]?["name"]?.scalar == scope
        }) else {
            throw SecretEditError(isFleet ? "\(file) has no Fleet manifest" : "\(file) has no Bot manifest named '\(scope)'")
        }
        guard let spec = document["spec"], spec.mapping != nil, !(spec.mapping ?? []).isEmpty else {
            throw SecretEditError("the manifest in \(file) has no spec mapping to add providers to", fix: "add spec: first")
        }
        let quoted = Self.quoted(value, single: false)
        guard let providers = spec["providers"] else {
            try insert("providers: {\(id): {apiKey: \(quoted)}}", into: spec)
            return
        }
        guard providers.mapping != nil else {
            throw SecretEditError("spec.providers in \(file) is not a mapping", fix: "write providers: {\(id): {apiKey: ...}}")
        }
        guard let entry = providers[id] else {
            try insert("\(id): {apiKey: \(quoted)}", into: providers)
            return
        }
        guard entry.mapping != nil else {
            throw SecretEditError("spec.providers.\(id) in \(file) is not a mapping", fix: "write \(id): {apiKey: ...}")
        }
        try insert("apiKey: \(quoted)", into: entry)
    }

    /// Inserts `entry` (`key: value`) as the first pair of a mapping node, flow or block.
    private mutating func insert(_ entry: String, into mapping: YAMLNode) throws(SecretEditError) {
        guard let result = YAMLTextEdit.inserting(entry, into: mapping, in: scalars) else {
            throw SecretEditError("cannot add a key to the empty mapping at \(file):\(mapping.start.line)", fix: "write the key by hand")
        }
        try setText(String(String.UnicodeScalarView(result)))
    }
}

/// Reading and writing manifest files on disk for the `fleet secrets` commands.
public enum SecretFiles {
    /// Every `*.yaml`/`*.yml` under `directory`, sorted (symlinks are not followed).
    public static func manifests(under directory: String) -> [String] {
        var out: [String] = []
        for name in DirectoryWalk.relativePaths(under: directory) {
            guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
            let path = directory + "/" + name
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG { out.append(path) }
        }
        return out.sorted()
    }

    /// Reads a text file.
    public static func read(_ path: String) throws(SecretEditError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretEditError("cannot read '\(path)'", fix: "check the path")
        }
        guard let text = String(validating: [UInt8](data), as: UTF8.self) else {
            throw SecretEditError("'\(path)' is not UTF-8 text")
        }
        return text
    }

    /// Replaces a file atomically (temporary file in the same directory, then rename), keeping its mode.
    public static func write(_ text: String, to path: String) throws(SecretEditError) {
        var info = stat()
        let mode = stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
        let temp = path + ".fleet-tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, mode_t(mode))
        guard fd >= 0 else { throw SecretEditError("cannot write '\(temp)': \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                close(fd)
                unlink(temp)
                throw SecretEditError("cannot write '\(temp)': \(String(cString: strerror(errno)))")
            }
            written += n
        }
        fchmod(fd, mode_t(mode))
        fsync(fd)
        close(fd)
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw SecretEditError("cannot replace '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}
