/// Reads the Kubernetes selector grammar:
///
///     selector    := "" | requirement ("," requirement)*
///     requirement := "!" key | key | key ("=" | "==" | "!=") value
///                  | key ("in" | "notin") "(" value ("," value)* ")"
struct LabelSelectorParser {
    private enum Token: Equatable {
        case word(String), bang, equals, doubleEquals, notEquals, open, close, comma, end

        var shown: String {
            switch self {
            case .word(let w): return "'\(w)'"
            case .bang: return "'!'"
            case .equals: return "'='"
            case .doubleEquals: return "'=='"
            case .notEquals: return "'!='"
            case .open: return "'('"
            case .close: return "')'"
            case .comma: return "','"
            case .end: return "the end"
            }
        }
    }

    private let text: String
    private let chars: [Character]
    private var tokens: [(token: Token, column: Int)] = []
    private var index = 0

    init(_ text: String) {
        self.text = text
        chars = Array(text)
    }

    mutating func parse() throws(LabelSelectorError) -> [LabelSelector.Requirement] {
        tokens = lex()
        if current.token == .end { return [] }
        var out: [LabelSelector.Requirement] = []
        while true {
            out.append(try requirement())
            switch current.token {
            case .end: return out
            case .comma:
                advance()
                if current.token == .end { throw error("expected a requirement after ','") }
            default: throw error("expected ',' or the end after '\(out[out.count - 1])'")
            }
        }
    }

    // MARK: Grammar

    private mutating func requirement() throws(LabelSelectorError) -> LabelSelector.Requirement {
        if current.token == .bang {
            advance()
            let key = try self.key(after: "'!'")
            return .init(key: key, op: .doesNotExist)
        }
        let key = try self.key(after: nil)
        switch current.token {
        case .end, .comma:
            return .init(key: key, op: .exists)
        case .equals, .doubleEquals, .notEquals:
            let op: LabelSelector.Operator = current.token == .notEquals ? .notEquals : .equals
            let shown = current.token.shown
            advance()
            let value = try self.value(after: shown, allowEmpty: true)
            return .init(key: key, op: op, values: [value])
        case .word("in"), .word("notin"):
            let op: LabelSelector.Operator = current.token == .word("in") ? .in : .notIn
            advance()
            guard current.token == .open else { throw error("expected '(' after '\(op.rawValue)'") }
            advance()
            var values = [try value(after: "'('", allowEmpty: false)]
            while current.token == .comma {
                advance()
                values.append(try value(after: "','", allowEmpty: false))
            }
            guard current.token == .close else {
                throw error("expected ',' or ')' after the value '\(values[values.count - 1])'")
            }
            advance()
            return .init(key: key, op: op, values: values)
        default:
            throw error("expected '=', '==', '!=', 'in', 'notin', ',' or the end after the key '\(key)'")
        }
    }

    private mutating func key(after: String?) throws(LabelSelectorError) -> String {
        guard case .word(let word) = current.token else {
            throw error("expected a label key" + (after.map { " after \($0)" } ?? ""))
        }
        if let problem = Self.keyProblem(word) { throw invalid("invalid label key '\(word)': \(problem)") }
        advance()
        return word
    }

    private mutating func value(after: String, allowEmpty: Bool) throws(LabelSelectorError) -> String {
        guard case .word(let word) = current.token else {
            if allowEmpty, current.token == .end || current.token == .comma { return "" }
            throw error("expected a label value after \(after)")
        }
        if let problem = Self.valueProblem(word) { throw invalid("invalid label value '\(word)': \(problem)") }
        advance()
        return word
    }

    private var current: (token: Token, column: Int) { tokens[min(index, tokens.count - 1)] }

    private mutating func advance() { index += 1 }

    private func error(_ expected: String) -> LabelSelectorError {
        LabelSelectorError(text: text, column: current.column, message: "\(expected), found \(current.token.shown)")
    }

    private func invalid(_ message: String) -> LabelSelectorError {
        LabelSelectorError(text: text, column: current.column, message: message)
    }

    // MARK: Lexing

    private func lex() -> [(token: Token, column: Int)] {
        var out: [(token: Token, column: Int)] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            switch c {
            case " ", "\t":
                i += 1
            case "!":
                if i + 1 < chars.count, chars[i + 1] == "=" {
                    out.append((.notEquals, column)); i += 2
                } else {
                    out.append((.bang, column)); i += 1
                }
            case "=":
                if i + 1 < chars.count, chars[i + 1] == "=" {
                    out.append((.doubleEquals, column)); i += 2
                } else {
                    out.append((.equals, column)); i += 1
                }
            case "(": out.append((.open, column)); i += 1
            case ")": out.append((.close, column)); i += 1
            case ",": out.append((.comma, column)); i += 1
            default:
                var word = ""
                while i < chars.count, !" \t!=(),".contains(chars[i]) {
                    word.append(chars[i])
                    i += 1
                }
                out.append((.word(word), column))
            }
        }
        out.append((.end, chars.count + 1))
        return out
    }

    // MARK: Label syntax (Kubernetes qualified names and label values)

    private static func isAlnum(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber)
    }

    /// Why `name` is not a label name (63 characters, alphanumeric ends, `-_.` inside), or nil.
    private static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "the name part is empty" }
        if name.count > 63 { return "the name part is longer than 63 characters" }
        guard let first = name.first, let last = name.last, isAlnum(first), isAlnum(last),
              name.allSatisfy({ isAlnum($0) || "-_.".contains($0) })
        else { return "use letters, digits, '-', '_' and '.', starting and ending with a letter or digit" }
        return nil
    }

    static func keyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return "a key has at most one '/' (prefix/name)" }
        if parts.count == 2 {
            let prefix = parts[0]
            let dns = prefix.split(separator: ".", omittingEmptySubsequences: false)
            if prefix.isEmpty || prefix.count > 253 || !dns.allSatisfy({ label in
                guard let f = label.first, let l = label.last else { return false }
                return label.count <= 63 && (f.isLowercase || f.isNumber) && (l.isLowercase || l.isNumber)
                    && label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
            }) {
                return "the prefix '\(prefix)' is not a DNS subdomain (lowercase letters, digits, '-' and '.')"
            }
        }
        return nameProblem(String(parts[parts.count - 1]))
    }

    static func valueProblem(_ value: String) -> String? {
        value.isEmpty ? nil : nameProblem(value).map { $0.replacing("the name part", with: "the value") }
    }
}
