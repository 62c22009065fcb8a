@testable import FleetCore
import Testing

/// Plain-text credentials are masked for display the same way whether fleet takes the fast path
/// (ASCII values, masked in the file's bytes) or the Characters path, and never shown.
@Suite struct MaskingTests {
    static let text = """
    apiVersion: fleet/v1
    kind: Bot
    metadata: {name: a}
    spec:
      channels:
        - type: telegram
          credentials: {botToken: "123:tok-en"}   # 123:tok-en again on the same line
        - type: slack
          credentials:
            botToken: |
              xoxb-line-one
              xoxb-line-two
            appToken: xapp-1
        signingSecret: other
      # xapp-1 two lines below stays: only the value's own lines (and the next) are masked
    """

    func credential(_ raw: String, line: Int) -> ManifestCredential {
        ManifestCredential(kind: .channel, scope: "a", field: "x", raw: raw, file: "fleet/bots/a.yaml",
                           location: SourceLocation(file: "fleet/bots/a.yaml", line: line, column: 1))
    }

    @Test func bytesAndCharactersMaskAlike() {
        let credentials = [credential("123:tok-en", line: 7), credential("xoxb-line-one\nxoxb-line-two\n", line: 10),
                           credential("xapp-1", line: 13)]
        let fast = SecretAudit.maskASCII(Self.text, credentials)
        let slow = SecretAudit.maskCharacters(Self.text, credentials)
        #expect(fast == slow)
        for secret in ["123:tok-en", "xoxb-line-one", "xoxb-line-two"] { #expect(!fast.contains(secret)) }
        #expect(fast.contains("credentials: {botToken: \"**********\"}   # ********** again"))
        #expect(fast.contains("appToken: ******"))
        #expect(fast.contains("# xapp-1 two lines below stays"))
        #expect(fast.utf8.count == Self.text.utf8.count)
    }
}
