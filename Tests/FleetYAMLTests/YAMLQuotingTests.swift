import FleetYAML
import Testing

@Suite struct YAMLQuotingTests {
    static let values = [
        "plain", "", "with \"quotes\" and \\backslash", "line\nbreak\r\nand\ttab", "bell\u{07}del\u{7F}nul\u{01}",
        "next line\u{85}line sep\u{2028}para sep\u{2029}bom\u{FEFF}", "yes", "ENC[AES256_GCM,data:AbC=,iv:x,tag:y,kid:k]",
        "émoji 🚀 and ü", "  spaces  ", "# not a comment", "- not a list",
    ]

    @Test(arguments: values) func doubleQuotedReadsBackAsTheSameString(_ value: String) throws {
        let text = "k: " + YAMLQuoting.doubleQuoted(value) + "\n"
        let root = try #require(try YAMLParser.parse(text).documents.first)
        #expect(root["k"]?.scalar == value, "\(text)")
        #expect(root["k"]?.scalarStyle == .doubleQuoted)
        #expect(!text.dropLast().contains("\n"), "one line: \(text)")
    }
}
