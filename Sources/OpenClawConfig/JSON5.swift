/// A JSON5 reader (https://spec.json5.org), the format of OpenClaw's config file.
///
/// Supports comments (`//`, `/* */`), trailing commas, unquoted identifier keys, single-quoted
/// strings, hexadecimal numbers, `Infinity`/`NaN` with an optional sign, leading or trailing
/// decimal points, every JSON5 escape (including `\x`, `\u` with surrogate pairs and line
/// continuations) and Unicode whitespace. Duplicate keys keep the last value, as in JavaScript.
/// Nesting deeper than ``maxDepth`` is reported as an error rather than overflowing the stack.
public enum JSON5 {
    /// The deepest nesting of objects and arrays accepted.
    public static let maxDepth = 512

    /// Parses one JSON5 document.
    ///
    /// - Throws: ``JSON5Error`` with the 1-based line and column of the first problem.
    public static func parse(_ text: String) throws(JSON5Error) -> JSONValue {
        var parser = JSON5Parser(text)
        return try parser.parseDocument()
    }
}
