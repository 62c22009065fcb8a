/// A JSON5 syntax error with the 1-based line and column where it was found.
public struct JSON5Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending character.
    public var line: Int
    /// 1-based column (in Unicode scalars) of the offending character.
    public var column: Int
    /// What is wrong, e.g. `unexpected character '}'`.
    public var message: String

    /// Creates an error at `line`, `column`.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line 3, column 7: unexpected character '}'`.
    public var description: String { "line \(line), column \(column): \(message)" }
}
