/// The byte-level JSON5 parser behind ``JSON5/parse(_:)``. It tracks line and column as it goes.
struct JSON5Parser {
    private let bytes: [UInt8]
    private var pos = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    mutating func parseDocument() throws(JSON5Error) -> JSONValue {
        try skipTrivia()
        guard pos < bytes.count else { throw error("unexpected end of input") }
        let value = try parseValue()
        try skipTrivia()
        if pos < bytes.count { throw unexpected() }
        return value
    }

    // MARK: - Cursor

    private func peek(_ offset: Int = 0) -> UInt8? {
        let i = pos + offset
        return i < bytes.count ? bytes[i] : nil
    }

    /// Consumes one byte, keeping line and column (columns count Unicode scalars, not bytes).
    private mutating func advance() {
        let b = bytes[pos]
        pos += 1
        if b == 0x0A {
            line += 1
            column = 1
        } else if b == 0x0D {
            if peek() != 0x0A {
                line += 1
                column = 1
            }
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func advance(_ count: Int) {
        for _ in 0..<count where pos < bytes.count { advance() }
    }

    private func error(_ message: String) -> JSON5Error {
        JSON5Error(line: line, column: column, message: message)
    }

    /// An "unexpected character" error for the character at the cursor (or end of input).
    private func unexpected() -> JSON5Error {
        guard pos < bytes.count else { return error("unexpected end of input") }
        return error("unexpected character '\(describeScalar(at: pos))'")
    }

    private func describeScalar(at index: Int) -> String {
        let length = Self.sequenceLength(bytes[index])
        let end = min(index + length, bytes.count)
        let text = String(decoding: bytes[index..<end], as: UTF8.self)
        guard let scalar = text.unicodeScalars.first else { return "?" }
        if scalar.value < 0x20 || scalar.value == 0x7F {
            return "\\u" + Self.hex4(scalar.value)
        }
        return text
    }

    static func sequenceLength(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        if lead >= 0xC0 { return 2 }
        return 1
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: - Whitespace and comments

    /// Length in bytes of the whitespace sequence at the cursor, or 0.
    private func whitespaceLength() -> Int {
        guard let b = peek() else { return 0 }
        switch b {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20: return 1
        case 0xC2 where peek(1) == 0xA0: return 2                        // U+00A0
        case 0xEF where peek(1) == 0xBB && peek(2) == 0xBF: return 3     // U+FEFF
        case 0xE1 where peek(1) == 0x9A && peek(2) == 0x80: return 3     // U+1680
        case 0xE2:
            guard let b1 = peek(1), let b2 = peek(2) else { return 0 }
            if b1 == 0x80 && ((0x80...0x8A).contains(b2) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF) {
                return 3                                                  // U+2000-200A, 2028, 2029, 202F
            }
            if b1 == 0x81 && b2 == 0x9F { return 3 }                      // U+205F
            return 0
        case 0xE3 where peek(1) == 0x80 && peek(2) == 0x80: return 3     // U+3000
        default: return 0
        }
    }

    private mutating func skipTrivia() throws(JSON5Error) {
        while pos < bytes.count {
            let ws = whitespaceLength()
            if ws > 0 {
                advance(ws)
                continue
            }
            guard bytes[pos] == UInt8(ascii: "/") else { return }
            if peek(1) == UInt8(ascii: "/") {
                while let b = peek(), b != 0x0A, b != 0x0D { advance() }
            } else if peek(1) == UInt8(ascii: "*") {
                let startLine = line, startColumn = column
                advance(2)
                var closed = false
                while pos < bytes.count {
                    if bytes[pos] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") {
                        advance(2)
                        closed = true
                        break
                    }
                    advance()
                }
                if !closed {
                    throw JSON5Error(line: startLine, column: startColumn, message: "unterminated comment")
                }
            } else {
                throw unexpected()
            }
        }
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSON5Error) -> JSONValue {
        guard let b = peek() else { throw error("unexpected end of input") }
        switch b {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try parseString())
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
             UInt8(ascii: "I"), UInt8(ascii: "N"):
            return try parseNumber()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return try parseLiteral()
        default:
            throw unexpected()
        }
    }

    private mutating func enterContainer() throws(JSON5Error) {
        depth += 1
        if depth > JSON5.maxDepth {
            throw error("nesting deeper than \(JSON5.maxDepth) levels")
        }
    }

    private mutating func parseObject() throws(JSON5Error) -> JSONValue {
        try enterContainer()
        advance()  // {
        var members: [String: JSONValue] = [:]
        while true {
            try skipTrivia()
            if peek() == UInt8(ascii: "}") {
                advance()
                break
            }
            let key = try parseKey()
            try skipTrivia()
            guard peek() == UInt8(ascii: ":") else { throw unexpected() }
            advance()
            try skipTrivia()
            members[key] = try parseValue()
            try skipTrivia()
            if peek() == UInt8(ascii: ",") {
                advance()
                continue
            }
            if peek() == UInt8(ascii: "}") {
                advance()
                break
            }
            throw unexpected()
        }
        depth -= 1
        return .object(members)
    }

    private mutating func parseArray() throws(JSON5Error) -> JSONValue {
        try enterContainer()
        advance()  // [
        var elements: [JSONValue] = []
        while true {
            try skipTrivia()
            if peek() == UInt8(ascii: "]") {
                advance()
                break
            }
            elements.append(try parseValue())
            try skipTrivia()
            if peek() == UInt8(ascii: ",") {
                advance()
                continue
            }
            if peek() == UInt8(ascii: "]") {
                advance()
                break
            }
            throw unexpected()
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func parseLiteral() throws(JSON5Error) -> JSONValue {
        let startLine = line, startColumn = column
        let word = readWord()
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            throw JSON5Error(line: startLine, column: startColumn, message: "unexpected identifier '\(word)'")
        }
    }

    /// Reads `[A-Za-z0-9_$]*` at the cursor.
    private mutating func readWord() -> String {
        let start = pos
        while let b = peek(), Self.isIdentifierPart(b) { advance() }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_") || b == UInt8(ascii: "$")
    }

    static func isIdentifierPart(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    // MARK: - Keys

    private mutating func parseKey() throws(JSON5Error) -> String {
        guard let b = peek() else { throw error("unexpected end of input") }
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { return try parseString() }
        var out: [UInt8] = []
        var first = true
        while let c = peek() {
            if c == UInt8(ascii: "\\") {
                guard peek(1) == UInt8(ascii: "u") else { throw unexpected() }
                advance(2)
                let scalar = try readUnicodeEscape()
                appendScalar(scalar, to: &out)
            } else if Self.isIdentifierStart(c) || (!first && Self.isIdentifierPart(c)) {
                out.append(c)
                advance()
            } else if c >= 0x80 && whitespaceLength() == 0 {
                // Non-ASCII letters (ID_Start / ID_Continue); accepted leniently.
                let length = Self.sequenceLength(c)
                for _ in 0..<length where pos < bytes.count {
                    out.append(bytes[pos])
                    advance()
                }
            } else {
                break
            }
            first = false
        }
        if out.isEmpty { throw unexpected() }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSON5Error) -> String {
        let quote = bytes[pos]
        let startLine = line, startColumn = column
        advance()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else {
                throw JSON5Error(line: startLine, column: startColumn, message: "unterminated string")
            }
            if b == quote {
                advance()
                break
            }
            if b == 0x0A || b == 0x0D {
                throw error("unexpected line break in string")
            }
            if b == UInt8(ascii: "\\") {
                advance()
                try parseEscape(into: &out)
                continue
            }
            out.append(b)
            advance()
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSON5Error) {
        guard let c = peek() else { throw error("unexpected end of input") }
        switch c {
        case UInt8(ascii: "b"): out.append(0x08); advance()
        case UInt8(ascii: "f"): out.append(0x0C); advance()
        case UInt8(ascii: "n"): out.append(0x0A); advance()
        case UInt8(ascii: "r"): out.append(0x0D); advance()
        case UInt8(ascii: "t"): out.append(0x09); advance()
        case UInt8(ascii: "v"): out.append(0x0B); advance()
        case UInt8(ascii: "0"):
            if let next = peek(1), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                throw error("invalid escape '\\0\(Character(Unicode.Scalar(next)))'")
            }
            out.append(0)
            advance()
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            throw error("invalid escape '\\\(Character(Unicode.Scalar(c)))'")
        case UInt8(ascii: "x"):
            advance()
            let value = try readHex(count: 2)
            appendScalar(Unicode.Scalar(UInt8(value)), to: &out)
        case UInt8(ascii: "u"):
            advance()
            appendScalar(try readUnicodeEscape(), to: &out)
        case 0x0A:
            advance()  // line continuation
        case 0x0D:
            advance()
            if peek() == 0x0A { advance() }
        case 0xE2 where peek(1) == 0x80 && (peek(2) == 0xA8 || peek(2) == 0xA9):
            advance(3)  // U+2028 / U+2029 continuation
        default:
            // Any other character escapes to itself (\' \" \\ \/ ...).
            let length = Self.sequenceLength(c)
            for _ in 0..<length where pos < bytes.count {
                out.append(bytes[pos])
                advance()
            }
        }
    }

    /// Reads `XXXX` after `\u`, combining a following `\uXXXX` low surrogate when present.
    private mutating func readUnicodeEscape() throws(JSON5Error) -> Unicode.Scalar {
        let high = try readHex(count: 4)
        if (0xD800...0xDBFF).contains(high), peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") {
            let save = (pos, line, column)
            advance(2)
            let low = try readHex(count: 4)
            if (0xDC00...0xDFFF).contains(low) {
                let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                return Unicode.Scalar(combined) ?? "\u{FFFD}"
            }
            (pos, line, column) = save
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }

    private mutating func readHex(count: Int) throws(JSON5Error) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let b = peek(), let digit = Self.hexValue(b) else {
                throw pos < bytes.count ? error("invalid hexadecimal escape") : error("unexpected end of input")
            }
            value = value * 16 + UInt32(digit)
            advance()
        }
        return value
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private func appendScalar(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        out.append(contentsOf: String(Character(scalar)).utf8)
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws(JSON5Error) -> JSONValue {
        var negative = false
        if let b = peek(), b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
            negative = b == UInt8(ascii: "-")
            advance()
        }
        guard let first = peek() else { throw error("unexpected end of input") }
        if first == UInt8(ascii: "I") || first == UInt8(ascii: "N") {
            let startLine = line, startColumn = column
            let word = readWord()
            switch word {
            case "Infinity": return .double(negative ? -Double.infinity : Double.infinity)
            case "NaN": return .double(Double.nan)
            default:
                throw JSON5Error(line: startLine, column: startColumn, message: "unexpected identifier '\(word)'")
            }
        }
        if first == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            advance(2)
            return try parseHexNumber(negative: negative)
        }
        let intDigits = readDigits()
        if intDigits.count > 1 && intDigits.first == UInt8(ascii: "0") {
            throw error("leading zeros are not allowed")
        }
        var fraction: [UInt8]? = nil
        if peek() == UInt8(ascii: ".") {
            advance()
            fraction = readDigits()
        }
        if intDigits.isEmpty && (fraction ?? []).isEmpty { throw unexpected() }
        var exponent: [UInt8]? = nil
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            advance()
            var exp: [UInt8] = []
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") {
                exp.append(s)
                advance()
            }
            let digits = readDigits()
            if digits.isEmpty { throw unexpected() }
            exponent = exp + digits
        }
        if let b = peek(), Self.isIdentifierPart(b) { throw unexpected() }

        let sign = negative ? "-" : ""
        let intText = intDigits.isEmpty ? "0" : String(decoding: intDigits, as: UTF8.self)
        if fraction == nil && exponent == nil, let value = Int64(sign + intText) {
            return .int(value)
        }
        var text = sign + intText
        if let fraction {
            text += "." + (fraction.isEmpty ? "0" : String(decoding: fraction, as: UTF8.self))
        }
        if let exponent { text += "e" + String(decoding: exponent, as: UTF8.self) }
        guard let value = Double(text) else { throw error("invalid number '\(text)'") }
        return .double(value)
    }

    private mutating func readDigits() -> [UInt8] {
        let start = pos
        while let b = peek(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { advance() }
        return Array(bytes[start..<pos])
    }

    private mutating func parseHexNumber(negative: Bool) throws(JSON5Error) -> JSONValue {
        var value: UInt64 = 0
        var overflow = false
        var asDouble = 0.0
        var count = 0
        while let b = peek(), let digit = Self.hexValue(b) {
            let (m, o1) = value.multipliedReportingOverflow(by: 16)
            let (s, o2) = m.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { overflow = true }
            value = s
            asDouble = asDouble * 16 + Double(digit)
            count += 1
            advance()
        }
        if count == 0 { throw unexpected() }
        if let b = peek(), Self.isIdentifierPart(b) { throw unexpected() }
        if !overflow {
            if !negative, value <= UInt64(Int64.max) { return .int(Int64(value)) }
            if negative, value <= UInt64(Int64.max) + 1 {
                return .int(value == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value))
            }
        }
        return .double(negative ? -asDouble : asDouble)
    }
}
