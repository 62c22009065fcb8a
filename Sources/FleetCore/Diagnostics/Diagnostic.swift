import FleetYAML

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Codable, Comparable {
    case warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
}

/// A place in a manifest file.
public struct SourceLocation: Sendable, Hashable, Codable {
    /// The path of the file, relative to the repository root.
    public var file: String
    /// 1-based line, 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column, 0 when the problem concerns the whole file.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location at a YAML mark of `file`.
    public init(file: String, mark: YAMLMark) {
        self.init(file: file, line: mark.line, column: mark.column)
    }
}

/// One problem found in the manifests: a stable code, where, what, and how to fix it.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// The stable code, such as `E020`.
    public var code: DiagnosticCode
    /// Error or warning.
    public var severity: Severity
    /// Where the problem is (nil for problems with no file, such as a missing path).
    public var location: SourceLocation?
    /// What is wrong, in words.
    public var message: String
    /// How to fix it, when there is one way.
    public var fix: String?
    /// The bot the problem concerns, when there is one.
    public var bot: String?

    /// Creates a diagnostic; the severity defaults to the code's.
    public init(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?, fix: String? = nil,
        bot: String? = nil, severity: Severity? = nil
    ) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.location = location
        self.message = message
        self.fix = fix
        self.bot = bot
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line, column, then code, so output is stable.
    public func sortedByLocation() -> [Diagnostic] {
        sorted { a, b in
            let la = a.location ?? SourceLocation(file: "")
            let lb = b.location ?? SourceLocation(file: "")
            if la.file != lb.file { return la.file < lb.file }
            if la.line != lb.line { return la.line < lb.line }
            if la.column != lb.column { return la.column < lb.column }
            return a.code.rawValue < b.code.rawValue
        }
    }
}
