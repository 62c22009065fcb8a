import FleetYAML

/// Checks a YAML node against a ``Schema``: reads each scalar as the type its field expects,
/// and collects every problem (it never stops at the first).
struct SchemaChecker {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at mark: YAMLMark, fix: String? = nil) {
        diagnostics.append(Diagnostic(code, message, at: SourceLocation(file: file, mark: mark), fix: fix))
    }

    /// Returns the typed node, or nil where the value is unusable (a diagnostic says why).
    mutating func check(_ node: YAMLNode, against schema: Schema, path: String) -> TypedNode? {
        switch schema {
        case .string(let rule): return checkString(node, rule, path)
        case .integer(let min, let max): return checkInteger(node, min, max, path)
        case .boolean: return checkBoolean(node, path)
        case .object(let object): return checkObject(node, object, path)
        case .array(let element):
            if node.isNull { return TypedNode(.array([]), at: node.start) }
            guard let items = node.sequence else {
                let fix = node.scalar.map { "write it as a list: [\(Self.quoted($0))]" }
                report(.wrongType, "\(path) must be a list, found \(node.kindDescription)", at: node.start, fix: fix)
                return nil
            }
            var typed: [TypedNode] = []
            for (i, item) in items.enumerated() {
                if let t = check(item, against: element, path: "\(path)[\(i)]") { typed.append(t) }
            }
            return TypedNode(.array(typed), at: node.start)
        case .map(let valueSchema):
            if node.isNull { return TypedNode(.object([]), at: node.start) }
            guard let pairs = node.mapping else {
                report(.wrongType, "\(path) must be a mapping, found \(node.kindDescription)", at: node.start)
                return nil
            }
            var members: [TypedMember] = []
            for pair in pairs {
                guard let key = pair.key.scalar else {
                    report(.wrongType, "keys of \(path) must be strings", at: pair.key.start)
                    continue
                }
                if let t = check(pair.value, against: valueSchema, path: Self.join(path, key)) {
                    members.append(TypedMember(key: key, keyMark: pair.key.start, value: t))
                }
            }
            return TypedNode(.object(members), at: node.start)
        case .oneOf(let options):
            for option in options {
                var trial = SchemaChecker(file: file)
                if let t = trial.check(node, against: option, path: path), !trial.diagnostics.hasErrors { return t }
            }
            // A plain whole number that only misses an integer option's bounds is out of range
            // (E025, naming the bounds), not of the wrong type.
            if let text = node.scalar, node.scalarStyle == .plain, Int(text) != nil,
               let integer = options.first(where: { if case .integer = $0 { return true } else { return false } }) {
                return check(node, against: integer, path: path)
            }
            let shown = node.scalar.map { "'\($0)'" } ?? node.kindDescription
            var fix: String?
            if let text = node.scalar, node.scalarStyle != .plain, Int(text) != nil { fix = "remove the quotes: \(text)" }
            report(.wrongType, "\(path) must be \(Self.describe(options)), found \(shown)", at: node.start, fix: fix)
            return nil
        case .any:
            return Self.inferred(node)
        }
    }

    private mutating func scalarText(_ node: YAMLNode, _ path: String, expected: @autoclosure () -> String) -> String? {
        guard let text = node.scalar, !node.isNull else {
            report(.wrongType, "\(path) must be \(expected()), found \(node.kindDescription)", at: node.start)
            return nil
        }
        return text
    }

    private mutating func checkString(_ node: YAMLNode, _ rule: StringRule, _ path: String) -> TypedNode? {
        guard let text = scalarText(node, path, expected: rule.allowed == nil ? "a string" : "one of \(Self.list(rule.allowed ?? []))") else { return nil }
        if let allowed = rule.allowed, !allowed.contains(text) {
            let fix: String
            if let alias = rule.aliases[text.lowercased()] {
                fix = "use '\(alias)' (OpenClaw's word for '\(text)')"
            } else if let close = Suggestion.closest(to: text, in: allowed) {
                fix = "did you mean '\(close)'?"
            } else {
                fix = "use one of \(Self.list(allowed))"
            }
            report(.invalidEnum, "'\(text)' is not a valid value for \(path); allowed: \(allowed.joined(separator: ", "))", at: node.start, fix: fix)
            return nil
        }
        if let max = rule.maxLength, text.count > max {
            report(.invalidFormat, "\(path) is \(text.count) characters long; at most \(max) are allowed", at: node.start)
            return nil
        }
        if let format = rule.format, !format.matches(text) {
            var fix = "use \(format.explanation)"
            if format == .slug {
                let slug = Suggestion.slug(from: text)
                if !slug.isEmpty && slug != text { fix = "use '\(slug)' (\(format.explanation))" }
            }
            report(.invalidFormat, "'\(text)' is not a valid \(path): it must be \(format.explanation)", at: node.start, fix: fix)
            return nil
        }
        return TypedNode(.string(text), at: node.start)
    }

    private mutating func checkInteger(_ node: YAMLNode, _ min: Int?, _ max: Int?, _ path: String) -> TypedNode? {
        guard let text = scalarText(node, path, expected: "an integer") else { return nil }
        guard let value = Int(text) else {
            report(.wrongType, "\(path) must be an integer, found '\(text)'", at: node.start)
            return nil
        }
        if node.scalarStyle != .plain {
            report(.wrongType, "\(path) must be an integer, found the quoted string \"\(text)\"", at: node.start,
                   fix: "remove the quotes: \(text)")
            return nil
        }
        if let min, value < min {
            report(.outOfRange, "\(path) is \(value); it must be at least \(min)", at: node.start)
            return nil
        }
        if let max, value > max {
            report(.outOfRange, "\(path) is \(value); it must be at most \(max)", at: node.start)
            return nil
        }
        return TypedNode(.int(value), at: node.start)
    }

    private mutating func checkBoolean(_ node: YAMLNode, _ path: String) -> TypedNode? {
        guard let text = scalarText(node, path, expected: "true or false") else { return nil }
        let plain = node.scalarStyle == .plain
        if plain, ["true", "True", "TRUE"].contains(text) { return TypedNode(.bool(true), at: node.start) }
        if plain, ["false", "False", "FALSE"].contains(text) { return TypedNode(.bool(false), at: node.start) }
        do {
            let lower = text.lowercased()
            let guess = ["yes", "on", "y", "true", "1"].contains(lower) ? "true"
                : ["no", "off", "n", "false", "0"].contains(lower) ? "false" : nil
            report(.wrongType, "\(path) must be true or false, found '\(text)'", at: node.start,
                   fix: guess.map { "write \($0)" } ?? "write true or false")
            return nil
        }
    }

    private mutating func checkObject(_ node: YAMLNode, _ object: ObjectSchema, _ path: String) -> TypedNode? {
        let pairs: [YAMLPair]
        if node.isNull {
            pairs = []
        } else if let p = node.mapping {
            pairs = p
        } else {
            report(.wrongType, "\(path) must be a mapping, found \(node.kindDescription)", at: node.start)
            return nil
        }
        var members: [TypedMember] = []
        for pair in pairs {
            guard let key = pair.key.scalar else {
                report(.wrongType, "keys of \(path) must be strings", at: pair.key.start)
                continue
            }
            guard let field = object.field(key) else {
                let names = object.fields.map(\.name)
                let fix = Suggestion.closest(to: key, in: names).map { "did you mean '\($0)'?" }
                    ?? "known fields: \(names.joined(separator: ", "))"
                report(.unknownField, "unknown field '\(key)' in \(Self.name(path))", at: pair.key.start, fix: fix)
                continue
            }
            if pair.value.isNull, field.schema.isScalar {
                if field.required {
                    report(.missingField, "\(path).\(key) is empty; it is required", at: pair.value.start)
                }
                continue
            }
            if let t = check(pair.value, against: field.schema, path: Self.join(path, key)) {
                members.append(TypedMember(key: key, keyMark: pair.key.start, value: t))
            }
        }
        for field in object.fields where field.required && !pairs.contains(where: { $0.key.scalar == field.name }) {
            report(.missingField, "missing required field '\(field.name)' in \(Self.name(path))", at: node.start,
                   fix: "add '\(field.name):' (\(field.description))")
        }
        return TypedNode(.object(members), at: node.start)
    }

    /// Reads a node with no schema by YAML's core rules (for raw OpenClaw keys).
    static func inferred(_ node: YAMLNode) -> TypedNode {
        switch node.content {
        case .sequence(let items):
            return TypedNode(.array(items.map(inferred)), at: node.start)
        case .mapping(let pairs):
            return TypedNode(.object(pairs.map {
                TypedMember(key: $0.key.scalar ?? "", keyMark: $0.key.start, value: inferred($0.value))
            }), at: node.start)
        case .scalar(let text, let style):
            guard style == .plain, node.tag == nil else { return TypedNode(.string(text), at: node.start) }
            if node.isNull { return TypedNode(.null, at: node.start) }
            switch text {
            case "true", "True", "TRUE": return TypedNode(.bool(true), at: node.start)
            case "false", "False", "FALSE": return TypedNode(.bool(false), at: node.start)
            default: break
            }
            let isDecimal = text.first.map { $0.isNumber || $0 == "-" || $0 == "+" } ?? false
            if isDecimal, !(text.count > 1 && text.hasPrefix("0") && !text.hasPrefix("0.")) {
                if let i = Int(text) { return TypedNode(.int(i), at: node.start) }
                if let d = Double(text), d.isFinite { return TypedNode(.double(d), at: node.start) }
            }
            return TypedNode(.string(text), at: node.start)
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func name(_ path: String) -> String { path.isEmpty ? "the manifest" : path }

    static func quoted(_ s: String) -> String {
        s.contains(where: { " :#,[]{}\"'".contains($0) }) ? "\"\(s)\"" : s
    }

    static func list(_ values: [String]) -> String { values.map { "'\($0)'" }.joined(separator: ", ") }

    static func describe(_ options: [Schema]) -> String {
        options.map { option -> String in
            switch option {
            case .string(let rule) where rule.allowed != nil: return list(rule.allowed ?? [])
            case .integer(let min?, let max?): return "an integer from \(min) to \(max)"
            default: return option.noun
            }
        }.joined(separator: " or ")
    }
}

extension Schema {
    /// Scalars: an empty value counts as absent.
    var isScalar: Bool {
        switch self {
        case .string, .integer, .boolean, .oneOf: return true
        default: return false
        }
    }
}
