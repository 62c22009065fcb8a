@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import Testing

/// `fleet import`: OpenClaw configs in, manifests out; the manifests validate, and rendering each
/// bot gives back the original for every covered path.
@Suite struct ImportTests {
    /// Two agents, multi-account Telegram, Discord guilds, Slack team, comments, trailing commas,
    /// global session/tools/messages, per-agent tools and sandbox.
    static let multiAgent = """
        // A support and a sales agent on one gateway.
        {
          gateway: { mode: "local", port: 18789, bind: "loopback", auth: { mode: "token", token: "old" },
                     reload: { mode: "hybrid", debounceMs: 500, }, },
          agents: {
            defaults: { model: "anthropic/claude-sonnet-4-5", workspace: "~/ws", maxConcurrent: 3, },
            list: [
              { id: "support", default: true, name: "Support", workspace: "~/ws/support",
                tools: { profile: "messaging", exec: { security: "deny" } } },
              /* the sales agent */
              { id: "Sales", name: "Sales Bot", model: { primary: "openai/gpt-5", fallbacks: ["anthropic/claude-haiku-4-5"] },
                sandbox: { mode: "off" }, },
            ],
          },
          session: { scope: "per-sender", dmScope: "per-channel-peer", reset: { mode: "daily", atHour: 4 }, mainKey: "main" },
          tools: { web: { search: { enabled: true }, fetch: { enabled: true } }, deny: ["browser"], elevated: { enabled: false } },
          messages: { ackReaction: "👀" },
          channels: {
            telegram: {
              dmPolicy: "pairing",
              textChunkLimit: 3000,
              accounts: {
                main: { botToken: "111:aaa", allowFrom: ["123", "456"], dmPolicy: "allowlist", historyLimit: 20 },
                sales: { botToken: "222:bbb", groups: { "*": { requireMention: true } }, },
              },
            },
            discord: { token: "disc-token", guilds: { "g1": { requireMention: false }, "g2": { requireMention: false } } },
            slack: { botToken: "xoxb-1", appToken: "xapp-1", mode: "socket", replyToMode: "all" },
          },
          bindings: [
            { agentId: "Sales", match: { channel: "telegram", accountId: "sales" } },
            { agentId: "Sales", match: { channel: "discord", guildId: "g2" } },
            { agentId: "support", match: { channel: "telegram", accountId: "main", peer: { kind: "dm", id: "123" } } },
            { agentId: "Sales", match: { channel: "slack", teamId: "T1", accountId: "*" } },
            // Routes an account that went to Sales: cannot be honoured by a second gateway.
            { agentId: "support", match: { channel: "telegram", accountId: "sales", peer: { kind: "group", id: "-100" } } },
          ],
        }
        """

    /// The keyed agents form, WhatsApp and Signal, single-account forms, an unmodelled channel,
    /// a binding without accountId, and a roles binding fleet cannot express.
    static let keyedAgents = """
        {
          gateway: { mode: "local", bind: "lan", auth: { mode: "token", token: "x" } },
          agents: { entries: {
            alpha: { name: "Alpha", tools: { media: { image: { enabled: true }, audio: { enabled: true }, video: { enabled: true } } } },
            beta: { default: true, identity: { name: "Beta", emoji: "🐝" } },
          } },
          channels: {
            whatsapp: { dmPolicy: "allowlist", allowFrom: ["+15550001"], accounts: {
              personal: { authDir: "/old/wa", groupPolicy: "disabled", sendReadReceipts: false },
              shop: { groupAllowFrom: ["+15550002"], groups: { "*": { requireMention: true } } },
            } },
            signal: { account: "+15559999", dmPolicy: "pairing" },
            discord: { accounts: { Work_Bot: { token: "dt", guilds: { "*": { requireMention: true } }, textChunkLimit: 1500 } } },
            msteams: { appId: "abc" },
          },
          bindings: [
            { agentId: "alpha", match: { channel: "whatsapp", accountId: "shop" } },
            { agentId: "alpha", match: { channel: "signal" } },
            { agentId: "alpha", match: { channel: "discord", accountId: "Work_Bot", guildId: "G", roles: ["admin"] } },
            { agentId: "ghost", match: { channel: "signal" } },
          ],
        }
        """

    /// No agents at all (OpenClaw's `main`), one Telegram bot in the single-account form.
    static let minimal = """
        { gateway: { mode: "local" }, channels: { telegram: { botToken: "9:zz", dmPolicy: "open", allowFrom: ["*"], }, }, }
        """

    struct Imported {
        var config: JSONValue
        var result: ImportResult
        var set: ManifestSet
        var rendered: [String: RenderedBot]
    }

    func importAndRender(_ text: String) throws -> Imported {
        let result = try OpenClawImporter.run(text, source: "openclaw.json5")
        let files = result.files.map { SourceFile(path: "fleet/" + $0.path, bytes: Array($0.text.utf8)) }
        let set = ManifestLoader.load(SourceSnapshot(commit: nil, files: files, diagnostics: [], source: ManifestSource(worktree: true)))
        #expect(set.isValid, "\(set.diagnostics.map(\.message))\n\(result.files.map(\.text).joined(separator: "\n---\n"))")
        var renderer = Renderer(fleet: set.fleet, stateRoot: "/srv/fleet", commit: nil, fingerprinter: Fingerprinter(key: [1]))
        // The configs imported here are in OpenClaw 2026.4's form: rendered for that release, they round-trip.
        renderer.release = OpenClawRelease(year: 2026, month: 4, patch: 27)
        var rendered: [String: RenderedBot] = [:]
        for (i, bot) in set.bots.enumerated() { rendered[bot.name] = try renderer.render(bot, port: 19_000 + 20 * i) }
        return Imported(config: try JSON5.parse(text), result: result, set: set, rendered: rendered)
    }

    /// Every leaf path of the input is listed in the report (itself or a parent).
    func expectFullReport(_ imported: Imported) {
        let listed = imported.result.report.map(\.path)
        func leaves(_ value: JSONValue, _ prefix: [String]) -> [[String]] {
            if let members = value.objectValue, !members.isEmpty {
                return members.keys.sorted().flatMap { leaves(members[$0] ?? .null, prefix + [$0]) }
            }
            if let items = value.arrayValue, !items.isEmpty, items.contains(where: { $0.objectValue != nil }) {
                return items.indices.flatMap { leaves(items[$0], prefix + [String($0)]) }
            }
            return [prefix]
        }
        for leaf in leaves(imported.config, []) {
            let path = ImportMappers.display("", leaf)
            let covered = listed.contains { path == $0 || path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[") }
            #expect(covered, "\(path) is missing from the report")
        }
    }

    /// The rendered account of `type/id` in `bot` carries `expected` for each key.
    func expectAccount(_ r: RenderedBot, _ type: String, _ id: String, _ expected: [String: JSONValue]) {
        let account = r.config["channels"]?[type]?["accounts"]?[id]
        #expect(account != nil, "\(r.name) has no \(type)/\(id)")
        for (key, value) in expected {
            #expect(account?[key] == value, "\(r.name) \(type)/\(id).\(key): \(String(describing: account?[key])) != \(value)")
        }
    }

    func secret(_ r: RenderedBot, _ field: String) -> String? { r.secretFiles.first { $0.field == field }?.value }

    func bindings(_ r: RenderedBot) -> [JSONValue] { r.config["bindings"]?.arrayValue ?? [] }

    func binding(_ agent: String, _ match: [String: JSONValue]) -> JSONValue {
        .object(["agentId": .string(agent), "match": .object(match)])
    }

    @Test func multiAgentConfigRoundTrips() async throws {
        let imported = try importAndRender(Self.multiAgent)
        let config = imported.config
        #expect(imported.result.bots == ["sales", "support"])
        let support = try #require(imported.rendered["support"])
        let sales = try #require(imported.rendered["sales"])

        // Channel accounts go to the agent their bindings route to; channel-level settings are inherited.
        expectAccount(support, "telegram", "main", [
            "dmPolicy": "allowlist", "allowFrom": .array(["123", "456"]), "historyLimit": .int(20)])
        #expect(secret(support, "channels.telegram.main.botToken") == "111:aaa")
        expectAccount(sales, "telegram", "sales", [
            "dmPolicy": "pairing", "groups": .object(["*": .object(["requireMention": true])])])
        #expect(secret(sales, "channels.telegram.sales.botToken") == "222:bbb")
        expectAccount(sales, "discord", "default", ["guilds": config["channels"]?["discord"]?["guilds"] ?? .null])
        #expect(secret(sales, "channels.discord.default.token") == "disc-token")
        expectAccount(sales, "slack", "default", ["mode": "socket"])
        #expect(secret(sales, "channels.slack.default.botToken") == "xoxb-1")
        #expect(secret(sales, "channels.slack.default.appToken") == "xapp-1")
        #expect(support.config["channels"]?["discord"] == nil && support.config["channels"]?["slack"] == nil)
        // Channel-level keys fleet does not model reach every bot holding that channel.
        for r in [support, sales] { #expect(r.config["channels"]?["telegram"]?["textChunkLimit"] == .int(3000)) }
        #expect(sales.config["channels"]?["slack"]?["replyToMode"] == "all")

        // Bindings per agent, in the original order; the one the split cannot honour is reported.
        #expect(bindings(support) == [binding("support", [
            "channel": "telegram", "accountId": "main", "peer": .object(["kind": "direct", "id": "123"])])])
        #expect(bindings(sales) == [
            binding("sales", ["channel": "telegram", "accountId": "sales"]),
            binding("sales", ["channel": "discord", "guildId": "g2"]),
            binding("sales", ["channel": "slack", "accountId": "*", "teamId": "T1"]),
        ])
        #expect(imported.result.report.contains { $0.path == "bindings[4]" && $0.destination.hasPrefix("not imported") })

        // Global keys come back unchanged; the agent with its own tools gets them over the global ones.
        for key in ["session", "messages"] {
            for r in [support, sales] { #expect(r.config[key] == config[key], "\(r.name) \(key)") }
        }
        #expect(sales.config["tools"] == config["tools"])
        #expect(support.config["tools"] == config["tools"]?.merging(config["agents"]?["list"]?.arrayValue?[0]["tools"] ?? .null))
        #expect(sales.config["agents"]?["defaults"]?["sandbox"] == .object(["mode": "off"]))
        for r in [support, sales] {
            #expect(r.config["agents"]?["defaults"]?["maxConcurrent"] == .int(3))
            #expect(r.config["gateway"]?["bind"] == "loopback")
            #expect(r.config["gateway"]?["reload"]?["debounceMs"] == .int(500))
        }
        #expect(imported.set.fleet.basePort == 18789)
        #expect(imported.set.bot(named: "sales")?.model == "openai/gpt-5")
        #expect(imported.set.fleet.defaultModel == "anthropic/claude-sonnet-4-5")
        expectFullReport(imported)
    }

    @Test func keyedAgentsWhatsAppSignalAndUnmodelledChannels() async throws {
        let imported = try importAndRender(Self.keyedAgents)
        #expect(imported.result.bots == ["alpha", "beta"])
        let alpha = try #require(imported.rendered["alpha"])
        let beta = try #require(imported.rendered["beta"])
        // shop and signal are bound to alpha; personal, the discord account and msteams go to the default agent (beta).
        expectAccount(alpha, "whatsapp", "shop", [
            "dmPolicy": "allowlist", "allowFrom": .array(["+15550001"]), "groupAllowFrom": .array(["+15550002"]),
            "groups": .object(["*": .object(["requireMention": true])])])
        expectAccount(alpha, "signal", "default", ["account": "+15559999", "dmPolicy": "pairing"])
        expectAccount(beta, "whatsapp", "personal", ["groupPolicy": "disabled", "sendReadReceipts": false, "dmPolicy": "allowlist"])
        expectAccount(beta, "discord", "work-bot", [
            "guilds": .object(["*": .object(["requireMention": true])]), "textChunkLimit": .int(1500)])
        #expect(secret(beta, "channels.discord.work-bot.token") == "dt")
        #expect(beta.config["channels"]?["msteams"] == .object(["appId": "abc"]))
        #expect(alpha.config["channels"]?["msteams"] == nil)
        #expect(bindings(alpha) == [
            binding("alpha", ["channel": "whatsapp", "accountId": "shop"]), binding("alpha", ["channel": "signal"])])
        #expect(bindings(beta).isEmpty)
        #expect(alpha.config["tools"]?["media"]?["video"]?["enabled"] == true)
        for r in [alpha, beta] { #expect(r.config["gateway"]?["bind"] == "lan") }
        #expect(imported.set.bot(named: "beta")?.displayName == "Beta")
        let warnings = imported.result.warnings.joined(separator: "\n")
        #expect(warnings.contains("'Work_Bot' becomes 'work-bot'"))
        #expect(warnings.contains("roles"))
        #expect(warnings.contains("unknown agent"))
        #expect(warnings.contains("fleet login beta whatsapp"))
        expectFullReport(imported)
    }

    @Test func minimalConfigBecomesMain() async throws {
        let imported = try importAndRender(Self.minimal)
        #expect(imported.result.bots == ["main"])
        let main = try #require(imported.rendered["main"])
        expectAccount(main, "telegram", "default", ["dmPolicy": "open", "allowFrom": .array(["*"])])
        #expect(secret(main, "channels.telegram.default.botToken") == "9:zz")
        expectFullReport(imported)
    }

    @Test func outputIsDeterministicWithSchemaLines() async throws {
        let a = try OpenClawImporter.run(Self.multiAgent, source: "x.json5")
        let b = try OpenClawImporter.run(Self.multiAgent, source: "x.json5")
        #expect(a.files == b.files && a.report == b.report)
        #expect(a.files.first?.text.hasPrefix("# yaml-language-server: $schema=../schemas/fleet.schema.json\n") == true)
        for file in a.files.dropFirst() {
            #expect(file.text.hasPrefix("# yaml-language-server: $schema=../../schemas/bot.schema.json\n"))
        }
        #expect(throws: ImportError.self) { try OpenClawImporter.run("{ gateway: ", source: "broken.json5") }
    }

    /// Model provider keys and channel tokens, some literal, some references.
    static let withModels = """
        {
          gateway: { mode: "local" },
          agents: { list: [{ id: "main", model: "anthropic/claude-sonnet-4-5" }] },
          models: {
            mode: "merge",
            providers: {
              anthropic: { apiKey: "sk-ant-IMPORTED-secret" },
              openai: { apiKey: "${OPENAI_API_KEY}", baseUrl: "https://api.openai.com/v1", models: [] },
              "my-proxy": { baseUrl: "http://127.0.0.1:4000", apiKey: "sk-proxy-IMPORTED-secret", models: [{ id: "m1", name: "M1" }] },
            },
          },
          channels: { telegram: { botToken: "9:IMPORTED-token" } },
        }
        """
    static let importedSecrets = ["sk-ant-IMPORTED-secret", "sk-proxy-IMPORTED-secret", "9:IMPORTED-token"]

    @Test func withAKeyImportEncryptsTokensAndProviderKeys() throws {
        let key = try SecretKey(bytes: [UInt8](repeating: 0x42, count: 32), source: "test")
        let result = try OpenClawImporter.run(Self.withModels, source: "openclaw.json5", keys: SecretKeys([key]))
        let text = result.files.map(\.text).joined(separator: "\n")
        for secret in Self.importedSecrets { #expect(!text.contains(secret), "\(secret) written in plain text") }
        #expect(!text.contains("allowPlaintext"), "nothing is plain text, so nothing needs allowing:\n\(text)")
        #expect(result.encrypted == 2 && result.keyId == key.id)
        let fleetText = try #require(result.files.first { $0.path == "fleet.yaml" }?.text)
        #expect(fleetText.contains("  providers:\n    anthropic:\n      apiKey: \"ENC[AES256_GCM,"), "\(fleetText)")
        // References hold no secret and stay; a key of a provider fleet does not know is dropped, never copied.
        #expect(fleetText.contains("${OPENAI_API_KEY}") && fleetText.contains("my-proxy"))
        #expect(result.report.contains { $0.path == "models.providers.anthropic.apiKey" && $0.destination == "fleet.yaml spec.providers.anthropic.apiKey" })
        #expect(result.report.contains { $0.path == "models.providers.my-proxy.apiKey" && $0.destination.hasPrefix("not imported") })
        #expect(result.warnings.contains { $0.contains("models.providers.my-proxy.apiKey is not imported") })

        // The manifests validate with the key, and the rendering gets the plaintext back in secret files only.
        let files = result.files.map { SourceFile(path: "fleet/" + $0.path, bytes: Array($0.text.utf8)) }
        var set = ManifestLoader.load(SourceSnapshot(commit: nil, files: files, diagnostics: [], source: ManifestSource(worktree: true)))
        set.secrets = SecretOpener(keys: SecretKeys([key]))
        let audit = SecretAudit(opener: set.secrets).diagnostics(for: set)
        #expect(set.isValid && audit.isEmpty, "\(set.diagnostics.map(\.message)) \(audit.map(\.message))")
        let secrets = set.secrets
        let renderer = Renderer(fleet: set.fleet, stateRoot: "/srv/fleet", commit: nil, fingerprinter: Fingerprinter(key: [1]),
                                openSecret: { bot, field, raw in try secrets.open(bot: bot, field: field, raw: raw) })
        let main = try renderer.render(try #require(set.bot(named: "main")), port: 19_000)
        #expect(secret(main, "providers.anthropic.apiKey") == "sk-ant-IMPORTED-secret")
        #expect(secret(main, "channels.telegram.default.botToken") == "9:IMPORTED-token")
        let providers = main.config["models"]?["providers"]
        #expect(providers?["anthropic"]?["apiKey"]?["source"] == "file")
        #expect(providers?["openai"]?["apiKey"] == "${OPENAI_API_KEY}")
        #expect(providers?["my-proxy"]?["apiKey"] == nil && providers?["my-proxy"]?["baseUrl"] == "http://127.0.0.1:4000")
        #expect(main.config["models"]?["mode"] == "merge")
        for secret in Self.importedSecrets { #expect(!main.fileText.contains(secret)) }
    }

    @Test func withoutAKeyImportFallsBackToAllowedPlainText() throws {
        let result = try OpenClawImporter.run(Self.withModels, source: "openclaw.json5")
        let fleetText = try #require(result.files.first { $0.path == "fleet.yaml" }?.text)
        #expect(fleetText.contains("allowPlaintext: true") && fleetText.contains("apiKey: sk-ant-IMPORTED-secret"), "\(fleetText)")
        #expect(result.encrypted == 0 && result.keyId == nil)
        #expect(result.warnings.contains { $0.contains("2 credential(s) are plain text in the manifests because no encryption key is loaded") })
    }

    @Test func commandEncryptsWithTheKeyFile() async throws {
        let dir = try TempDirectory(prefix: "fleet-import")
        try Data(Self.withModels.utf8).write(to: URL(fileURLWithPath: dir.file("openclaw.json")))
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for k in ["FLEET_KEY_FILE", "ENCRYPTION_KEY", "FLEET_ENCRYPTION_KEYS"] { env[k] = nil }
        let fleet = TestPaths.executable("fleet")
        let key = dir.file("k.key")
        #expect(try await runProcess(fleet, ["secrets", "keygen", "--out", key], env: env).status == 0)
        let run = try await runProcess(fleet, ["import", dir.file("openclaw.json"), "--out", dir.file("fleet"), "--key-file", key, "--repo", dir.path], env: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 credentials encrypted with key "), "\(run.stdout)")
        var written = ""
        for file in ["fleet/fleet.yaml", "fleet/bots/main.yaml"] { written += try String(contentsOfFile: dir.file(file), encoding: .utf8) }
        for secret in Self.importedSecrets { #expect(!written.contains(secret) && !run.stdout.contains(secret)) }
        let validate = try await runProcess(fleet, ["validate", "--worktree", "--repo", dir.path, "--path", "fleet", "--key-file", key], env: env)
        #expect(validate.status == 0 && validate.stderr.contains("0 errors, 0 warnings"), "\(validate.stderr)")
    }

    @Test func commandWritesManifestsAndReport() async throws {
        let dir = try TempDirectory(prefix: "fleet-import")
        try Data(Self.multiAgent.utf8).write(to: URL(fileURLWithPath: dir.file("openclaw.json")))
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        let fleet = TestPaths.executable("fleet")
        let run = try await runProcess(fleet, ["import", dir.file("openclaw.json"), "--out", dir.file("fleet"), "--json"], env: env)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON5.parse(run.stdout)
        #expect(json["bots"] == .array(["sales", "support"]))
        #expect(json["report"]?.arrayValue?.contains { $0["path"] == "bindings[2]" && $0["destination"] == "bots/support.yaml spec.bindings[0]" } == true)
        #expect(FileManager.default.fileExists(atPath: dir.file("fleet/bots/sales.yaml")))
        let again = try await runProcess(fleet, ["import", dir.file("openclaw.json"), "--out", dir.file("fleet")], env: env)
        #expect(again.status == 2 && again.stderr.contains("already exists"))
        let human = try await runProcess(fleet, ["import", dir.file("openclaw.json"), "--out", dir.file("fleet"), "--force"], env: env)
        #expect(human.status == 0)
        #expect(human.stdout.contains("channels.telegram.accounts.main.dmPolicy"))
        #expect(!human.stdout.contains("111:aaa"), "the report never shows a secret")
        let validate = try await runProcess(fleet, ["validate", "--worktree", "--repo", dir.path, "--path", "fleet"], env: env)
        #expect(validate.status == 0, "\(validate.stderr)")
    }
}
