import Testing
@testable import OpenClawConfig

@Suite struct JSONWriterTests {
    let sample: JSONValue = .object([
        "gateway": .object(["port": .int(18789), "mode": .string("local"), "auth": .object(["token": .string("t\"q\n")])]),
        "b-key": .array([.int(1), .double(0.1), .double(100), .null, .bool(true), .array([]), .object([:])]),
        "Zed": .string("é ✓ \u{1F600} \u{01}"),
        "$ok_1": .double(1e16),
    ])

    @Test func json5IsDeterministicWithSortedUnquotedKeys() {
        let expected = """
        {
          $ok_1: 1e+16,
          Zed: "é ✓ \u{1F600} \\u0001",
          "b-key": [
            1,
            0.1,
            100.0,
            null,
            true,
            [],
            {}
          ],
          gateway: {
            auth: {
              token: "t\\"q\\n"
            },
            mode: "local",
            port: 18789
          }
        }
        """
        #expect(sample.json5() == expected)
        #expect(sample.json5() == sample.json5())
    }

    @Test func compactJSON() {
        let value: JSONValue = .object(["b": .int(2), "a": .array([.string("x"), .double(.nan)])])
        #expect(value.json(pretty: false) == #"{"a":["x",null],"b":2}"#)
        #expect(value.json(pretty: true) == "{\n  \"a\": [\n    \"x\",\n    null\n  ],\n  \"b\": 2\n}")
    }

    @Test func roundTrips() throws {
        #expect(try JSON5.parse(sample.json5()) == sample)
        #expect(try JSON5.parse(sample.json5(indent: 0)) == sample)
        #expect(try JSON5.parse(sample.json(pretty: true)) == sample)
        #expect(try JSON5.parse(sample.json(pretty: false)) == sample)
        let numbers: JSONValue = .array([
            .double(Double.leastNonzeroMagnitude), .double(1.7976931348623157e308), .double(-0.000123), .double(123456.789),
            .int(Int64.min), .int(Int64.max), .double(.infinity), .double(-.infinity),
        ])
        #expect(try JSON5.parse(numbers.json5()) == numbers)
    }

    @Test func keyOrderIsUnicodeScalarOrder() {
        let value: JSONValue = .object(["b": .int(1), "B": .int(2), "_": .int(3), "é": .int(4), "a": .int(5)])
        #expect(value.json(pretty: false) == #"{"B":2,"_":3,"a":5,"b":1,"é":4}"#)
    }

    @Test func reservedWordsAndOddKeysRoundTrip() throws {
        let value: JSONValue = .object([
            "true": .int(1), "null": .int(2), "1abc": .int(3), "": .int(4), "a.b": .int(5), "ünï": .int(6),
        ])
        let text = value.json5(indent: 0)
        #expect(text == #"{"":4,"1abc":3,"a.b":5,null:2,true:1,"ünï":6}"#)
        #expect(try JSON5.parse(text) == value)
    }
}
