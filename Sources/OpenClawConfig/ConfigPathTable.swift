/// OpenClaw's config paths with their types, used to validate configs as strictly as the real
/// gateway's schema does (unknown keys are errors).
///
/// Paths use `*` for any record key or array index, as in OpenClaw's `config-paths.tsv`.
/// ``openClaw`` carries the subset fleet needs (see `scripts/gen-config-paths.py`); subtrees
/// left out are kept as their parent row, which then accepts anything below it.
public struct ConfigPathTable: Sendable {
    struct Node: Sendable {
        var type: ConfigPathType = .any
        var children: [String: Node] = [:]

        /// A leaf whose type allows members: accepts anything below it.
        var isFreeForm: Bool { children.isEmpty && type.allowsChildren }
    }

    let root: Node

    /// The table generated from OpenClaw's config-path baseline.
    public static let openClaw = ConfigPathTable(rows: openClawRows)

    /// Builds a table from `(path, type)` pairs, e.g. `("gateway.port", "integer")`.
    public init(entries: [(path: String, type: String)]) {
        var root = Node(type: ConfigPathType("object"))
        for entry in entries {
            let segments = entry.path.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            Self.insert(segments[...], type: ConfigPathType(entry.type), into: &root)
        }
        self.root = root
    }

    /// Builds a table from lines of `path type` (type may be missing = any).
    init(rows: String) {
        var entries: [(path: String, type: String)] = []
        // Byte-level splitting: this runs at every gateway start-up, so it avoids grapheme breaking.
        for line in rows.utf8.split(separator: UInt8(ascii: "\n")) {
            if let space = line.firstIndex(of: UInt8(ascii: " ")) {
                entries.append((String(decoding: line[..<space], as: UTF8.self),
                                String(decoding: line[line.index(after: space)...], as: UTF8.self)))
            } else {
                entries.append((String(decoding: line, as: UTF8.self), ""))
            }
        }
        self.init(entries: entries)
    }

    private static func insert(_ segments: ArraySlice<String>, type: ConfigPathType, into node: inout Node) {
        guard let first = segments.first else {
            node.type = type
            return
        }
        // Mutate in place (no copy of the subtree per insert).
        insert(segments.dropFirst(), type: type, into: &node.children[first, default: Node()])
    }

    /// The type of `path` (segments, e.g. `["channels", "telegram", "accounts", "work", "botToken"]`).
    ///
    /// Literal segments are matched first, then `*`. A path below a free-form entry (an object
    /// or untyped entry without listed children) has type ``ConfigPathType/any``. Unknown paths
    /// give `nil`.
    public func type(of path: [String]) -> ConfigPathType? {
        Self.lookup(path[...], in: root)?.type
    }

    private static func lookup(_ path: ArraySlice<String>, in node: Node) -> Node? {
        guard let first = path.first else { return node }
        if node.isFreeForm { return Node() }
        if let child = node.children[first], let found = lookup(path.dropFirst(), in: child) {
            return found
        }
        if first != "*", let wildcard = node.children["*"] {
            return lookup(path.dropFirst(), in: wildcard)
        }
        return nil
    }
}
