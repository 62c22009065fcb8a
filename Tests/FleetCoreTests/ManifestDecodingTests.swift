@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// Good manifests: the demo fleet, and scalars read by the type their field expects.
@Suite struct ManifestDecodingTests {
    @Test func demoFleetValidatesWithNoDiagnostics() throws {
        let set = try FleetSession.load(ManifestSource(repository: Repo.root, worktree: true))
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
        #expect(set.bots.map(\.name) == ["community", "ops", "support"])
        #expect(set.fleet.name == "demo")
        let types = Set(set.bots.flatMap { $0.channels.map(\.type) })
        #expect(types.count == 3, "three bots on different channels")
    }

    @Test func scalarsKeepTheTypeTheirFieldExpects() throws {
        let text = """
        apiVersion: fleet/v1
        kind: Bot
        metadata:
          name: typed
          labels: {country: NO, zip: 01234, on: yes}
        spec:
          displayName: 1.50
          enabled: false
          model: openai/gpt-4.1
          gateway: {port: 18800}
          channels:
            - type: telegram
              credentials: {botToken: 123456}
              allowFrom: [0123, 1e3, true, "null"]
              dmPolicy: allowlist
              requireMention: True
          bindings:
            - {channel: telegram, peer: {kind: direct, id: 0123}, priority: 007}
        """
        let set = loadText(text)
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
        let bot = try #require(set.bots.first)
        #expect(bot.labels == ["country": "NO", "zip": "01234", "on": "yes"])
        #expect(bot.displayName == "1.50")
        #expect(bot.enabled == false)
        #expect(bot.gateway.port == .fixed(18800))
        let channel = try #require(bot.channels.first)
        #expect(channel.credentials["botToken"] == "123456")
        #expect(channel.allowFrom == ["0123", "1e3", "true", "null"])
        #expect(channel.requireMention == true)
        #expect(bot.bindings.first?.peerId == "0123")
        #expect(bot.bindings.first?.priority == 7)
    }

    @Test func defaultsWhenFieldsAreOmitted() throws {
        let set = loadText(validBot("plain"))
        let bot = try #require(set.bots.first)
        #expect(bot.enabled)
        #expect(!bot.suspend)
        #expect(bot.gateway.port == .auto)
        #expect(bot.gateway.bind == "loopback")
        #expect(bot.channels.first?.accountId == "default")
        #expect(set.fleet.basePort == 18789)
        #expect(set.fleet.portStride == 20)
        #expect(set.fleet.maxBots == 50)
        #expect(set.fleet.gatewayCommand == ["openclaw", "gateway", "run"])
    }

    @Test func anchorsAndMergeKeysWork() throws {
        let text = """
        apiVersion: fleet/v1
        kind: Bot
        metadata: {name: merged}
        spec:
          channels:
            - &tg
              type: telegram
              credentials: {botToken: "a"}
              dmPolicy: allowlist
              allowFrom: ["1"]
            - <<: *tg
              accountId: second
              credentials: {botToken: "b"}
        """
        let set = loadText(text)
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
        let channels = try #require(set.bots.first?.channels)
        #expect(channels.map(\.key) == ["telegram/default", "telegram/second"])
        #expect(channels[1].dmPolicy == "allowlist")
        #expect(channels[1].credentials["botToken"] == "b")
    }

    @Test func portClashesOnlyBetweenFixedPortsOutsideTheRange() {
        // 18800 and 18909 are 109 apart: just outside base..base+108.
        let set = loadFiles([
            ("fleet/a.yaml", Array(validBot("a", spec: "  gateway: {port: 18800}").utf8)),
            ("fleet/b.yaml", Array(validBot("b", spec: "  gateway: {port: 18909}").utf8)),
            ("fleet/c.yaml", Array(validBot("c", spec: "  gateway: {port: auto}").utf8)),
        ])
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
        let clash = loadFiles([
            ("fleet/a.yaml", Array(validBot("a", spec: "  gateway: {port: 18800}").utf8)),
            ("fleet/b.yaml", Array(validBot("b", spec: "  gateway: {port: 18908}").utf8)),
        ])
        #expect(clash.diagnostics.map(\.code) == [.portClash], "\(clash.dump)")
        #expect(clash.diagnostics.first?.bot == "b")
    }

    @Test func warningsAloneKeepTheSetValid() {
        let set = loadText(validBot("lan", spec: "  gateway: {bind: tailnet}"))
        #expect(set.diagnostics.map(\.code) == [.exposedBind])
        #expect(set.diagnostics.first?.severity == .warning)
        #expect(set.isValid)
    }

    @Test func jsonOutputIsStable() throws {
        let set = loadText(validBot("a", spec: "  model: sonnet"))
        let json = DiagnosticRenderer.json(set.diagnostics).json(pretty: true)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed.count == 1)
        let d = parsed[0]
        #expect(Set(d.keys) == ["code", "severity", "file", "line", "column", "message", "fix", "bot"])
        #expect(d["code"] as? String == "E036")
        #expect(d["severity"] as? String == "error")
        #expect(d["file"] as? String == "fleet/bots/test.yaml")
        #expect(d["line"] as? Int == 9)
        #expect(d["column"] as? Int == 10)
        #expect(d["fix"] as? String == "write 'anthropic/claude-sonnet-4-5'")
        #expect(d["bot"] as? String == "a")
    }

    @Test func humanOutputHasTheLineAndACaret() {
        let set = loadText(validBot("a", spec: "  model: sonnet"))
        let text = DiagnosticRenderer.human(set.diagnostics, texts: set.texts)
        #expect(text == """
            fleet/bots/test.yaml:9:10: error[E036]: model 'sonnet' is not in provider/model form
             9 |   model: sonnet
               |          ^
              = fix: write 'anthropic/claude-sonnet-4-5'

            """)
        #expect(DiagnosticRenderer.summary(set.diagnostics) == "1 error, 0 warnings")
    }
}
