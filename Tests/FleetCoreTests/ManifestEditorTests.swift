import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// The shared in-place manifest writers the console's forms use.
@Suite struct ManifestEditorTests {
    static let text = """
        # a comment that stays
        apiVersion: fleet/v1
        kind: Bot
        metadata:
          name: support   # trailing comment
          labels: {team: care}
        spec:
          displayName: "Support"
          systemPrompt: |
            Line one.
            Line two.
          gateway: {port: auto, bind: loopback}
          channels:
            - type: telegram
              dmPolicy: pairing
              allowFrom: ["1"]

        """

    @Test func setReplacesValuesAndAddsMissingKeysKeepingTheRest() throws {
        var editor = try ManifestEditor(text: Self.text, file: "fleet/bots/support.yaml")
        try editor.set(bot: "support", path: ["spec", "displayName"], value: .string("Help: Desk"))
        try editor.set(bot: "support", path: ["spec", "systemPrompt"], value: .string("New one.\nNew two.\n"))
        try editor.set(bot: "support", path: ["spec", "gateway", "port"], value: .int(18_900))
        try editor.set(bot: "support", path: ["metadata", "labels", "tier"], value: .string("gold"))
        try editor.set(bot: "support", path: ["spec", "channels", "0", "allowFrom"], value: .strings(["1", "0123"]))
        try editor.set(bot: "support", path: ["spec", "enabled"], value: .bool(false))
        try editor.set(bot: "support", path: ["spec", "tools", "bash"], value: .bool(true))
        let out = editor.text
        #expect(out.contains("# a comment that stays"))
        #expect(out.contains("name: support   # trailing comment"))
        #expect(out.contains("displayName: \"Help: Desk\""))
        #expect(out.contains("systemPrompt: |\n    New one.\n    New two.\n"))
        #expect(out.contains("gateway: {port: 18900, bind: loopback}"))
        #expect(out.contains("labels: {tier: gold, team: care}"))
        #expect(out.contains("allowFrom: [\"1\", \"0123\"]"))
        #expect(out.contains("enabled: false"))
        #expect(out.contains("tools: {bash: true}"))
        // It reads back as the values it was given.
        let set = ManifestLoader.load(SourceSnapshot(commit: nil, files: [SourceFile(path: "fleet/bots/support.yaml", bytes: Array(out.utf8))],
                                                     diagnostics: [], source: ManifestSource()))
        let bot = try #require(set.bot(named: "support"))
        #expect(bot.displayName == "Help: Desk")
        #expect(bot.systemPrompt == "New one.\nNew two.\n")
        #expect(bot.labels == ["team": "care", "tier": "gold"])
        #expect(bot.channels.first?.allowFrom == ["1", "0123"])
        #expect(bot.enabled == false)
        #expect(bot.tools?.bash == true)
        #expect(throws: SecretEditError.self) { try editor.set(bot: "nope", path: ["spec", "model"], value: .string("x/y")) }
    }

    @Test func aTokenInTheSystemPromptIsE054() throws {
        let prompt = "Call the API with 123456789:AAHabcdefghijklmnopqrstuvwxyz0123456 please.\n"
        var editor = try ManifestEditor(text: Self.text, file: "fleet/bots/support.yaml")
        try editor.set(bot: "support", path: ["spec", "systemPrompt"], value: .string(prompt))
        let snapshot = SourceSnapshot(commit: nil, files: [SourceFile(path: "fleet/bots/support.yaml", bytes: Array(editor.text.utf8))],
                                      diagnostics: [], source: ManifestSource())
        let set = FleetSession.load(snapshot: snapshot, keys: SecretKeys())
        let leak = try #require(set.diagnostics.first { $0.code == .secretInText })
        #expect(leak.severity == .error)
        #expect(leak.message.contains("looks like a Telegram bot token"))
        #expect(leak.location?.line == 9)
        // The fleet's own credential values are found too, whatever their shape.
        var mine = editor
        try mine.set(bot: "support", path: ["spec", "systemPrompt"], value: .string("the word is hunter2-secret-value\n"))
        let withToken = mine.text.replacingOccurrences(of: "dmPolicy: pairing", with: "dmPolicy: pairing\n      credentials: {botToken: \"hunter2-secret-value\"}")
        let found = FleetSession.load(snapshot: SourceSnapshot(commit: nil, files: [SourceFile(path: "fleet/bots/support.yaml", bytes: Array(withToken.utf8))],
                                                               diagnostics: [], source: ManifestSource()), keys: SecretKeys())
        #expect(found.diagnostics.contains { $0.code == .secretInText && $0.message.contains("contains the value of channels.telegram.default.botToken") })
        #expect(SecretLeakCheck.tokenShape(in: "plain words, no keys") == nil)
    }

    @Test func newBotWritesTheWizardsFieldsThroughOneWriter() throws {
        var a = NewBotAnswers(name: "sales", displayName: "Sales", model: "anthropic/claude-sonnet-4-5", channel: "telegram", token: "tok",
                              dmPolicy: "allowlist", allowFrom: ["42"])
        a.labels = ["team": "sales"]
        a.systemPrompt = "Sell.\nNicely.\n"
        a.groupPolicy = "disabled"
        a.sessionScope = "global"
        a.bash = true
        a.port = 18_950
        let text = try NewBot.manifest(a) { _, field, value in "sealed(\(field))" }
        let set = ManifestLoader.load(SourceSnapshot(commit: nil, files: [SourceFile(path: "fleet/bots/sales.yaml", bytes: Array(text.utf8))],
                                                     diagnostics: [], source: ManifestSource()))
        let bot = try #require(set.bot(named: "sales"))
        #expect(bot.labels == ["team": "sales"])
        #expect(bot.systemPrompt == "Sell.\nNicely.\n")
        #expect(bot.channels.first?.groupPolicy == "disabled")
        #expect(bot.session?.scope == "global")
        #expect(bot.tools?.bash == true)
        #expect(bot.gateway.port == .fixed(18_950))
        #expect(bot.channels.first?.credentials["botToken"] == "sealed(channels.telegram.default.botToken)")
        #expect(NewBot.file(for: "sales") == "fleet/bots/sales.yaml")
        #expect(NewBot.file(for: "../etc/passwd") == nil)
    }

    @Test func accessNameAndEmailAreChecked() throws {
        let fleet = """
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: f}
            spec:
              access:
                - {user: ann, role: admin, name: "Ann Admin", email: ann@example.com}
                - {user: bob, role: admin, name: "Bob <x>", email: "not an address"}

            """
        let set = ManifestLoader.load(SourceSnapshot(commit: nil, files: [SourceFile(path: "fleet/fleet.yaml", bytes: Array(fleet.utf8))],
                                                     diagnostics: [], source: ManifestSource()))
        #expect(set.fleet.access.first?.email == "ann@example.com")
        #expect(set.fleet.access.first?.name == "Ann Admin")
        let problems = set.diagnostics.filter { $0.code == .invalidFormat }.map(\.message)
        #expect(problems.contains { $0.contains("access email 'not an address' of 'bob'") })
        #expect(problems.contains { $0.contains("access name 'Bob <x>' of 'bob'") })
        #expect(!problems.contains { $0.contains("'ann'") })
    }
}
