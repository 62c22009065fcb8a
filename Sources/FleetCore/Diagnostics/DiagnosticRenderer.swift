import FoundationEssentials
import Glibc
import OpenClawConfig

/// Styles text for a terminal, or not at all.
public struct TextStyle: Sendable {
    /// Whether ANSI colours are used.
    public var color: Bool

    /// Creates a style.
    public init(color: Bool) { self.color = color }

    /// Plain text.
    public static let plain = TextStyle(color: false)

    func wrap(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    /// Red.
    public func red(_ s: String) -> String { wrap(s, "31") }
    /// Green.
    public func green(_ s: String) -> String { wrap(s, "32") }
    /// Yellow.
    public func yellow(_ s: String) -> String { wrap(s, "33") }
    /// Cyan.
    public func cyan(_ s: String) -> String { wrap(s, "36") }
    /// Bold.
    public func bold(_ s: String) -> String { wrap(s, "1") }
    /// Dim.
    public func dim(_ s: String) -> String { wrap(s, "2") }
}

/// Prints diagnostics the way compilers do, or as JSON.
public enum DiagnosticRenderer {
    /// Compiler-style text: `file:line:col: error[E020]: message`, the line, a caret, the fix.
    public static func human(_ diagnostics: [Diagnostic], texts: [String: String], style: TextStyle = .plain) -> String {
        var out = ""
        var lineCache: [String: [Substring]] = [:]
        for d in diagnostics {
            let severity = d.severity == .error ? style.red(style.bold("error[\(d.code.rawValue)]"))
                : style.yellow(style.bold("warning[\(d.code.rawValue)]"))
            var place = ""
            if let loc = d.location {
                place = loc.line > 0 ? "\(loc.file):\(loc.line):\(loc.column): " : "\(loc.file): "
            }
            out += "\(style.bold(place))\(severity): \(d.message)\n"
            if let loc = d.location, loc.line > 0, let text = texts[loc.file] {
                let lines = lineCache[loc.file] ?? text.split(separator: "\n", omittingEmptySubsequences: false)
                lineCache[loc.file] = lines
                if loc.line <= lines.count {
                    let source = String(lines[loc.line - 1]).replacingTabs()
                    let number = String(loc.line)
                    let gutter = String(repeating: " ", count: number.count)
                    out += " \(style.dim(number + " |")) \(source)\n"
                    let pad = String(repeating: " ", count: max(0, loc.column - 1))
                    out += " \(style.dim(gutter + " |")) \(pad)\(style.red("^"))\n"
                }
            }
            if let fix = d.fix { out += "  \(style.cyan("= fix:")) \(fix)\n" }
        }
        return out
    }

    /// The summary line: `2 errors, 1 warning`.
    public static func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        return "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    }

    /// A stable JSON array: one object per diagnostic with code, severity, file, line, column,
    /// message, fix and bot.
    public static func json(_ diagnostics: [Diagnostic]) -> JSONValue {
        .array(diagnostics.map { d in
            var o: [String: JSONValue] = [
                "code": .string(d.code.rawValue), "severity": .string(d.severity.rawValue), "message": .string(d.message),
            ]
            o["file"] = d.location.map { .string($0.file) } ?? .null
            o["line"] = .int(Int64(d.location?.line ?? 0))
            o["column"] = .int(Int64(d.location?.column ?? 0))
            o["fix"] = d.fix.map(JSONValue.string) ?? .null
            o["bot"] = d.bot.map(JSONValue.string) ?? .null
            return .object(o)
        })
    }
}

extension String {
    func replacingTabs() -> String { replacing("\t", with: " ") }
}
