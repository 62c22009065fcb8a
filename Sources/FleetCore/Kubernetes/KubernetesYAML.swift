import FleetYAML
import OpenClawConfig

/// Writes a JSON value as block-style YAML with sorted keys, the same bytes for the same value,
/// so a GitOps controller sees no spurious diff. Multi-line strings become literal blocks (`|`);
/// strings that YAML could read as something else are double-quoted.
public enum KubernetesYAML {
    /// One YAML document (no `---`), ending in a newline.
    public static func document(_ value: JSONValue) -> String {
        var lines: [String] = []
        switch value {
        case .object(let members) where !members.isEmpty: object(members, indent: 0, into: &lines)
        case .array(let items) where !items.isEmpty: array(items, indent: 0, into: &lines)
        default: lines.append(inline(value) ?? "")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func object(_ members: [String: JSONValue], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for key in members.keys.sorted() {
            guard let value = members[key] else { continue }
            let head = pad + scalar(key) + ":"
            if let text = inline(value) {
                lines.append(head + " " + text)
            } else if case .string(let s) = value {
                lines.append(head + " " + literalHeader(s))
                literalBody(s, indent: indent + 2, into: &lines)
            } else if case .object(let nested) = value {
                lines.append(head)
                object(nested, indent: indent + 2, into: &lines)
            } else if case .array(let items) = value {
                lines.append(head)
                array(items, indent: indent + 2, into: &lines)
            }
        }
    }

    private static func array(_ items: [JSONValue], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            if let text = inline(item) {
                lines.append(pad + "- " + text)
                continue
            }
            var nested: [String] = []
            switch item {
            case .object(let members): object(members, indent: indent + 2, into: &nested)
            case .array(let inner): array(inner, indent: indent + 2, into: &nested)
            case .string(let s):
                lines.append(pad + "- " + literalHeader(s))
                literalBody(s, indent: indent + 2, into: &lines)
                continue
            default: continue
            }
            // The first line starts at indent + 2: put the dash in front of it.
            if let first = nested.first {
                nested[0] = pad + "- " + first.dropFirst(indent + 2)
            }
            lines += nested
        }
    }

    /// The value on one line, or nil for what needs a block (non-empty containers, multi-line text).
    private static func inline(_ value: JSONValue) -> String? {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .string(let s): return usesLiteral(s) ? nil : scalar(s)
        case .array(let items): return items.isEmpty ? "[]" : nil
        case .object(let members): return members.isEmpty ? "{}" : nil
        }
    }

    /// Multi-line text of printable characters reads best as a literal block.
    private static func usesLiteral(_ s: String) -> Bool {
        s.contains("\n") && s.unicodeScalars.allSatisfy { $0 == "\n" || $0 == "\t" || ($0.value >= 0x20 && !isSpecial($0)) }
            && !s.hasPrefix(" ") && !s.hasPrefix("\n")
    }

    private static func literalHeader(_ s: String) -> String {
        if !s.hasSuffix("\n") { return "|-" }
        return s.hasSuffix("\n\n") ? "|+" : "|"
    }

    private static func literalBody(_ s: String, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        var body = s
        if body.hasSuffix("\n") { body.removeLast() }
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(line.isEmpty ? "" : pad + line)
        }
    }

    private static func isSpecial(_ u: Unicode.Scalar) -> Bool { YAMLQuoting.isSpecial(u) }

    /// Words YAML 1.1 readers take for booleans or null.
    private static let reserved: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

    /// A plain scalar when nothing can misread it, else a double-quoted one.
    static func scalar(_ s: String) -> String {
        if let first = s.unicodeScalars.first, first.properties.isAlphabetic && first.isASCII || first == "_" || first == "/",
           s.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_./:@-".unicodeScalars.contains($0)) }),
           !s.hasSuffix(":"), !reserved.contains(s.lowercased()) {
            return s
        }
        return quoted(s)
    }

    /// A double-quoted scalar (valid YAML).
    static func quoted(_ s: String) -> String { YAMLQuoting.doubleQuoted(s) }
}
