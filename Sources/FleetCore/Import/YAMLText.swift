import OpenClawConfig

/// A small ordered YAML tree and its deterministic block-style writer, for manifests fleet
/// writes itself (`fleet import`). Strings are quoted whenever a plain scalar could be read as
/// something else (a number, a boolean, null, a YAML indicator), so reading the text back gives
/// the same values.
indirect enum YAMLText: Sendable, Equatable {
    case scalar(String)
    case sequence([YAMLText])
    case mapping([(String, YAMLText)])

    static func == (a: YAMLText, b: YAMLText) -> Bool { a.render(indent: 0) == b.render(indent: 0) }

    /// A quoted-when-needed string.
    static func string(_ s: String) -> YAMLText { .scalar(quote(s)) }
    static func bool(_ b: Bool) -> YAMLText { .scalar(b ? "true" : "false") }
    static func int(_ i: Int) -> YAMLText { .scalar(String(i)) }
    static func strings(_ items: [String]) -> YAMLText { .sequence(items.map(string)) }

    /// A JSON value as YAML, object keys sorted.
    static func json(_ value: JSONValue) -> YAMLText {
        switch value {
        case .null: return .scalar("null")
        case .bool(let b): return .bool(b)
        case .int(let i): return .scalar(String(i))
        case .double: return .scalar(value.json(pretty: false))
        case .string(let s): return .string(s)
        case .array(let items): return .sequence(items.map(json))
        case .object(let members): return .mapping(members.keys.sorted().compactMap { key in members[key].map { (key, json($0)) } })
        }
    }

    /// The text of a document whose root is a mapping.
    func document() -> String { render(indent: 0) }

    private var isEmptyCollection: Bool {
        switch self {
        case .sequence(let s): return s.isEmpty
        case .mapping(let m): return m.isEmpty
        case .scalar: return false
        }
    }

    private func inline() -> String? {
        switch self {
        case .scalar(let s): return s
        case .sequence(let items) where items.isEmpty: return "[]"
        case .mapping(let members) where members.isEmpty: return "{}"
        case .sequence(let items) where items.allSatisfy({ if case .scalar = $0 { return true } else { return false } }):
            let text = "[" + items.compactMap { $0.inline() }.joined(separator: ", ") + "]"
            return text.count <= 100 ? text : nil
        default: return nil
        }
    }

    private func render(indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = ""
        switch self {
        case .scalar(let s):
            out += pad + s + "\n"
        case .sequence(let items):
            for item in items {
                if let inline = item.inline() {
                    out += pad + "- " + inline + "\n"
                } else if case .mapping = item {
                    // "- key: value" with the following keys aligned under the first.
                    let body = item.render(indent: indent + 2)
                    out += pad + "- " + body.dropFirst(indent + 2)
                } else {
                    out += pad + "-\n" + item.render(indent: indent + 2)
                }
            }
        case .mapping(let members):
            for (key, value) in members {
                let k = Self.quoteKey(key)
                if let inline = value.inline() {
                    out += pad + k + ": " + inline + "\n"
                } else {
                    out += pad + k + ":\n" + value.render(indent: indent + 2)
                }
            }
        }
        return out
    }

    private static let plainWords: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"]

    /// `s` as a plain scalar when that reads back as the same string, else double-quoted.
    static func quote(_ s: String) -> String {
        let safe = s.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || "-_./@+".unicodeScalars.contains(c)
        }
        let first = s.unicodeScalars.first
        let looksNumeric = Double(s) != nil || Int(s) != nil || s.hasPrefix("0") || s.hasPrefix(".") || s.hasPrefix("+")
            || s.hasPrefix("-") || (first.map { ("0"..."9").contains($0) } ?? false)
        if !s.isEmpty, safe, !looksNumeric, !plainWords.contains(s.lowercased()), first != "@" {
            return s
        }
        return JSONValue.string(s).json(pretty: false)
    }

    static func quoteKey(_ key: String) -> String { quote(key) }
}
