@testable import FleetCore
import Testing

@Suite struct LabelSelectorTests {
    @Test(arguments: [
        ("host=edge-1", "host=edge-1"),
        ("host==edge-1", "host=edge-1"),
        ("host != edge-1", "host!=edge-1"),
        ("tier in (a, b)", "tier in (a,b)"),
        ("tier notin (a,b)", "tier notin (a,b)"),
        ("gpu", "gpu"),
        ("!canary", "!canary"),
        ("host=edge-1,tier in (a,b),!canary,gpu", "host=edge-1,tier in (a,b),!canary,gpu"),
        ("example.com/team=care", "example.com/team=care"),
        ("k=", "k="),
        ("in=notin", "in=notin"),
        ("", ""),
        ("  ", ""),
    ])
    func parsesAndPrintsCanonically(text: String, canonical: String) throws {
        #expect(try LabelSelector(parsing: text).description == canonical)
    }

    @Test(arguments: [
        (",", 1, "expected a label key, found ','"),
        ("host=edge-1,", 13, "expected a requirement after ','"),
        ("host=a=b", 7, "expected ',' or the end after 'host=a', found '='"),
        ("host edge-1", 6, "expected '=', '==', '!=', 'in', 'notin', ',' or the end after the key 'host', found 'edge-1'"),
        ("tier in a,b", 9, "expected '(' after 'in', found 'a'"),
        ("tier in (a,b", 13, "expected ',' or ')' after the value 'b', found the end"),
        ("tier in ()", 10, "expected a label value after '(', found ')'"),
        ("tier notin (a,)", 15, "expected a label value after ',', found ')'"),
        ("!", 2, "expected a label key after '!', found the end"),
        ("-bad=x", 1, "invalid label key '-bad'"),
        ("Bad_Prefix/k=x", 1, "the prefix 'Bad_Prefix' is not a DNS subdomain"),
        ("k=v$", 3, "invalid label value 'v$'"),
        ("k=(a)", 3, "expected a label value after '=', found '('"),
    ])
    func reportsWhereAndWhat(text: String, column: Int, message: String) {
        do {
            let parsed = try LabelSelector(parsing: text)
            Issue.record("'\(text)' parsed as \(parsed)")
        } catch {
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("invalid selector '\(text)': column \(column): "))
        }
    }

    @Test func tooLongNamesAreRejected() {
        #expect(throws: LabelSelectorError.self) { try LabelSelector(parsing: String(repeating: "k", count: 64) + "=v") }
        #expect(throws: LabelSelectorError.self) { try LabelSelector(parsing: "k=" + String(repeating: "v", count: 64)) }
        #expect(throws: Never.self) { try LabelSelector(parsing: String(repeating: "k", count: 63) + "=v") }
    }

    @Test func matchesLikeKubernetes() throws {
        let edge = ["host": "edge-1", "tier": "a"]
        let bare: [String: String] = [:]
        func check(_ text: String, _ labels: [String: String]) throws -> Bool { try LabelSelector(parsing: text).matches(labels) }
        #expect(try check("host=edge-1", edge))
        #expect(try !check("host=edge-2", edge))
        #expect(try !check("host=edge-1", bare))
        #expect(try check("host!=edge-2", edge))
        #expect(try check("host!=edge-2", bare), "!= matches an absent label")
        #expect(try !check("host!=edge-1", edge))
        #expect(try check("tier in (a,b)", edge))
        #expect(try !check("tier in (b,c)", edge))
        #expect(try !check("tier in (a)", bare))
        #expect(try check("tier notin (b)", edge))
        #expect(try check("tier notin (a)", bare), "notin matches an absent label")
        #expect(try !check("tier notin (a,b)", edge))
        #expect(try check("host", edge))
        #expect(try !check("host", bare))
        #expect(try check("!host", bare))
        #expect(try !check("!host", edge))
        #expect(try check("host=edge-1,tier in (a,b),!canary", edge))
        #expect(try !check("host=edge-1,canary", edge), "every requirement must hold")
        #expect(try check("", bare), "the empty selector matches everything")
        #expect(try check("k=", ["k": ""]))
        #expect(try !check("k=", bare))
    }

    @Test func selectingKeepsSettingsAndDiagnostics() {
        let set = loadFiles([
            ("fleet/bots/a.yaml", Array(validBot("a").replacingOccurrences(of: "  name: a", with: "  name: a\n  labels: {host: one}").utf8)),
            ("fleet/bots/b.yaml", Array(validBot("b").replacingOccurrences(of: "  name: b", with: "  name: b\n  labels: {host: two}").utf8)),
            ("fleet/bots/c.yaml", Array(validBot("c").utf8)),
        ])
        #expect(set.selecting(nil).bots.map(\.name) == ["a", "b", "c"])
        #expect(set.selecting(try? LabelSelector(parsing: "host=one")).bots.map(\.name) == ["a"])
        #expect(set.selecting(try? LabelSelector(parsing: "host!=one")).bots.map(\.name) == ["b", "c"])
        #expect(set.selecting(try? LabelSelector(parsing: "host")).diagnostics == set.diagnostics)
    }
}
