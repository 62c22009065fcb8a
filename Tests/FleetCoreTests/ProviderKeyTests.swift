@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import Testing

/// Model provider keys: `spec.providers.<id>.apiKey` in Fleet and Bot manifests, their audit
/// (E050-E053, W010, W011), their rendering and in-place editing.
@Suite struct ProviderKeyTests {
    static let key = SecretsTests.keyA
    static let opener = SecretOpener(keys: SecretKeys([key]))

    static func fleet(_ spec: String) -> String {
        "apiVersion: fleet/v1\nkind: Fleet\nmetadata: {name: t}\nspec:\n\(spec)\n"
    }

    static func bot(_ name: String, token: String? = nil, spec: String = "") -> String {
        let channel = try! token ?? SecretsTests.sealed("t-\(name)", bot: name)
        return """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: \(name)}
            spec:
              channels:
                - type: telegram
                  credentials: {botToken: "\(channel)"}
            \(spec)
            """
    }

    static func sealed(_ value: String, scope: String, provider: String = "anthropic") throws -> String {
        try opener.seal(value, bot: scope, field: "providers.\(provider).apiKey")
    }

    /// The audit and the missing-key check, as a keyed load runs them.
    static func audit(_ files: [(String, String)], keys: [SecretKey] = [key], keysRequired: Bool = true) -> ManifestSet {
        var set = loadFiles(files.map { ($0.0, Array($0.1.utf8)) })
        set.secrets = SecretOpener(keys: SecretKeys(keys))
        let audit = SecretAudit(opener: set.secrets, missingKeysAreWarnings: !keysRequired)
        let keyless = FleetValidator(fleet: set.fleet, bots: set.bots, fileExists: nil).providerKeyProblems()
        set.diagnostics = (set.diagnostics + audit.diagnostics(for: set) + keyless).sortedByLocation()
        return set
    }

    // MARK: manifests

    @Test func fleetAndBotProvidersAreDecoded() throws {
        let set = loadFiles([
            ("fleet/fleet.yaml", Array(Self.fleet("  providers:\n    anthropic: {apiKey: ENC-A}\n    openai: {apiKey: ENC-O}").utf8)),
            ("fleet/bots/a.yaml", Array(Self.bot("a", token: "x", spec: "  providers: {openai: {apiKey: own}}").utf8)),
        ])
        #expect(set.isValid, "\(set.dump)")
        #expect(set.fleet.providerKeys == ["anthropic": "ENC-A", "openai": "ENC-O"])
        #expect(set.bots[0].providers == ["openai": "own"])
        let credentials = set.credentials.map { "\($0.scope) \($0.field) \($0.location.line):\($0.location.column)" }
        #expect(credentials == ["Fleet providers.anthropic.apiKey 6:25", "Fleet providers.openai.apiKey 7:22",
                                "a channels.telegram.default.botToken 7:31", "a providers.openai.apiKey 8:32"])
    }

    @Test func anUnknownProviderIsAnUnknownFieldWithASuggestion() {
        let set = loadText(Self.bot("a", token: "x", spec: "  providers:\n    antropic: {apiKey: k}\n    openai: {}"))
        #expect(set.reported.map(\.code) == ["E020", "E023"], "\(set.dump)")
        let unknown = set.diagnostics.first { $0.code == .unknownField }
        #expect(unknown?.message == "unknown field 'antropic' in spec.providers")
        #expect(unknown?.fix == "did you mean 'anthropic'?")
        #expect(set.diagnostics.first { $0.code == .missingField }?.message.contains("'apiKey'") == true)
    }

    @Test func theProviderListIsOpenClaws() {
        // OpenClaw: src/secrets/provider-env-vars.ts names these ids and variables.
        #expect(ModelProviders.provider("anthropic")?.envVars == ["ANTHROPIC_API_KEY"])
        #expect(ModelProviders.provider("google")?.envVars == ["GEMINI_API_KEY"])
        #expect(ModelProviders.provider("zai")?.envVars == ["ZAI_API_KEY", "Z_AI_API_KEY"])
        #expect(ModelProviders.ids.count == Set(ModelProviders.ids).count)
        #expect(ModelProviders.providerId(ofModel: "openrouter/anthropic/claude") == "openrouter")
        #expect(ModelProviders.providerId(ofModel: "/x") == nil)
    }

    // MARK: audit

    @Test func aPlainTextProviderKeyIsE050AndNeverShown() {
        let set = Self.audit([
            ("fleet/fleet.yaml", Self.fleet("  providers: {anthropic: {apiKey: sk-ant-plain-fleet}}")),
            ("fleet/bots/a.yaml", Self.bot("a", spec: "  providers: {openai: {apiKey: sk-plain-bot}}")),
        ])
        #expect(set.reported.map(\.code) == ["E050", "E050"], "\(set.dump)")
        #expect(set.diagnostics.map(\.message) == [
            "providers.openai.apiKey of bot 'a' is plain text in git",
            "providers.anthropic.apiKey of the Fleet manifest is plain text in git",
        ])
        let masked = SecretAudit.maskingPlaintext(in: set)
        #expect(!(masked["fleet/fleet.yaml"] ?? "").contains("sk-ant-plain-fleet"))
        #expect(!(masked["fleet/bots/a.yaml"] ?? "").contains("sk-plain-bot"))
        #expect((masked["fleet/fleet.yaml"] ?? "").contains("apiKey: ******************"))
    }

    @Test func allowPlaintextCountsProviderKeysInW005() {
        let set = Self.audit([("fleet/fleet.yaml", Self.fleet("  secrets: {allowPlaintext: true}\n  providers: {anthropic: {apiKey: k}}"))])
        #expect(set.diagnostics.map(\.message) == ["1 credential is plain text in git, allowed by spec.secrets.allowPlaintext"])
    }

    @Test func aFleetValueDoesNotOpenInABotAndTheOtherWayRound() throws {
        let fleetSealed = try Self.sealed("sk-ant-1", scope: SecretEnvelope.fleetScope)
        let botSealed = try Self.sealed("sk-ant-2", scope: "a")
        let good = Self.audit([
            ("fleet/fleet.yaml", Self.fleet("  providers: {anthropic: {apiKey: \"\(fleetSealed)\"}}")),
            ("fleet/bots/a.yaml", Self.bot("a", spec: "  providers: {anthropic: {apiKey: \"\(botSealed)\"}}")),
        ])
        #expect(good.diagnostics.isEmpty, "\(good.dump)")
        let swapped = Self.audit([
            ("fleet/fleet.yaml", Self.fleet("  providers: {anthropic: {apiKey: \"\(botSealed)\"}}")),
            ("fleet/bots/a.yaml", Self.bot("a", spec: "  providers: {anthropic: {apiKey: \"\(fleetSealed)\"}}")),
        ])
        #expect(swapped.reported.map(\.code) == ["E051", "E051"], "\(swapped.dump)")
        #expect(swapped.diagnostics.contains {
            $0.message.contains("providers.anthropic.apiKey of the Fleet manifest") && $0.fix == "write the value again: fleet secrets set --fleet providers.anthropic.apiKey"
        }, "\(swapped.dump)")
        #expect(swapped.diagnostics.contains { $0.fix == "write the value again: fleet secrets set a providers.anthropic.apiKey" })
    }

    @Test func aMalformedProviderEnvelopeIsE052() {
        let set = Self.audit([("fleet/bots/a.yaml", Self.bot("a", spec: "  providers: {anthropic: {apiKey: \"ENC[AES256_GCM,data:AA==]\"}}"))])
        #expect(set.reported.map(\.code) == ["E052"], "\(set.dump)")
        #expect(set.diagnostics.first?.message.hasPrefix("providers.anthropic.apiKey of bot 'a' is not a valid ENC[...] envelope") == true)
    }

    @Test func botsMayShareAProviderKeyButNotUseATokenAsAKey() throws {
        let shared = Self.audit([
            ("fleet/bots/a.yaml", Self.bot("a", spec: "  providers: {anthropic: {apiKey: \"\(try Self.sealed("sk-same", scope: "a"))\"}}")),
            ("fleet/bots/b.yaml", Self.bot("b", spec: "  providers: {anthropic: {apiKey: \"\(try Self.sealed("sk-same", scope: "b"))\"}}")),
        ])
        #expect(shared.diagnostics.isEmpty, "one API key for two bots is fine: \(shared.dump)")
        let mixed = Self.audit([
            ("fleet/fleet.yaml", Self.fleet("  providers: {anthropic: {apiKey: \"\(try Self.sealed("t-a", scope: SecretEnvelope.fleetScope))\"}}")),
            ("fleet/bots/a.yaml", Self.bot("a")),
        ])
        #expect(mixed.reported.map(\.code) == ["E053"], "\(mixed.dump)")
        #expect(mixed.diagnostics.first?.message.contains("a channel token is not a model provider key") == true)
        #expect(!mixed.dump.contains("t-a\""))
    }

    @Test func aBotWhoseProviderHasNoKeyIsW010WithTheCommand() throws {
        let sealed = try Self.sealed("k", scope: SecretEnvelope.fleetScope)
        let none = Self.audit([("fleet/bots/a.yaml", Self.bot("a", spec: "  model: openai/gpt-4.1"))])
        #expect(none.reported == [Reported(code: "W010", line: 8, column: 10)], "\(none.dump)")
        let warning = try #require(none.diagnostics.first)
        #expect(warning.message.contains("no OpenAI API key is set (spec.providers.openai.apiKey"))
        #expect(warning.fix == "run: fleet secrets set --fleet providers.openai.apiKey (every bot), or: fleet secrets set a providers.openai.apiKey (this bot only)")
        // The Fleet's default model counts; a Fleet key or the bot's own key satisfies it.
        let byDefault = Self.audit([("fleet/bots/a.yaml", Self.bot("a"))])
        #expect(byDefault.diagnostics.map(\.code) == [.missingProviderKey])
        #expect(byDefault.diagnostics.first?.message.contains("anthropic/claude-sonnet-4-5") == true)
        let fleetKey = Self.audit([("fleet/fleet.yaml", Self.fleet("  providers: {anthropic: {apiKey: \"\(sealed)\"}}")),
                                   ("fleet/bots/a.yaml", Self.bot("a"))])
        #expect(fleetKey.diagnostics.isEmpty, "\(fleetKey.dump)")
        let own = Self.audit([("fleet/bots/a.yaml", Self.bot("a", spec: "  providers: {anthropic: {apiKey: \"\(try Self.sealed("k", scope: "a"))\"}}"))])
        #expect(own.diagnostics.isEmpty, "\(own.dump)")
        // Providers fleet keeps no key for, and disabled bots, are not warned about.
        #expect(Self.audit([("fleet/bots/a.yaml", Self.bot("a", spec: "  model: ollama/llama3"))]).diagnostics.isEmpty)
        #expect(Self.audit([("fleet/bots/a.yaml", Self.bot("a", spec: "  enabled: false"))]).diagnostics.isEmpty)
    }

    @Test func withoutTheKeyValidateChecksFormAndKeyIdAndWarnsOnce() throws {
        let files = [
            ("fleet/fleet.yaml", Self.fleet("  providers: {anthropic: {apiKey: \"\(try Self.sealed("k", scope: SecretEnvelope.fleetScope))\"}}")),
            ("fleet/bots/a.yaml", Self.bot("a")),
            ("fleet/bots/b.yaml", Self.bot("b", token: "ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,kid:5c72db55]")),
        ]
        let lenient = Self.audit(files, keys: [], keysRequired: false)
        #expect(lenient.reported.map(\.code) == ["W011", "E052"], "\(lenient.dump)")
        #expect(lenient.isValid == false, "a malformed envelope is still an error")
        let warning = try #require(lenient.diagnostics.first { $0.code == .secretKeyNotLoaded })
        #expect(warning.message.hasPrefix("2 encrypted values were not opened: sealed with key \(Self.key.id), which is not loaded (no keys are loaded)"))
        #expect(warning.message.hasSuffix("Fleet providers.anthropic.apiKey, a channels.telegram.default.botToken"))
        let clean = Self.audit(Array(files.prefix(2)), keys: [], keysRequired: false)
        #expect(clean.isValid && clean.diagnostics.map(\.code) == [.secretKeyNotLoaded], "\(clean.dump)")
        // With keys required (render, plan, apply) the same values are errors.
        let strict = Self.audit(Array(files.prefix(2)), keys: [])
        #expect(strict.diagnostics.map(\.code) == [.secretUndecryptable, .secretUndecryptable], "\(strict.dump)")
        // A wrong key is still E051 without keys required: the key that is loaded does not open it.
        let other = try SecretKey(bytes: [UInt8](repeating: 7, count: 32), source: "other")
        let wrong = Self.audit([("fleet/bots/a.yaml", Self.bot("a", token: try SecretsTests.sealed("t", bot: "a", key: other).replacing(other.id, with: Self.key.id)))],
                               keys: [Self.key], keysRequired: false)
        #expect(wrong.diagnostics.map(\.code) == [.missingProviderKey, .secretUndecryptable], "\(wrong.dump)")
    }

    // MARK: rendering

    @Test func providerKeysRenderAsFileSecretRefsWithTheBotsOwnWinning() throws {
        var set = loadFiles([
            ("fleet/fleet.yaml", Array(Self.fleet("  providers:\n    anthropic: {apiKey: \"\(try Self.sealed("sk-ant-fleet", scope: SecretEnvelope.fleetScope))\"}\n    openai: {apiKey: \"\(try Self.sealed("sk-oa-fleet", scope: SecretEnvelope.fleetScope, provider: "openai"))\"}").utf8)),
            ("fleet/bots/a.yaml", Array(Self.bot("a", spec: "  providers: {openai: {apiKey: \"\(try Self.sealed("sk-oa-own", scope: "a", provider: "openai"))\"}}").utf8)),
        ])
        set.secrets = Self.opener
        #expect(set.isValid, "\(set.dump)")
        let secrets = set.secrets
        var renderer = Renderer(fleet: set.fleet, stateRoot: "/r", commit: nil, fingerprinter: Fingerprinter(key: [1]),
                                openSecret: { bot, field, raw in try secrets.open(bot: bot, field: field, raw: raw) })
        // The 2026.4 form: the path table below is OpenClaw's 2026.4 baseline.
        renderer.release = OpenClawRelease(year: 2026, month: 4, patch: 27)
        let rendered = try renderer.render(set.bots[0], port: 18789)
        let files = Dictionary(uniqueKeysWithValues: rendered.secretFiles.map { ($0.name, ($0.field, $0.value)) })
        #expect(files["model-anthropic-apiKey"]?.0 == "providers.anthropic.apiKey")
        #expect(files["model-anthropic-apiKey"]?.1 == "sk-ant-fleet")
        #expect(files["model-openai-apiKey"]?.1 == "sk-oa-own", "the bot's own key replaces the Fleet's")
        let models = rendered.config["models"]?["providers"]
        #expect(models?["anthropic"] == .object([
            "baseUrl": "https://api.anthropic.com", "models": .array([]),
            "apiKey": .object(["source": "file", "provider": "fleet-model-anthropic-apikey", "id": "value"]),
        ]))
        #expect(models?["openai"]?["baseUrl"] == "https://api.openai.com/v1")
        #expect(rendered.config["secrets"]?["providers"]?["fleet-model-openai-apikey"] == .object([
            "source": "file", "path": "/r/bots/a/secrets/model-openai-apiKey", "mode": "singleValue",
        ]))
        for plain in ["sk-ant-fleet", "sk-oa-fleet", "sk-oa-own"] {
            #expect(!rendered.fileText.contains(plain))
            #expect(!rendered.secretFingerprints.values.contains(plain))
        }
        #expect(ConfigPathTable.openClaw.validate(rendered.config).isEmpty)
        #expect(RenderedPathTable.problems(rendered.config).isEmpty, "\(RenderedPathTable.problems(rendered.config))")
        // A changed key is a changed credential: the classifier restarts the gateway.
        var changed = set
        changed.bots[0].providers["openai"] = try Self.sealed("sk-oa-new", scope: "a", provider: "openai")
        let next = try renderer.render(changed.bots[0], port: 18789)
        let verdict = ChangeClassifier.classify(oldConfig: rendered.config, old: AppliedRecord(rendered), new: next)
        #expect(verdict.kind == .restart && verdict.reasons.contains("credentials changed (providers.openai.apiKey)"), "\(verdict)")
    }

    // MARK: editing files

    @Test func setAddsProviderKeysToBotAndFleetManifests() throws {
        var bot = try SecretFileEditor(text: "# keep me\n" + Self.bot("a", token: "x", spec: "  model: openai/gpt-4.1  # comment"), file: "a.yaml")
        try bot.set(bot: "a", field: "providers.openai.apiKey", value: "ENC-1")
        #expect(bot.text.contains("spec:\n  providers: {openai: {apiKey: \"ENC-1\"}}\n  channels:"), "\(bot.text)")
        #expect(bot.text.contains("# keep me") && bot.text.contains("# comment"))
        try bot.set(bot: "a", field: "providers.anthropic.apiKey", value: "ENC-2")
        try bot.set(bot: "a", field: "providers.openai.apiKey", value: "ENC-3")
        #expect(bot.sites.map { "\($0.bot) \($0.field) \($0.value)" } == [
            "a providers.anthropic.apiKey ENC-2", "a providers.openai.apiKey ENC-3", "a channels.telegram.default.botToken x",
        ])
        var fleet = try SecretFileEditor(text: Self.fleet("  basePort: 20000\n  providers:\n    openai:\n      baseUrlNote: x"), file: "fleet.yaml")
        #expect(fleet.hasFleetManifest && fleet.botNames.isEmpty)
        try fleet.set(bot: SecretEnvelope.fleetScope, field: "providers.openai.apiKey", value: "ENC-F")
        #expect(fleet.text.contains("    openai:\n      apiKey: \"ENC-F\"\n      baseUrlNote: x"), "\(fleet.text)")
        #expect(fleet.sites.map(\.bot) == [SecretEnvelope.fleetScope])
        #expect(throws: SecretEditError.self) {
            var e = try SecretFileEditor(text: Self.bot("a", token: "x"), file: "a.yaml")
            try e.set(bot: SecretEnvelope.fleetScope, field: "providers.openai.apiKey", value: "v")
        }
    }
}
