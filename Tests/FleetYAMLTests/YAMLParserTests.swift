import Testing
@testable import FleetYAML

@Suite struct YAMLParserTests {
    @Test func marksPointAtEachNode() throws {
        let text = """
        apiVersion: fleet/v1
        spec:
          channels:
            - type: telegram
              allowFrom: [0123, "x"]
        """
        let result = try YAMLParser.parse(text)
        #expect(result.problems.isEmpty)
        let root = try #require(result.documents.first)
        let channel = try #require(root["spec"]?["channels"]?.sequence?.first)
        #expect(channel.start.line == 4)
        #expect(channel.start.column == 7)
        let allow = try #require(channel["allowFrom"]?.sequence)
        #expect(allow.map(\.scalar) == ["0123", "x"])
        #expect(allow[0].start == YAMLMark(line: 5, column: 19, offset: allow[0].start.offset))
        #expect(allow[0].scalarStyle == .plain)
        #expect(allow[1].scalarStyle == .doubleQuoted)
    }

    @Test func scalarsStayText() throws {
        let root = try #require(try YAMLParser.parse("country: NO\nport: 018789\nflag: yes\n").documents.first)
        #expect(root["country"]?.scalar == "NO")
        #expect(root["port"]?.scalar == "018789")
        #expect(root["flag"]?.scalar == "yes")
    }

    @Test func duplicateKeysAreReportedWithBothLines() throws {
        let result = try YAMLParser.parse("a: 1\nb: 2\na: 3\n")
        #expect(result.problems.count == 1)
        let problem = try #require(result.problems.first)
        #expect(problem.code == .duplicateKey)
        #expect(problem.mark.line == 3)
        #expect(problem.mark.column == 1)
        #expect(problem.message.contains("line 1"))
    }

    @Test func billionLaughsFailsFast() {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1...9 {
            let refs = Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ")
            text += "a\(i): &a\(i) [\(refs)]\n"
        }
        #expect(throws: YAMLError.self) { try YAMLParser.parse(text) }
        do {
            _ = try YAMLParser.parse(text)
        } catch {
            #expect(error.code == .aliasLimit)
        }
    }

    @Test func tabsGetAFriendlyMessage() {
        do {
            _ = try YAMLParser.parse("spec:\n\tmodel: x\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .tab)
            #expect(error.mark.line == 2)
            #expect(error.mark.column == 1)
        }
    }

    @Test func syntaxErrorsCarryThePosition() {
        do {
            _ = try YAMLParser.parse("a: [1, 2\nb: 3\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.mark.line == 1 && error.mark.column == 4, "the unclosed bracket: \(error)")
            #expect(error.message.contains("at line 2"), "where libyaml stopped: \(error.message)")
        }
    }

    @Test func unclosedFlowCollectionsAndQuotesPointAtTheirOpening() {
        // libyaml stops at the end of the file (7:1); the person must look at the bracket (6:10).
        let cases: [(text: String, line: Int, column: Int, words: String)] = [
            ("apiVersion: fleet/v1\nkind: Bot\nmetadata:\n  name: a\nspec:\n  extra: [a, b\n", 6, 10, "flow sequence '['"),
            ("a: 1\nb: {c: 1, d: 2\ne: 3\n", 2, 4, "flow mapping '{'"),
            ("a: \"open\nb: 2\n", 1, 4, "double-quoted string"),
            ("a: x\nb: 'it\nc: 2\n", 2, 4, "single-quoted string"),
        ]
        for c in cases {
            do {
                _ = try YAMLParser.parse(c.text)
                Issue.record("expected an error for \(c.text)")
            } catch {
                #expect(error.code == .syntax)
                #expect(error.mark.line == c.line && error.mark.column == c.column, "\(c.text): \(error)")
                #expect(error.message.contains(c.words) && error.message.contains("never closed"), "\(error.message)")
                #expect(error.fix != nil)
            }
        }
        // An error on the bracket's own line still points where libyaml stopped.
        do {
            _ = try YAMLParser.parse("a: {b: 1 c: 2}\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.mark.line == 1 && error.mark.column > 4 && !error.message.contains("never closed"), "\(error)")
        }
    }

    @Test func undefinedAliasIsAnError() {
        do {
            _ = try YAMLParser.parse("a: *nope\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .undefinedAlias || error.code == .syntax)
        }
    }

    @Test func mergeKeysApplyWithExplicitKeysWinning() throws {
        let text = """
        base: &base {dmPolicy: pairing, groupPolicy: disabled}
        chan:
          <<: *base
          dmPolicy: allowlist
        """
        let root = try #require(try YAMLParser.parse(text).documents.first)
        let chan = try #require(root["chan"])
        #expect(chan["dmPolicy"]?.scalar == "allowlist")
        #expect(chan["groupPolicy"]?.scalar == "disabled")
        #expect(chan["<<"] == nil)
    }

    @Test func multipleDocuments() throws {
        let result = try YAMLParser.parse("kind: Fleet\n---\nkind: Bot\n---\n")
        #expect(result.documents.count == 3)
        #expect(result.documents[1]["kind"]?.scalar == "Bot")
        #expect(result.documents[1].start.line == 3)
        #expect(result.documents[2].isNull)
    }

    @Test func deepNestingIsBounded() {
        let text = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: YAMLError.self) { try YAMLParser.parse(text) }
    }

    @Test func controlCharactersAreAnEncodingError() {
        do {
            _ = try YAMLParser.parse("a: b\u{0001}c\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .encoding || error.code == .syntax)
        }
    }
}
