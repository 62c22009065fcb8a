/// A position in a YAML text: 1-based line and column (in characters) and the 0-based
/// character offset from the start of the text.
public struct YAMLMark: Sendable, Hashable, Comparable {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, counted in Unicode scalars as libyaml counts them.
    public var column: Int
    /// 0-based offset in Unicode scalars from the start of the text.
    public var offset: Int

    /// Creates a mark.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (lhs: YAMLMark, rhs: YAMLMark) -> Bool { lhs.offset < rhs.offset }
}

/// How a scalar was written in the source.
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// One node of a parsed YAML document, with where it starts and ends in the text.
///
/// Aliases are already expanded (bounded, see ``YAMLLimits``), and `<<` merge keys applied.
public struct YAMLNode: Sendable {
    /// What the node holds.
    public enum Content: Sendable {
        /// A scalar: the text as written (after unquoting and folding) and its style.
        case scalar(String, YAMLScalarStyle)
        /// A sequence of nodes.
        case sequence([YAMLNode])
        /// A mapping, in source order.
        case mapping([YAMLPair])
    }

    /// What the node holds.
    public var content: Content
    /// Where the node starts.
    public var start: YAMLMark
    /// Where the node ends (exclusive).
    public var end: YAMLMark
    /// An explicit tag such as `!!str`, if one was written.
    public var tag: String?

    /// Creates a node.
    public init(content: Content, start: YAMLMark, end: YAMLMark, tag: String? = nil) {
        self.content = content
        self.start = start
        self.end = end
        self.tag = tag
    }

    /// The scalar text, if this node is a scalar.
    public var scalar: String? {
        if case .scalar(let s, _) = content { return s }
        return nil
    }

    /// The scalar style, if this node is a scalar.
    public var scalarStyle: YAMLScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    /// The pairs, if this node is a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The elements, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// A plain scalar that YAML reads as null (`~`, `null`, empty), with no explicit tag.
    public var isNull: Bool {
        guard tag == nil || tag == "tag:yaml.org,2002:null",
              case .scalar(let s, .plain) = content else { return false }
        return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }

    /// A short word for the node's kind, for messages: "a mapping", "a list", "a string".
    public var kindDescription: String {
        switch content {
        case .scalar: return isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// The value for `key` when this node is a mapping (first match).
    public subscript(key: String) -> YAMLNode? {
        mapping?.first(where: { $0.key.scalar == key })?.value
    }
}

/// One key/value pair of a mapping.
public struct YAMLPair: Sendable {
    /// The key node (usually a scalar).
    public var key: YAMLNode
    /// The value node.
    public var value: YAMLNode

    /// Creates a pair.
    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}
