extension JSON5Parser {
    // MARK: - Numbers

    mutating func parseNumber() throws(JSON5Error) -> JSONValue {
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

    mutating func readDigits() -> [UInt8] {
        let start = pos
        while let b = peek(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { advance() }
        return Array(bytes[start..<pos])
    }

    mutating func parseHexNumber(negative: Bool) throws(JSON5Error) -> JSONValue {
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
