import FleetYAML

/// Edits of a YAML text that keep everything else byte for byte (comments, anchors, quoting,
/// layout): the one way fleet changes a manifest someone wrote, shared by `fleet secrets set`
/// (``SecretFileEditor``) and the web console's forms (``ManifestEditor``).
enum YAMLTextEdit {
    /// The range of a value node's own text: after `&anchor` / `!tag`, before trailing space.
    static func valueRange(_ node: YAMLNode, in scalars: [Unicode.Scalar]) -> (Int, Int) {
        var start = max(0, min(node.start.offset, scalars.count))
        var end = max(start, min(node.end.offset, scalars.count))
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }
        while start < end, scalars[start] == "&" || scalars[start] == "!" {
            while start < end, !isSpace(scalars[start]) { start += 1 }
            while start < end, isSpace(scalars[start]) { start += 1 }
        }
        while end > start, isSpace(scalars[end - 1]) { end -= 1 }
        return (start, end)
    }

    /// Whether `node` is written in flow style (`{...}` or `[...]`).
    static func isFlow(_ node: YAMLNode, in scalars: [Unicode.Scalar]) -> Bool {
        let (start, _) = valueRange(node, in: scalars)
        return start < scalars.count && (scalars[start] == "{" || scalars[start] == "[")
    }

    /// `scalars` with `entry` (`key: value`) inserted as the first pair of a mapping node, flow or
    /// block; nil for an empty block mapping (which YAML cannot write).
    static func inserting(_ entry: String, into mapping: YAMLNode, in scalars: [Unicode.Scalar]) -> [Unicode.Scalar]? {
        var result = scalars
        let pairs = mapping.mapping ?? []
        let (start, _) = valueRange(mapping, in: scalars)
        if start < scalars.count, scalars[start] == "{" {
            let text = pairs.isEmpty ? entry : entry + ", "
            result.insert(contentsOf: text.unicodeScalars, at: start + 1)
        } else if let first = pairs.first {
            let column = first.key.start.column
            let text = entry + "\n" + String(repeating: " ", count: max(0, column - 1))
            result.insert(contentsOf: text.unicodeScalars, at: min(first.key.start.offset, scalars.count))
        } else {
            return nil
        }
        return result
    }
}

/// A value the web console's forms write into a manifest.
public enum ManifestValue: Sendable, Hashable {
    /// A string (quoted when needed; several lines as a literal block where the place allows).
    case string(String)
    /// true or false.
    case bool(Bool)
    /// A number.
    case int(Int)
    /// A list of strings, written in flow style.
    case strings([String])

    /// The value's text at a place with `indent` (for blocks), in flow context or not.
    func text(indent: Int, flow: Bool) -> String {
        switch self {
        case .string(let s): return flow || !s.contains("\n") ? YAMLText.quote(s) : NewBot.text(s, indent: indent)
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .strings(let items): return "[" + items.map(YAMLText.quote).joined(separator: ", ") + "]"
        }
    }
}

/// Sets fields of one Bot manifest in a file's text in place, keeping the rest of the file as it
/// was: the web console's edit forms. (A new bot's file comes from ``NewBot/manifest``, its
/// credentials from ``SecretFileEditor``, so a manifest is written one way whoever writes it.)
public struct ManifestEditor: Sendable {
    /// The text.
    public private(set) var text: String
    /// The file's name, for messages.
    public let file: String
    private var scalars: [Unicode.Scalar]
    private var documents: [YAMLNode] = []

    /// Parses `text`; a YAML error is an error.
    public init(text: String, file: String) throws(SecretEditError) {
        self.text = text
        self.file = file
        scalars = Array(text.unicodeScalars)
        try reparse()
    }

    private mutating func reparse() throws(SecretEditError) {
        documents = try SecretEditError.documents(of: text, file: file)
    }

    /// The names of the Bot manifests in the file.
    public var botNames: [String] {
        documents.filter { $0["kind"]?.scalar == "Bot" }.compactMap { $0["metadata"]?["name"]?.scalar }
    }

    /// The value at `path` (keys; list indexes as numbers) of bot `bot`, nil when absent.
    public func node(bot: String, path: [String]) -> YAMLNode? {
        var node = documents.first { $0["kind"]?.scalar == "Bot" && $0["metadata"]?["name"]?.scalar == bot }
        for component in path {
            if let items = node?.sequence, let i = Int(component) {
                node = items.indices.contains(i) ? items[i] : nil
            } else {
                node = node?[component]
            }
        }
        return node
    }

    /// Sets `path` of bot `bot` to `value`: replaces the value that is there, or adds the key (and
    /// the mappings on the way that are missing) to the nearest mapping that exists.
    public mutating func set(bot: String, path: [String], value: ManifestValue) throws(SecretEditError) {
        guard !path.isEmpty, let document = documents.first(where: { $0["kind"]?.scalar == "Bot" && $0["metadata"]?["name"]?.scalar == bot }) else {
            throw SecretEditError("\(file) has no Bot manifest named '\(bot)'")
        }
        var node = document
        var flow = false
        for (depth, component) in path.enumerated() {
            flow = flow || YAMLTextEdit.isFlow(node, in: scalars)
            if let items = node.sequence {
                guard let i = Int(component), items.indices.contains(i) else {
                    throw SecretEditError("\(file): \(path.prefix(depth).joined(separator: ".")) has no item \(component)")
                }
                node = items[i]
                continue
            }
            guard node.mapping != nil else {
                throw SecretEditError("\(file): \(path.prefix(depth).joined(separator: ".")) of bot '\(bot)' is not a mapping", fix: "edit it in the YAML tab")
            }
            if let pair = node.mapping?.first(where: { $0.key.scalar == component }) {
                if depth == path.count - 1 {
                    let (start, end) = YAMLTextEdit.valueRange(pair.value, in: scalars)
                    let indent = max(0, pair.key.start.column - 1) + 2
                    var result = scalars
                    result.replaceSubrange(start..<end, with: value.text(indent: indent, flow: flow).unicodeScalars)
                    try setText(result)
                    return
                }
                node = pair.value
                continue
            }
            // Missing from here on: one entry holding the rest of the path.
            var entry = value.text(indent: 0, flow: true)
            for key in path[(depth + 1)...].reversed() { entry = "{\(YAMLText.quote(key)): \(entry)}" }
            let inFlow = flow || YAMLTextEdit.isFlow(node, in: scalars)
            if depth == path.count - 1, !inFlow, let column = node.mapping?.first?.key.start.column {
                entry = value.text(indent: column - 1 + 2, flow: false)
            }
            guard let result = YAMLTextEdit.inserting("\(YAMLText.quote(component)): \(entry)", into: node, in: scalars) else {
                throw SecretEditError("cannot add \(component) to the empty mapping at \(file):\(node.start.line)", fix: "edit it in the YAML tab")
            }
            try setText(result)
            return
        }
    }

    private mutating func setText(_ new: [Unicode.Scalar]) throws(SecretEditError) {
        scalars = new
        text = String(String.UnicodeScalarView(new))
        try reparse()
    }
}
