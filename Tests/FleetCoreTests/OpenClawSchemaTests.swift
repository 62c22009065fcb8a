@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import Testing

/// Every manifest field and every channel type, rendered for OpenClaw 2026.4.27, validates against
/// OpenClaw's own JSON Schema of that release (Python's `jsonschema`, the configs read with
/// `json5`); rendered for 2026.9.6, no key of OpenClaw's legacy-key table appears.
///
/// The schema and the legacy keys are committed fixtures (``schema``, ``legacyKeys``). Without the
/// Python modules the test records an issue when `FLEET_REQUIRE_SCHEMA_TOOLS=1` (CI sets it), and
/// otherwise says what it skipped.
@Suite struct OpenClawSchemaTests {
    static let release4 = OpenClawRelease(year: 2026, month: 4, patch: 27)
    static let release9 = OpenClawRelease(year: 2026, month: 9, patch: 6)

    static let fleet = """
        apiVersion: fleet/v1
        kind: Fleet
        metadata: {name: schema-check, labels: {env: test}}
        spec:
          stateRoot: /var/openclaw
          basePort: 18789
          portStride: 20
          gatewayCommand: [openclaw, gateway, run]
          secrets: {allowPlaintext: true}
          defaults:
            model: anthropic/claude-sonnet-4-5
            session: {scope: per-sender, dmScope: per-channel-peer, reset: {mode: daily, atHour: 4}}
            tools: {profile: messaging, bash: false, browser: false, web: true, media: true, allow: [read], deny: [cron]}
          openclaw: {logging: {level: info}}
        """

    /// One bot with every field of `spec`, every channel type (slack in both modes).
    static let everyField = """
        apiVersion: fleet/v1
        kind: Bot
        metadata: {name: everything, labels: {team: a}, owners: ["@org/team"]}
        spec:
          displayName: Every Field
          enabled: true
          suspend: false
          model: openai/gpt-4o
          systemPrompt: You check the schema.
          avatar: assets/avatar.png
          gateway: {port: 18889, bind: custom, customBindHost: 10.0.0.5}
          session: {scope: global, dmScope: per-peer, reset: {mode: idle, atHour: 3, idleMinutes: 90}}
          tools: {profile: coding, bash: true, browser: true, web: false, media: false, allow: [read, write], deny: [cron]}
          resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: "1", memory: 1Gi}}
          openclaw: {gateway: {channelHealthCheckMinutes: 5}}
          providers:
            openai: {apiKey: "openai-key"}
            anthropic: {apiKey: "anthropic-key"}
            google: {apiKey: "google-key"}
            minimax: {apiKey: "minimax-key"}
            minimax-cn: {apiKey: "minimax-cn-key"}
            kimi-coding: {apiKey: "kimi-coding-key"}
            zai: {apiKey: "zai-key"}
            openrouter: {apiKey: "openrouter-key"}
            vercel-ai-gateway: {apiKey: "vercel-ai-gateway-key"}
            huggingface: {apiKey: "huggingface-key"}
            xai: {apiKey: "xai-key"}
            mistral: {apiKey: "mistral-key"}
          channels:
            - type: telegram
              accountId: main
              enabled: true
              credentials: {botToken: "123:tg"}
              dmPolicy: allowlist
              allowFrom: ["111"]
              groupPolicy: allowlist
              groupAllowFrom: ["222"]
              requireMention: true
            - type: discord
              credentials: {token: dc-token}
              dmPolicy: pairing
              groupPolicy: open
              guilds: ["900", "901"]
              requireMention: false
            - type: slack
              mode: socket
              credentials: {botToken: xoxb-1, appToken: xapp-1}
              requireMention: true
              groupPolicy: disabled
            - type: slack
              accountId: web
              enabled: false
              mode: http
              credentials: {botToken: xoxb-2, signingSecret: sign-2}
            - type: whatsapp
              dmPolicy: open
              allowFrom: ["*"]
              groupAllowFrom: ["+15550001"]
              requireMention: true
            - type: signal
              account: "+15550002"
              dmPolicy: disabled
              groupAllowFrom: ["+15550003"]
              requireMention: false
          bindings:
            - {channel: telegram, accountId: main, peer: {kind: direct, id: "111"}, priority: 10}
            - {channel: telegram, peer: {kind: group, id: "-100"}}
            - {channel: discord, guildId: "900", priority: 5}
            - {channel: slack, accountId: "*", teamId: T1}
            - {channel: whatsapp, peer: {kind: channel, id: "c1"}}
            - {channel: signal}
        """

    /// The other bind modes, the Fleet's defaults, a disabled bot.
    static func small(_ name: String, _ extra: String) -> String {
        """
        apiVersion: fleet/v1
        kind: Bot
        metadata: {name: \(name)}
        spec:
          channels: [{type: telegram, credentials: {botToken: "\(name):tok"}}]
        \(extra)
        """
    }

    static func manifests() -> ManifestSet {
        loadFiles([
            ("fleet/fleet.yaml", Array(fleet.utf8)),
            ("fleet/bots/everything.yaml", Array(everyField.utf8)),
            ("fleet/bots/lan.yaml", Array(small("lan", "  gateway: {bind: lan}").utf8)),
            ("fleet/bots/tailnet.yaml", Array(small("tailnet", "  gateway: {bind: tailnet}").utf8)),
            ("fleet/bots/auto.yaml", Array(small("auto", "  gateway: {bind: auto}").utf8)),
            ("fleet/bots/loop.yaml", Array(small("loop", "  gateway: {bind: custom, customBindHost: 127.0.0.2}").utf8)),
            ("fleet/bots/plain.yaml", Array(small("plain", "").utf8)),
            ("fleet/bots/off.yaml", Array(small("off", "  enabled: false").utf8)),
        ], fileExists: { _ in true })
    }

    static func renderings(_ release: OpenClawRelease) throws -> [(name: String, body: String, config: JSONValue)] {
        let set = manifests()
        #expect(!set.diagnostics.hasErrors, "\(set.dump)")
        var out: [(String, String, JSONValue)] = []
        for target in [RenderTarget.host, .container] {
            var renderer = Renderer(fleet: set.fleet, stateRoot: "/var/openclaw", commit: "abc1234",
                                    fingerprinter: Fingerprinter(key: [1]), repositoryFile: { _ in [0x89, 0x50, 0x4E, 0x47] })
            renderer.release = release
            renderer.target = target
            let ports = PortAllocator(basePort: 18789, stride: 20).allocate(set.bots, previous: [:])
            for bot in set.bots {
                let rendered = try renderer.render(bot, port: ports[bot.name] ?? 18789)
                out.append(("\(bot.name)-\(target)", rendered.body, rendered.config))
            }
        }
        return out
    }

    /// Every field of the Bot schema appears in the fixture, and every channel type and bind mode.
    @Test func theFixtureCoversEveryFieldAndChannelType() {
        let set = Self.manifests()
        var present = Set<String>()
        func walk(_ node: TypedNode, _ path: String) {
            switch node.value {
            case .object(let members):
                for m in members { let p = path.isEmpty ? m.key : "\(path).\(m.key)"; present.insert(p); walk(m.value, p) }
            case .array(let items):
                for item in items { walk(item, path + "[]") }
            default: break
            }
        }
        for bot in set.bots { walk(bot.node, "") }
        var missing: [String] = []
        func fields(_ object: ObjectSchema, _ path: String) {
            for field in object.fields {
                let full = path.isEmpty ? field.name : "\(path).\(field.name)"
                if !present.contains(full) { missing.append(full) }
                switch field.schema {
                case .object(let child): fields(child, full)
                case .array(.object(let child)): fields(child, full + "[]")
                default: break
                }
            }
        }
        fields(ManifestSchemas.bot, "")
        #expect(missing.isEmpty, "fields the schema test does not cover: \(missing)")
        let types = Set(set.bots.flatMap { $0.channels.map(\.type) })
        #expect(types == Set(ManifestSchemas.channelTypes))
        #expect(Set(set.bots.map(\.gateway.bind)) == Set(ManifestSchemas.binds))
    }

    @Test func release9RendersNoLegacyKey() throws {
        let legacy = OpenClawReleaseTable.value(.legacyKeys, for: Self.release9)
        for rendered in try Self.renderings(Self.release9) {
            #expect(LegacyKey.find(in: rendered.config, legacy).isEmpty, "\(rendered.name)")
            #expect(OpenClawConfigCheck.issues(rendered.config, release: Self.release9).isEmpty, "\(rendered.name)")
        }
    }

    /// Also cross-checks the legacy-key table against the reference file, when it is there: every
    /// row of OpenClaw's doctor table is either matched by a pattern or said to name no path.
    @Test func everyLegacyRowIsAccountedFor() throws {
        let data = try #require(FileManager.default.contents(atPath: Self.legacyKeys), "no \(Self.legacyKeys)")
        let json = try JSON5.parse(String(decoding: data, as: UTF8.self))
        let rows = (json["keys"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        #expect(rows.count > 50)
        let covered = Set(OpenClawReleaseTable.value(.legacyKeys, for: Self.release9).map(\.row))
            .union(OpenClawReleaseTable.legacyRowsWithoutPath.map(\.row))
        for row in rows { #expect(covered.contains(row), "legacy row not in the release table: \(row)") }
    }

    @Test func release4RendersValidateAgainstOpenClawsSchema() throws {
        let schema = Self.schema
        #expect(FileManager.default.fileExists(atPath: schema), "no \(schema)")
        let check = try runProcess("/usr/bin/env", ["python3", "-c", "import jsonschema, json5"])
        guard check.status == 0 else { return try Self.missing("Python's jsonschema and json5 (pip install jsonschema json5)") }

        let out = try TempDirectory(prefix: "fleet-schema")
        let renderings = try Self.renderings(Self.release4)
        for rendered in renderings {
            try rendered.body.write(toFile: out.file("\(rendered.name).json5"), atomically: true, encoding: .utf8)
        }
        let script = """
            import glob, json5, jsonschema, sys
            schema = json5.load(open(sys.argv[1]))
            validator = jsonschema.Draft7Validator(schema)
            bad = 0
            files = sorted(glob.glob(sys.argv[2] + '/*.json5'))
            for path in files:
                for error in sorted(validator.iter_errors(json5.load(open(path))), key=lambda e: list(e.absolute_path)):
                    bad += 1
                    print('%s: %s: %s' % (path, '.'.join(str(p) for p in error.absolute_path), error.message[:300]))
            print('checked %d configs' % len(files))
            sys.exit(1 if bad else 0)
            """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", script, schema, out.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("checked \(renderings.count) configs"), "\(result.stdout)")
    }

    /// OpenClaw's 2026.4.27 config schema (its facts, without the prose) and the doctor's legacy
    /// keys of 2026.8, as `scripts/gen-openclaw-fixtures.py` writes them from the workplace's
    /// `shared/openclaw/`: committed, so a fresh clone checks against them too.
    static let schema = Repo.fixtures + "/openclaw-2026.4.27.schema.json"
    static let legacyKeys = Repo.fixtures + "/openclaw-legacy-keys-2026.8.json"

    static func missing(_ what: String) throws {
        if ProcessInfo.processInfo.environment["FLEET_REQUIRE_SCHEMA_TOOLS"] == "1" {
            Issue.record("the OpenClaw schema check cannot run: \(what) is missing")
        } else {
            print("OpenClawSchemaTests: skipped: \(what) is missing (set FLEET_REQUIRE_SCHEMA_TOOLS=1 to make this a failure)")
        }
    }
}
