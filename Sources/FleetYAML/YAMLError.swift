/// A problem found while reading YAML, with the place it was found.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable, Hashable {
        /// The text is not valid YAML (libyaml's scanner or parser stopped).
        case syntax
        /// A tab character where YAML allows only spaces.
        case tab
        /// The same key appears twice in one mapping.
        case duplicateKey
        /// Aliases expand to more nodes than allowed (a "billion laughs" document).
        case aliasLimit
        /// Nesting deeper than allowed.
        case depthLimit
        /// An alias names an anchor that was never defined.
        case undefinedAlias
        /// The bytes are not UTF-8 text.
        case encoding
    }

    /// The kind of problem.
    public var code: Code
    /// What is wrong, in words.
    public var message: String
    /// Where it is.
    public var mark: YAMLMark
    /// A hint to fix it, when there is one.
    public var fix: String?

    /// Creates an error.
    public init(code: Code, message: String, mark: YAMLMark, fix: String? = nil) {
        self.code = code
        self.message = message
        self.mark = mark
        self.fix = fix
    }

    public var description: String { "\(mark.line):\(mark.column): \(message)" }
}

/// Limits that keep hostile documents from eating time or memory.
public struct YAMLLimits: Sendable {
    /// The most nodes a text may expand to, aliases included.
    public var maxNodes: Int
    /// The deepest nesting allowed.
    public var maxDepth: Int

    /// Creates limits.
    public init(maxNodes: Int = 200_000, maxDepth: Int = 128) {
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
    }

    /// The defaults: generous for any real manifest, far below a memory problem.
    public static let `default` = YAMLLimits()
}

/// What ``YAMLParser/parse(_:limits:)`` returns: the documents and the non-fatal problems.
public struct YAMLParseResult: Sendable {
    /// Each document's root node (a document with no content has a null scalar root).
    public var documents: [YAMLNode]
    /// Problems that did not stop parsing, such as duplicate keys.
    public var problems: [YAMLError]
}
