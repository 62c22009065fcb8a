import Testing
@testable import OpenClawConfig

@Suite struct JSON5ParserTests {
    @Test func parsesPlainJSON() throws {
        let value = try JSON5.parse(#"{"a": 1, "b": [true, false, null], "c": "x", "d": 1.5}"#)
        #expect(value == .object([
            "a": .int(1), "b": .array([.bool(true), .bool(false), .null]), "c": .string("x"), "d": .double(1.5),
        ]))
    }

    @Test func commentsTrailingCommasAndUnquotedKeys() throws {
        let text = """
        // leading comment
        {
          /* block
             comment */
          gateway: { port: 18789, mode: 'local', }, // trailing
          $weird_key1: [1, 2, 3,],
          "quoted key": "v",
        }
        """
        let value = try JSON5.parse(text)
        #expect(value["gateway"]?["port"] == .int(18789))
        #expect(value["gateway"]?["mode"] == .string("local"))
        #expect(value["$weird_key1"] == .array([.int(1), .int(2), .int(3)]))
        #expect(value["quoted key"] == .string("v"))
    }

    @Test func numbers() throws {
        #expect(try JSON5.parse("0x1F") == .int(31))
        #expect(try JSON5.parse("-0xff") == .int(-255))
        #expect(try JSON5.parse("+12") == .int(12))
        #expect(try JSON5.parse(".5") == .double(0.5))
        #expect(try JSON5.parse("5.") == .double(5.0))
        #expect(try JSON5.parse("1e3") == .double(1000))
        #expect(try JSON5.parse("-2.5E-1") == .double(-0.25))
        #expect(try JSON5.parse("Infinity") == .double(.infinity))
        #expect(try JSON5.parse("-Infinity") == .double(-.infinity))
        guard case .double(let nan) = try JSON5.parse("NaN") else {
            Issue.record("NaN is not a double")
            return
        }
        #expect(nan.isNaN)
        #expect(try JSON5.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSON5.parse("9223372036854775808") == .double(9223372036854775808.0))
    }

    @Test func stringsAndEscapes() throws {
        #expect(try JSON5.parse(#"'it\'s "fine"'"#) == .string(#"it's "fine""#))
        #expect(try JSON5.parse(#""\x41\u00e9\uD83D\uDE00\t\n\\\/\0""#) == .string("A\u{e9}\u{1F600}\t\n\\/\0"))
        #expect(try JSON5.parse("'line \\\ncontinued'") == .string("line continued"))
        #expect(try JSON5.parse("'crlf \\\r\ncontinued'") == .string("crlf continued"))
        #expect(try JSON5.parse(#""\v\b\f\q""#) == .string("\u{0B}\u{08}\u{0C}q"))
        #expect(try JSON5.parse("\"héllo wörld ✓\"") == .string("héllo wörld ✓"))
    }

    @Test func duplicateKeysLastWins() throws {
        #expect(try JSON5.parse("{a: 1, a: 2}") == .object(["a": .int(2)]))
    }

    @Test func unicodeWhitespaceAndBOM() throws {
        #expect(try JSON5.parse("\u{FEFF}\u{00A0}{\u{2028}a:\u{3000}1}") == .object(["a": .int(1)]))
    }

    @Test func errorsCarryLineAndColumn() {
        let text = "{\n  a: 1,\n  b: ,\n}"
        #expect(throws: JSON5Error(line: 3, column: 6, message: "unexpected character ','")) {
            try JSON5.parse(text)
        }
        #expect(throws: JSON5Error(line: 1, column: 8, message: "unexpected character '}'")) {
            try JSON5.parse("{a: 1 }}")
        }
        let error = JSON5Error(line: 3, column: 7, message: "unexpected character '}'")
        #expect(error.description == "line 3, column 7: unexpected character '}'")
    }

    @Test(arguments: [
        "", "{", "[1,,2]", "{,}", "{a 1}", "'unterminated", "\"a\nb\"", "01", "1.2.3", "0x", "tru",
        "/* open", "{a: 1} x", "\"\\1\"", "Infinit", "{\"a\": 1,, }", "@", "[1 2]", "-", "12abc",
    ])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSON5Error.self) { try JSON5.parse(text) }
    }

    @Test func nestingLimitIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSON5Error.self) { try JSON5.parse(deep) }
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect((try? JSON5.parse(ok)) != nil)
    }

    @Test func errorColumnCountsScalarsNotBytes() {
        #expect(throws: JSON5Error(line: 1, column: 8, message: "unexpected character '}'")) {
            try JSON5.parse("['é✓', }")
        }
    }
}
