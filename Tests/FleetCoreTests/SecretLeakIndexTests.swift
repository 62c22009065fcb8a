@testable import FleetCore
import Testing

/// The index E054 searches texts with: every opened credential value found wherever it stands,
/// nothing found that is not there, short values left out (as before the index).
@Suite struct SecretLeakIndexTests {
    func credential(_ field: String) -> ManifestCredential {
        ManifestCredential(kind: .channel, scope: "bot", field: field, raw: "-", file: "f.yaml",
                           location: SourceLocation(file: "f.yaml", line: 1, column: 1))
    }

    @Test func findsAValueAtTheStartInTheMiddleAndAtTheEnd() {
        let values = SecretLeakCheck.OpenedValues([
            (credential("a"), "123456:ABCDEFGHIJ"), (credential("b"), "123456:ABCDEFGHXX"), (credential("c"), "xoxb-0000-1111"),
        ])
        #expect(values.first(in: "123456:ABCDEFGHIJ is my token")?.field == "a")
        #expect(values.first(in: "my token is 123456:ABCDEFGHXX, keep it")?.field == "b")
        #expect(values.first(in: "ends with xoxb-0000-1111")?.field == "c")
        #expect(values.first(in: "xoxb-0000-1111")?.field == "c")
        // The same first 8 bytes, neither value whole; a value cut short by the end of the text.
        #expect(values.first(in: "123456:ABCDEFGHYY") == nil)
        #expect(values.first(in: "see 123456:ABCDEFGH") == nil)
        #expect(values.first(in: "nothing secret here at all") == nil)
        #expect(values.first(in: "") == nil)
    }

    @Test func theFirstValueInTheTextIsTheOneNamedAndShortValuesAreLeftOut() {
        let values = SecretLeakCheck.OpenedValues([(credential("late"), "zzzzzzzzzz"), (credential("early"), "aaaaaaaaaa"),
                                                   (credential("short"), "1234567")])
        #expect(values.first(in: "aaaaaaaaaa then zzzzzzzzzz")?.field == "early")
        #expect(values.first(in: "a prompt with 1234567 in it") == nil)
        #expect(values.first(in: "café aaaaaaaaaa")?.field == "early")
    }
}

/// The shape check: each shape still found, and the pre-check that skips the regexes never
/// skips a text that holds one.
@Suite struct TokenShapeTests {
    @Test(arguments: [
        ("123456789:AAH3kq9ZxVb2_Lr8mQwE1tYuIoPzXcVbNm", "a Telegram bot token"),
        ("xoxb-1234567890", "a Slack token"),
        ("xapp-1-A0123456789", "a Slack app-level token"),
        ("sk-ant-api03-abcdefghijklmnopqrst", "an Anthropic API key"),
        ("sk-proj-abcdefghijklmnopqrstuvwxyz012345", "an OpenAI API key"),
        ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "a Google API key"),
        ("MTA0NTY3ODkwMTIzNDU2Nzg5.GhIjKl.abcdefghijklmnopqrstuvwxyz0", "a Discord bot token"),
    ])
    func eachShapeIsFoundInProse(token: String, shape: String) {
        #expect(SecretLeakCheck.tokenShape(in: "Hello! Use \(token) to log in.") == shape)
        #expect(SecretLeakCheck.longestTokenRun(in: token) >= 15)
    }

    @Test func proseAndShortWordsHaveNoShape() {
        #expect(SecretLeakCheck.tokenShape(in: "You are a helpful support bot: answer politely, in English.") == nil)
        #expect(SecretLeakCheck.longestTokenRun(in: "ab-cd_ef gh") == 8)
        #expect(SecretLeakCheck.longestTokenRun(in: "") == 0)
    }
}
