/// A label selector in the Kubernetes style: requirements joined by commas, all of which must hold.
///
/// `k=v` and `k==v` (the label is v), `k!=v` (absent or not v), `k in (a,b)` (one of them),
/// `k notin (a,b)` (absent or none of them), `k` (present), `!k` (absent). An empty selector
/// matches every set of labels.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    /// How a requirement compares a label.
    public enum Operator: String, Sendable, Hashable {
        /// `k=v`, `k==v`.
        case equals = "="
        /// `k!=v`.
        case notEquals = "!="
        /// `k in (a,b)`.
        case `in` = "in"
        /// `k notin (a,b)`.
        case notIn = "notin"
        /// `k`.
        case exists = ""
        /// `!k`.
        case doesNotExist = "!"
    }

    /// One condition on one label.
    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        /// The label key.
        public var key: String
        /// The comparison.
        public var op: Operator
        /// The values compared with (one for `=` and `!=`, none for `exists`/`doesNotExist`).
        public var values: [String]

        /// Creates a requirement.
        public init(key: String, op: Operator, values: [String] = []) {
            self.key = key
            self.op = op
            self.values = values
        }

        /// Whether `labels` satisfy the requirement.
        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .equals, .in: return value.map(values.contains) ?? false
            case .notEquals, .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            }
        }

        /// The requirement in canonical form (`k=v`, `k in (a,b)`, `!k`).
        public var description: String {
            switch op {
            case .equals, .notEquals: return key + op.rawValue + (values.first ?? "")
            case .in, .notIn: return "\(key) \(op.rawValue) (\(values.joined(separator: ",")))"
            case .exists: return key
            case .doesNotExist: return "!" + key
            }
        }
    }

    /// The requirements; all must hold.
    public var requirements: [Requirement]

    /// A selector of `requirements` (none: matches everything).
    public init(_ requirements: [Requirement] = []) {
        self.requirements = requirements
    }

    /// Parses `text`, e.g. `host=edge-1,tier in (a,b),!canary`.
    public init(parsing text: String) throws(LabelSelectorError) {
        var parser = LabelSelectorParser(text)
        requirements = try parser.parse()
    }

    /// Whether every requirement holds for `labels`.
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// Whether the selector matches everything.
    public var isEmpty: Bool { requirements.isEmpty }

    /// The selector in canonical form.
    public var description: String { requirements.map(\.description).joined(separator: ",") }
}

/// A selector that does not parse: where, and what was expected.
public struct LabelSelectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The selector text.
    public var text: String
    /// The column (1-based, in characters) of the problem.
    public var column: Int
    /// What is wrong, e.g. "expected ')' or ',' after the value 'b', found the end".
    public var message: String

    /// Creates an error.
    public init(text: String, column: Int, message: String) {
        self.text = text
        self.column = column
        self.message = message
    }

    /// One line: `invalid selector 'k in (a': column 9: expected ...`.
    public var description: String { "invalid selector '\(text)': column \(column): \(message)" }

    /// The selector and a caret under the column, for terminals.
    public var pointer: String {
        "  \(text)\n  \(String(repeating: " ", count: max(0, column - 1)))^"
    }
}
