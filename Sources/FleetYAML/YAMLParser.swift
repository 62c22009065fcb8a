import CYAML

/// Reads YAML text into ``YAMLNode`` trees through libyaml's event parser.
///
/// Every node carries its start and end mark. Duplicate keys are reported as problems,
/// aliases are expanded under a node budget (so a "billion laughs" document fails fast),
/// nesting is bounded, and `<<` merge keys are applied. Scalars are left as text: the
/// manifest decoder reads each one as the type its field expects.
public enum YAMLParser {
    /// Parses every document of `text`.
    ///
    /// - Throws: ``YAMLError`` for text that is not YAML or that breaks a limit.
    public static func parse(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLParseResult {
        let reader = LibYAMLEventReader(text: text)
        var builder = TreeBuilder(limits: limits)
        while true {
            let done: Bool
            do {
                done = try reader.next { event throws(YAMLError) in try builder.handle(event) }
            } catch {
                throw error.refined(in: text)
            }
            if done { break }
        }
        return YAMLParseResult(documents: builder.documents, problems: builder.problems)
    }
}

extension YAMLMark {
    init(_ mark: yaml_mark_t) {
        self.init(line: Int(mark.line) + 1, column: Int(mark.column) + 1, offset: Int(mark.index))
    }
}

extension YAMLError {
    /// Turns libyaml's terse tab complaints into a message that says what to do.
    func refined(in text: String) -> YAMLError {
        guard code == .syntax else { return self }
        let scalars = text.unicodeScalars
        guard mark.offset >= 0, mark.offset < scalars.count else { return self }
        let index = scalars.index(scalars.startIndex, offsetBy: mark.offset)
        let lineStart = scalars[..<index].lastIndex(of: "\n").map { scalars.index(after: $0) } ?? scalars.startIndex
        let lineEnd = scalars[index...].firstIndex(of: "\n") ?? scalars.endIndex
        guard let tab = scalars[lineStart..<lineEnd].firstIndex(of: "\t") else { return self }
        let column = scalars.distance(from: lineStart, to: tab) + 1
        let offset = scalars.distance(from: scalars.startIndex, to: tab)
        return YAMLError(
            code: .tab, message: "tab character in indentation; YAML allows only spaces here",
            mark: YAMLMark(line: mark.line, column: column, offset: offset),
            fix: "replace the tab with spaces")
    }
}
