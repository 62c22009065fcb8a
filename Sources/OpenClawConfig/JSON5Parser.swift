/// The byte-level JSON5 parser behind ``JSON5/parse(_:)``. It tracks line and column as it goes.
struct JSON5Parser {
    let bytes: [UInt8]
    var pos = 0
    var line = 1
    var column = 1
    var depth = 0

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

    func peek(_ offset: Int = 0) -> UInt8? {
        let i = pos + offset
        return i < bytes.count ? bytes[i] : nil
    }

    /// Consumes one byte, keeping line and column (columns count Unicode scalars, not bytes).
    mutating func advance() {
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

    mutating func advance(_ count: Int) {
        for _ in 0..<count where pos < bytes.count { advance() }
    }

    func error(_ message: String) -> JSON5Error {
        JSON5Error(line: line, column: column, message: message)
    }

    /// An "unexpected character" error for the character at the cursor (or end of input).
    func unexpected() -> JSON5Error {
        guard pos < bytes.count else { return error("unexpected end of input") }
        return error("unexpected character '\(describeScalar(at: pos))'")
    }

    func describeScalar(at index: Int) -> String {
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
    func whitespaceLength() -> Int {
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

    mutating func skipTrivia() throws(JSON5Error) {
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

    mutating func parseValue() throws(JSON5Error) -> JSONValue {
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

    mutating func enterContainer() throws(JSON5Error) {
        depth += 1
        if depth > JSON5.maxDepth {
            throw error("nesting deeper than \(JSON5.maxDepth) levels")
        }
    }

    mutating func parseObject() throws(JSON5Error) -> JSONValue {
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

    mutating func parseArray() throws(JSON5Error) -> JSONValue {
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

    mutating func parseLiteral() throws(JSON5Error) -> JSONValue {
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
    mutating func readWord() -> String {
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
}
