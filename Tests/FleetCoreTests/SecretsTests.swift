@testable import FleetCore
import FleetCrypto
import FleetTestSupport
import Foundation
import OpenClawWire
import Testing

/// Keys, envelopes, the opener, the audit (E050-E053, W005) and in-place editing of manifests.
@Suite struct SecretsTests {
    static let keyA = try! SecretKey(bytes: [UInt8](repeating: 0xA1, count: 32), source: "test A")
    static let keyB = try! SecretKey(bytes: [UInt8](repeating: 0xB2, count: 32), source: "test B")
    static let field = "channels.telegram.default.botToken"

    static func bot(_ name: String, token: String, extra: String = "") -> String {
        """
        apiVersion: fleet/v1
        kind: Bot
        metadata:
          name: \(name)
        spec:
          channels:
            - type: telegram
              credentials: {botToken: "\(token)"}
        \(extra)
        """
    }

    static func sealed(_ value: String, bot: String, field: String = field, key: SecretKey = keyA) throws -> String {
        try SecretOpener(keys: SecretKeys([key])).seal(value, bot: bot, field: field)
    }

    static func audit(_ files: [(String, String)], keys: [SecretKey] = [keyA]) -> ManifestSet {
        var set = loadFiles(files.map { ($0.0, Array($0.1.utf8)) })
        set.secrets = SecretOpener(keys: SecretKeys(keys))
        set.diagnostics = (set.diagnostics + SecretAudit(opener: set.secrets).diagnostics(for: set)).sortedByLocation()
        return set
    }

    // MARK: keys

    @Test func keyIdIsTheStartOfTheSHA256OfTheKey() {
        #expect(Self.keyA.id == String(Hex.encode(SHA256.digest([UInt8](repeating: 0xA1, count: 32))).prefix(8)))
        #expect(Self.keyA.id.count == 8)
        #expect(Self.keyA.id != Self.keyB.id)
    }

    @Test func keysFromEnvironmentFilesAndTheDefaultDirectory() throws {
        let dir = try TempDirectory()
        let file = dir.path + "/a.key"
        _ = FileManager.default.createFile(atPath: file, contents: Data(Self.keyA.fileText.utf8), attributes: [.posixPermissions: 0o600])
        let fromFile = try SecretKeys.resolve(keyFiles: [file], environment: [:])
        #expect(fromFile.ids == [Self.keyA.id])

        let env = ["ENCRYPTION_KEY": Self.keyB.base64, "FLEET_ENCRYPTION_KEYS": "\(Self.keyA.base64),\(Self.keyB.base64)"]
        let fromEnv = try SecretKeys.resolve(environment: env)
        #expect(fromEnv.ids == [Self.keyB.id, Self.keyA.id])
        #expect(fromEnv.primary?.id == Self.keyB.id)

        try FileManager.default.createDirectory(atPath: dir.path + "/.fleet/keys", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir.path + "/.fleet/keys/main.key", contents: Data(Self.keyB.fileText.utf8),
                                       attributes: [.posixPermissions: 0o600])
        let fromDir = try SecretKeys.resolve(environment: ["FLEET_KEY_FILE": file], repository: dir.path)
        #expect(fromDir.ids == [Self.keyA.id, Self.keyB.id])
    }

    @Test func aKeyFileOthersCanReadIsRefused() throws {
        let dir = try TempDirectory()
        let file = dir.path + "/loose.key"
        _ = FileManager.default.createFile(atPath: file, contents: Data(Self.keyA.fileText.utf8), attributes: [.posixPermissions: 0o644])
        do {
            _ = try SecretKeys.resolve(keyFiles: [file], environment: [:])
            Issue.record("a 0644 key file was accepted")
        } catch {
            #expect(error.message.contains("key file '\(file)'"))
            #expect(error.message.contains("mode 644"))
            #expect(error.fix == "run: chmod 600 \(file)")
        }
        chmod(file, 0o640)
        #expect(throws: SecretKeyError.self) { try SecretKey.read(file: file) }
        chmod(file, 0o600)
        #expect(try SecretKey.read(file: file).id == Self.keyA.id)
    }

    @Test func malformedKeysAreErrors() {
        #expect(throws: SecretKeyError.self) { try SecretKey(text: "not base64!", source: "x") }
        #expect(throws: SecretKeyError.self) { try SecretKey(text: Data([1, 2, 3]).base64EncodedString(), source: "x") }
        #expect(throws: SecretKeyError.self) { try SecretKeys.resolve(environment: ["ENCRYPTION_KEY": "short"]) }
        #expect(throws: SecretKeyError.self) { try SecretKey.read(file: "/nonexistent/fleet.key") }
    }

    // MARK: envelopes

    @Test func envelopeRoundTrip() throws {
        let text = try Self.sealed("123:abc", bot: "a")
        #expect(text.hasPrefix("ENC[AES256_GCM,data:"))
        #expect(text.hasSuffix(",kid:\(Self.keyA.id)]"))
        let envelope = try SecretEnvelope.parse(text)
        #expect(envelope.text == text)
        #expect(envelope.iv.count == 12 && envelope.tag.count == 16)
    }

    @Test func malformedEnvelopesNeverTrapAndSayWhere() throws {
        let good = try Self.sealed("value", bot: "a")
        let cases: [(String, String)] = [
            ("ENC[", "does not end"),
            ("ENC[]", "unsupported algorithm"),
            ("ENC[AES128_GCM,data:AA==,iv:AA==,tag:AA==,kid:00000000]", "unsupported algorithm"),
            ("ENC[AES256_GCM,data:AA==]", "no 'iv:'"),
            ("ENC[AES256_GCM,data:!!,iv:AAAAAAAAAAAAAAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,kid:00000000]", "'data' is not valid base64"),
            ("ENC[AES256_GCM,data:AA==,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,kid:00000000]", "'iv' is 3 bytes"),
            ("ENC[AES256_GCM,data:AA==,iv:AAAAAAAAAAAAAAAA,tag:AAAA,kid:00000000]", "'tag' is 3 bytes"),
            ("ENC[AES256_GCM,data:AA==,iv:AAAAAAAAAAAAAAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,kid:XYZ]", "'kid' must be"),
            ("ENC[AES256_GCM,data:AA==,data:AA==,iv:AAAAAAAAAAAAAAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,kid:00000000]", "appears twice"),
            ("ENC[AES256_GCM,nonce:AA==]", "unknown envelope field"),
            ("ENC[AES256_GCM,garbage]", "expected 'name:value'"),
            ("ENC[AES256_GCM,data:,iv:AAAAAAAAAAAAAAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,kid:00000000]", "'data' is empty"),
        ]
        for (text, expected) in cases {
            do {
                _ = try SecretEnvelope.parse(text)
                Issue.record("parsed: \(text)")
            } catch {
                #expect(error.message.contains(expected), "\(text): \(error)")
                #expect(error.position >= 0 && error.position <= text.unicodeScalars.count)
            }
        }
        // Every prefix and every single-character corruption of a good envelope: no trap.
        let chars = Array(good.unicodeScalars)
        for n in 0...chars.count { _ = try? SecretEnvelope.parse(String(String.UnicodeScalarView(chars[0..<n]))) }
        for i in chars.indices {
            for c in ["]", ",", ":", "\u{0}", "é", "["] as [Unicode.Scalar] {
                var m = chars
                m[i] = c
                _ = try? SecretEnvelope.parse(String(String.UnicodeScalarView(m)))
            }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<80, using: &rng)
            let alphabet = Array("ENC[]AES256_GCM,data:iv:tag:kid:=+/0aZ\u{0}é ".unicodeScalars)
            let s = "ENC[" + String(String.UnicodeScalarView((0..<n).map { _ in alphabet.randomElement(using: &rng)! }))
            _ = try? SecretEnvelope.parse(s)
        }
    }

    // MARK: opener

    @Test func openingChecksKeyBotFieldAndIntegrity() throws {
        let opener = SecretOpener(keys: SecretKeys([Self.keyA]))
        let text = try Self.sealed("123:secret", bot: "a")
        #expect(try opener.open(bot: "a", field: Self.field, raw: text) == "123:secret")
        #expect(try opener.open(bot: "a", field: Self.field, raw: "plain") == "plain")

        func kind(_ raw: String, bot: String = "a", field: String = SecretsTests.field, opener: SecretOpener = opener) -> SecretError.Kind? {
            do {
                _ = try opener.open(bot: bot, field: field, raw: raw)
                return nil
            } catch {
                #expect(!error.description.contains("123:secret"))
                return error.kind
            }
        }
        // Pasted under another bot or another field: the AAD differs.
        #expect(kind(text, bot: "b") == .authentication(kid: Self.keyA.id))
        #expect(kind(text, field: "channels.telegram.other.botToken") == .authentication(kid: Self.keyA.id))
        // Tampered data, nonce, tag.
        var e = try SecretEnvelope.parse(text)
        e.data[0] ^= 1
        #expect(kind(e.text) == .authentication(kid: Self.keyA.id))
        e = try SecretEnvelope.parse(text)
        e.iv[11] ^= 1
        #expect(kind(e.text) == .authentication(kid: Self.keyA.id))
        e = try SecretEnvelope.parse(text)
        e.tag[0] ^= 0x80
        #expect(kind(e.text) == .authentication(kid: Self.keyA.id))
        // A changed key id: another loaded key does not open it; an unknown id is a missing key.
        e = try SecretEnvelope.parse(text)
        e.kid = Self.keyB.id
        #expect(kind(e.text, opener: SecretOpener(keys: SecretKeys([Self.keyA, Self.keyB]))) == .authentication(kid: Self.keyB.id))
        e.kid = "00000000"
        #expect(kind(e.text) == .missingKey(kid: "00000000"))
        // Wrong key, no key.
        #expect(kind(text, opener: SecretOpener(keys: SecretKeys([Self.keyB]))) == .missingKey(kid: Self.keyA.id))
        let wrong = try SecretKey(bytes: [UInt8](repeating: 0xB2, count: 32), source: "x")
        var forged = try SecretEnvelope.parse(text)
        forged.kid = wrong.id
        #expect(kind(forged.text, opener: SecretOpener(keys: SecretKeys([wrong]))) == .authentication(kid: wrong.id))
        #expect(kind(text, opener: SecretOpener()) == .missingKey(kid: Self.keyA.id))
    }

    // MARK: audit

    @Test func plaintextIsE050WithTheFixingCommand() {
        let set = Self.audit([("fleet/bots/a.yaml", Self.bot("a", token: "123:plain"))])
        #expect(set.reported == [Reported(code: "E050", line: 8, column: 31)], "\(set.dump)")
        let d = set.diagnostics[0]
        #expect(d.fix == "run: fleet secrets encrypt fleet/bots/a.yaml")
        #expect(d.bot == "a")
        #expect(!d.message.contains("123:plain"))
    }

    @Test func allowPlaintextGivesOneWarning() {
        let fleet = "apiVersion: fleet/v1\nkind: Fleet\nmetadata: {name: t}\nspec:\n  secrets: {allowPlaintext: true}\n"
        let set = Self.audit([("fleet/fleet.yaml", fleet), ("fleet/bots/a.yaml", Self.bot("a", token: "t1")),
                              ("fleet/bots/b.yaml", Self.bot("b", token: "t2"))])
        #expect(set.reported == [Reported(code: "W005", line: 5, column: 29)], "\(set.dump)")
        #expect(set.diagnostics[0].message.hasPrefix("2 credentials are plain text"))
        #expect(set.isValid)
    }

    @Test func undecryptableIsE051NamingFileLineBotFieldAndKey() throws {
        let text = try Self.sealed("tok", bot: "other")
        let set = Self.audit([("fleet/bots/a.yaml", Self.bot("a", token: text))])
        #expect(set.reported == [Reported(code: "E051", line: 8, column: 31)], "\(set.dump)")
        let d = set.diagnostics[0]
        #expect(d.location?.file == "fleet/bots/a.yaml")
        #expect(d.message.contains("channels.telegram.default.botToken of bot 'a'"))
        #expect(d.message.contains(Self.keyA.id))
        #expect(d.fix == "write the value again: fleet secrets set a channels.telegram.default.botToken")
        #expect(!set.isValid)

        let missing = Self.audit([("fleet/bots/a.yaml", Self.bot("a", token: try Self.sealed("tok", bot: "a")))], keys: [Self.keyB])
        #expect(missing.reported == [Reported(code: "E051", line: 8, column: 31)])
        #expect(missing.diagnostics[0].message.contains("sealed with key \(Self.keyA.id), which is not loaded (keys loaded: \(Self.keyB.id))"))
        #expect(missing.diagnostics[0].fix?.contains("--key-file") == true)
    }

    @Test func malformedEnvelopeIsE052() {
        let set = Self.audit([("fleet/bots/a.yaml", Self.bot("a", token: "ENC[AES256_GCM,data:AA==]"))])
        #expect(set.reported == [Reported(code: "E052", line: 8, column: 31)], "\(set.dump)")
        #expect(set.diagnostics[0].message.contains("no 'iv:' field (at character"))
    }

    @Test func oneTokenForTwoBotsIsE053NamingBoth() throws {
        let set = Self.audit([
            ("fleet/bots/a.yaml", Self.bot("a", token: try Self.sealed("same-token", bot: "a"))),
            ("fleet/bots/b.yaml", Self.bot("b", token: try Self.sealed("same-token", bot: "b"))),
            ("fleet/bots/c.yaml", Self.bot("c", token: try Self.sealed("other-token", bot: "c"))),
        ])
        #expect(set.reported == [Reported(code: "E053", line: 8, column: 31)], "\(set.dump)")
        let d = set.diagnostics[0]
        #expect(d.location?.file == "fleet/bots/b.yaml")
        #expect(d.message.hasPrefix("bots 'a' and 'b' use the same credential"))
        #expect(!d.message.contains("same-token"))
    }

    @Test func theKeyedLoadOpensSecretsForTheRenderer() throws {
        let fx = try GitFixture()
        let path = try fx.makeRepo("r")
        try fx.write("r", "fleet/bots/a.yaml", Self.bot("a", token: try Self.sealed("123:live", bot: "a")))
        try fx.commitAll("r", "a")
        let source = ManifestSource(repository: path)
        let set = try FleetSession.load(source, keys: SecretKeys([Self.keyA]))
        #expect(set.isValid, "\(set.dump)")
        let host = HostSettings(fleet: set.fleet, stateRootFlag: "/tmp/x")
        let rendered = try FleetSession.render(set.bots[0], in: set, host: host, source: source)
        #expect(rendered.secretFiles.map(\.value) == ["123:live"])
        #expect(!rendered.fileText.contains("123:live"))
        // Without keys the set is invalid and the renderer refuses the value.
        let locked = try FleetSession.load(source, keys: SecretKeys())
        #expect(locked.diagnostics.filter { $0.code != .missingProviderKey }.map(\.code) == [.secretUndecryptable])
        #expect(throws: SecretError.self) { try FleetSession.render(locked.bots[0], in: locked, host: host, source: source) }
    }

    // MARK: editing files in place

    static let tricky = """
        # A manifest with comments, anchors and odd quoting.
        apiVersion: fleet/v1   # trailing comment
        kind: Bot
        metadata:
          name: tricky
          labels: &labels {team: "a-b", tier: 'gold'}
        spec:
          displayName: 'It''s tricky'   # quoted with an escaped quote
          channels:
            - type: telegram
              accountId: main
              credentials:
                botToken: &tok "123:AAE\\"quoted\\"-tok"   # anchored secret
              allowFrom: ["0123", 42]
            - type: telegram
              accountId: second
              credentials: {botToken: 'single''quoted:tok'}
            - type: slack
              credentials:
                # comment between keys
                botToken: "xoxb-é-ünïcode"
                appToken: !!str "xapp-tagged"
        ---
        apiVersion: fleet/v1
        kind: Bot
        metadata: {name: other}
        spec:
          channels:
            - {type: discord, credentials: {token: "disc-tok"}}   # flow style

        """

    @Test func encryptThenDecryptChangesOnlyTheSecretScalars() throws {
        let opener = SecretOpener(keys: SecretKeys([Self.keyA]))
        var editor = try SecretFileEditor(text: Self.tricky, file: "t.yaml")
        #expect(editor.sites.map(\.field) == ["channels.telegram.main.botToken", "channels.telegram.second.botToken",
                                              "channels.slack.default.botToken", "channels.slack.default.appToken",
                                              "channels.discord.default.token"])
        let plaintexts = editor.sites.map(\.value)
        #expect(plaintexts == ["123:AAE\"quoted\"-tok", "single'quoted:tok", "xoxb-é-ünïcode", "xapp-tagged", "disc-tok"])
        try editor.replace(editor.sites.map { ($0, try opener.seal($0.value, bot: $0.bot, field: $0.field)) })
        let encrypted = editor.text
        for p in plaintexts { #expect(!encrypted.contains(p)) }

        // The diff: the same lines, and on the five secret lines only the scalar changed.
        let before = Self.tricky.split(separator: "\n", omittingEmptySubsequences: false)
        let after = encrypted.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(before.count == after.count)
        let changed = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
        #expect(changed == [13, 17, 21, 22, 29])
        #expect(after[12].hasPrefix("        botToken: &tok \"ENC[AES256_GCM,data:"))
        #expect(after[12].hasSuffix("]\"   # anchored secret"))
        #expect(after[16].hasPrefix("      credentials: {botToken: 'ENC[AES256_GCM,"))
        #expect(after[16].hasSuffix("]'}"))
        #expect(after[21].hasPrefix("        appToken: !!str \"ENC["))
        #expect(after[28].hasSuffix("]\"}}   # flow style"))

        // The loader reads the encrypted file and the audit opens every value.
        let set = Self.audit([("fleet/bots/t.yaml", encrypted)])
        #expect(set.isValid, "\(set.dump)")

        // Decrypting gives the original text back, byte for byte.
        var back = try SecretFileEditor(text: encrypted, file: "t.yaml")
        try back.replace(back.sites.map { ($0, try opener.open(bot: $0.bot, field: $0.field, raw: $0.value)) })
        #expect(back.text == Self.tricky)
    }

    @Test func plainScalarsBecomeQuoted() throws {
        var editor = try SecretFileEditor(text: "kind: Bot\nmetadata: {name: p}\nspec:\n  channels:\n    - type: discord\n      credentials:\n        token: plain-tok # c\n", file: "p.yaml")
        try editor.replace([(editor.sites[0], "ENC[x]")])
        #expect(editor.text.hasSuffix("        token: \"ENC[x]\" # c\n"))
    }

    @Test func aScalarSharedByTwoFieldsIsRefused() {
        let text = """
            kind: Bot
            metadata: {name: a}
            spec:
              channels:
                - type: slack
                  credentials: {botToken: &t "same", appToken: *t}
                - type: telegram
                  credentials: &c {botToken: "x"}
                - type: telegram
                  accountId: two
                  credentials: *c
            """
        #expect(throws: SecretEditError.self) { try SecretFileEditor(text: text, file: "a.yaml") }
    }

    @Test func setReplacesOrAddsTheCredential() throws {
        let text = """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: s}
            spec:
              channels:
                # the main account
                - type: telegram
                  dmPolicy: pairing
                - {type: slack, credentials: {botToken: "old"}}
                - {type: discord}
                - type: telegram
                  accountId: b
                  credentials:
                    botToken: "x"

            """
        var editor = try SecretFileEditor(text: text, file: "s.yaml")
        try editor.set(bot: "s", field: "channels.telegram.default.botToken", value: "ENC[1]")
        try editor.set(bot: "s", field: "channels.slack.default.appToken", value: "ENC[2]")
        try editor.set(bot: "s", field: "channels.slack.default.botToken", value: "ENC[3]")
        try editor.set(bot: "s", field: "channels.discord.default.token", value: "ENC[4]")
        try editor.set(bot: "s", field: "channels.telegram.b.botToken", value: "ENC[5]")
        #expect(editor.text == """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: s}
            spec:
              channels:
                # the main account
                - credentials: {botToken: "ENC[1]"}
                  type: telegram
                  dmPolicy: pairing
                - {type: slack, credentials: {appToken: "ENC[2]", botToken: "ENC[3]"}}
                - {credentials: {token: "ENC[4]"}, type: discord}
                - type: telegram
                  accountId: b
                  credentials:
                    botToken: "ENC[5]"

            """)
        #expect(throws: SecretEditError.self) { try editor.set(bot: "s", field: "channels.signal.default.x", value: "v") }
        #expect(throws: SecretEditError.self) { try editor.set(bot: "nobody", field: Self.field, value: "v") }
    }
}
