extension JSON5Parser {
    // MARK: - Keys

    mutating func parseKey() throws(JSON5Error) -> String {
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

    mutating func parseString() throws(JSON5Error) -> String {
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

    mutating func parseEscape(into out: inout [UInt8]) throws(JSON5Error) {
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
    mutating func readUnicodeEscape() throws(JSON5Error) -> Unicode.Scalar {
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

    mutating func readHex(count: Int) throws(JSON5Error) -> UInt32 {
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

    func appendScalar(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        out.append(contentsOf: String(Character(scalar)).utf8)
    }
}
