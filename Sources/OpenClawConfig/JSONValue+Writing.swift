extension JSONValue {
    /// Deterministic JSON5 text: object keys sorted by Unicode scalar order, identifier-like keys
    /// unquoted, strings double-quoted, integers without a decimal point, doubles in their
    /// shortest round-trip form (`NaN`, `Infinity`, `-Infinity` where needed).
    ///
    /// - Parameter indent: spaces per nesting level; `0` writes everything on one line.
    public func json5(indent: Int = 2) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        write(to: &out, json5: true, indent: max(0, indent), level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Deterministic JSON text with sorted keys. Non-finite doubles, which JSON cannot express,
    /// are written as `null`.
    ///
    /// - Parameter pretty: two-space indentation and one member per line when `true`;
    ///   compact single-line output otherwise.
    public func json(pretty: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        write(to: &out, json5: false, indent: pretty ? 2 : 0, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Object keys in the writers' order: plain Unicode scalar order.
    static func sortedKeys(_ members: [String: JSONValue]) -> [String] {
        members.keys.sorted(by: precedes)
    }

    /// Unicode scalar order, compared on the UTF-8 bytes (UTF-8 keeps scalar order, and
    /// comparing bytes does not decode).
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private func write(to out: inout [UInt8], json5: Bool, indent: Int, level: Int) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .int(let i): out += String(i).utf8
        case .double(let d): out += Self.formatDouble(d, json5: json5).utf8
        case .string(let s): Self.writeQuoted(s, to: &out)
        case .array(let elements):
            if elements.isEmpty {
                out += "[]".utf8
                return
            }
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.newline(&out, indent: indent, level: level + 1)
                element.write(to: &out, json5: json5, indent: indent, level: level + 1)
            }
            Self.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                out += "{}".utf8
                return
            }
            out.append(UInt8(ascii: "{"))
            // The members sorted with their values: no second look-up (and hashing) per key.
            for (index, member) in members.sorted(by: { Self.precedes($0.key, $1.key) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.newline(&out, indent: indent, level: level + 1)
                if json5 && Self.isIdentifier(member.key) {
                    out += member.key.utf8
                } else {
                    Self.writeQuoted(member.key, to: &out)
                }
                out += (indent > 0 ? ": " : ":").utf8
                member.value.write(to: &out, json5: json5, indent: indent, level: level + 1)
            }
            Self.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ out: inout [UInt8], indent: Int, level: Int) {
        guard indent > 0 else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    /// `true` when `key` can be written unquoted in JSON5 (an ASCII ECMAScript identifier).
    static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.utf8.first, JSON5Parser.isIdentifierStart(first) else { return false }
        return key.utf8.allSatisfy(JSON5Parser.isIdentifierPart)
    }

    static func formatDouble(_ d: Double, json5: Bool) -> String {
        if d.isNaN { return json5 ? "NaN" : "null" }
        if d.isInfinite { return json5 ? (d < 0 ? "-Infinity" : "Infinity") : "null" }
        // Swift's description is the shortest representation that round-trips, e.g. "0.1",
        // "100.0", "1e+16", "5e-324"; all valid JSON numbers that parse back as doubles.
        return d.description
    }

    static func writeQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Fast path: nothing to escape (the common case), copy the UTF-8 bytes as they are.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 != 0x7F && $0 != 0xE2 }) {
            out += s.utf8
            out.append(UInt8(ascii: "\""))
            return
        }
        var text = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    text += "\\u" + JSON5Parser.hex4(scalar.value)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        out += text.utf8
        out.append(UInt8(ascii: "\""))
    }
}
