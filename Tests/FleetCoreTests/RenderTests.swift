@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import Testing

/// OpenClaw's config paths for what fleet renders, from the test fixture derived from OpenClaw's
/// own baseline (independent of the table the stand-in gateway carries).
enum RenderedPathTable {
    static let rows: [String: String] = {
        let text = (try? String(contentsOfFile: Repo.fixtures + "/openclaw-config-paths.tsv", encoding: .utf8)) ?? ""
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
            if cols.count >= 2 { out[String(cols[0])] = String(cols[1]) }
        }
        return out
    }()

    /// Every leaf path of `value` that is missing from the table or has another type.
    static func problems(_ value: JSONValue, path: [String] = []) -> [String] {
        var out: [String] = []
        switch value {
        case .object(let members):
            if !path.isEmpty, let type = lookup(path), !type.isEmpty, !type.contains("object") { out.append("\(dotted(path)) is an object; table says \(type)") }
            for (key, child) in members { out += problems(child, path: path + [key]) }
        case .array(let items):
            if let type = lookup(path), !type.isEmpty, !type.contains("array") { out.append("\(dotted(path)) is an array; table says \(type)") }
            for item in items { out += problems(item, path: path + ["*"]) }
        default:
            guard let type = lookup(path) else { return ["\(dotted(path)) is not an OpenClaw config path"] }
            let actual = value.typeName
            let ok = type.isEmpty || type.split(separator: "|").contains { t in
                t == actual || (t == "number" && actual == "integer")
            }
            if !ok { out.append("\(dotted(path)) is \(actual); table says \(type)") }
        }
        return out
    }

    static func dotted(_ path: [String]) -> String { path.joined(separator: ".") }

    /// Looks a concrete path up, letting `*` stand for any record key.
    static func lookup(_ path: [String]) -> String? {
        func search(_ i: Int, _ prefix: [String]) -> String? {
            if i == path.count { return rows[dotted(prefix)] }
            if let found = rows[dotted(prefix + [path[i]])].flatMap({ _ in search(i + 1, prefix + [path[i]]) }) { return found }
            if rows[dotted(prefix + ["*"])] != nil { return search(i + 1, prefix + ["*"]) }
            return nil
        }
        return search(0, [])
    }
}

/// Builds the YAML of a varied, valid fleet of `count` bots.
func generatedFleet(_ count: Int) -> [(String, [UInt8])] {
    var files: [(String, [UInt8])] = [("fleet/fleet.yaml", Array("""
        apiVersion: fleet/v1
        kind: Fleet
        metadata: {name: big}
        spec:
          maxBots: \(count)
          defaults:
            model: anthropic/claude-sonnet-4-5
            tools: {profile: messaging, bash: false}
        """.utf8))]
    let types = ["telegram", "discord", "slack", "whatsapp", "signal"]
    for i in 0..<count {
        let type = types[i % types.count]
        var channel = "    - type: \(type)\n      accountId: acct\(i % 3)\n      dmPolicy: \(i % 2 == 0 ? "allowlist" : "pairing")\n      allowFrom: [\"\(100_000 + i)\"]\n"
        switch type {
        case "telegram": channel += "      credentials: {botToken: \"\(i):tok\"}\n      requireMention: true\n      groupAllowFrom: [\"7\"]\n"
        case "discord": channel += "      credentials: {token: \"d\(i)\"}\n      guilds: [\"\(900 + i)\"]\n      requireMention: true\n"
        case "slack": channel += "      mode: socket\n      credentials: {botToken: \"xoxb-\(i)\", appToken: \"xapp-\(i)\"}\n"
        case "signal": channel += "      account: \"+1555000\(i)\"\n"
        default: break
        }
        let binding = type == "discord" ? "{channel: discord, guildId: \"\(900 + i)\", priority: 2}"
            : type == "slack" ? "{channel: slack, teamId: T\(i)}"
            : "{channel: \(type), accountId: acct\(i % 3), peer: {kind: direct, id: \"\(100_000 + i)\"}, priority: 1}"
        let text = """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: bot-\(i), labels: {shard: s\(i % 4)}}
            spec:
              displayName: Bot \(i)
              systemPrompt: You are bot \(i).
              session: {scope: per-sender, dmScope: per-peer, reset: {mode: idle, idleMinutes: \(30 + i % 60)}}
              tools: {web: \(i % 2 == 0), media: true, browser: \(i % 7 == 0), allow: [read]}
              channels:
            \(channel)  bindings:
                - \(binding)

            """
        files.append(("fleet/bots/bot-\(i).yaml", Array(text.utf8)))
    }
    return files
}

@Suite struct RenderTests {
    static let key = Array("test-fingerprint-key".utf8)

    static let release4 = OpenClawRelease(year: 2026, month: 4, patch: 27)
    static let release9 = OpenClawRelease(year: 2026, month: 9, patch: 6)

    func renderAll(_ set: ManifestSet, root: String = "/var/openclaw", release: OpenClawRelease = OpenClawReleaseTable.newestKnown) throws -> [RenderedBot] {
        var renderer = Renderer(fleet: set.fleet, stateRoot: root, commit: "abc1234", fingerprinter: Fingerprinter(key: Self.key))
        renderer.release = release
        let ports = PortAllocator(basePort: set.fleet.basePort, stride: set.fleet.portStride).allocate(set.bots, previous: [:])
        return try set.bots.map { try renderer.render($0, port: ports[$0.name] ?? 0) }
    }

    func demo() throws -> ManifestSet {
        let set = try FleetSession.load(ManifestSource(repository: Repo.root, path: "fleet", worktree: true))
        #expect(set.isValid, "\(set.diagnostics)")
        return set
    }

    /// The config-path baseline is OpenClaw 2026.4's: every rendered path for 2026.4.27 is in it
    /// with its type; for 2026.9.6 the release's own check passes and no legacy key appears.
    @Test func everyRenderedPathIsAnOpenClawPathWithItsType() throws {
        #expect(RenderedPathTable.rows.count > 1000)
        var sets = [try demo()]
        let examples = Repo.root + "/examples"
        if FileManager.default.fileExists(atPath: examples) {
            let set = try FleetSession.load(ManifestSource(repository: Repo.root, path: "examples", worktree: true))
            if !set.bots.isEmpty { sets.append(set) }
        }
        let big = loadFiles(generatedFleet(1000))
        #expect(big.isValid, "\(big.diagnostics.prefix(5))")
        #expect(big.bots.count == 1000)
        sets.append(big)
        let legacy = OpenClawReleaseTable.value(.legacyKeys, for: Self.release9)
        for set in sets {
            for rendered in try renderAll(set, release: Self.release4) {
                let problems = RenderedPathTable.problems(rendered.config)
                #expect(problems.isEmpty, "\(rendered.name): \(problems)")
                #expect(OpenClawConfigCheck.issues(rendered.config, release: Self.release4).isEmpty)
            }
            for rendered in try renderAll(set, release: Self.release9) {
                #expect(OpenClawConfigCheck.issues(rendered.config, release: Self.release9).isEmpty, "\(rendered.name)")
                #expect(LegacyKey.find(in: rendered.config, legacy).isEmpty, "\(rendered.name)")
            }
        }
    }

    @Test func demoBotsMatchTheirGoldenFiles() throws {
        let update = ProcessInfo.processInfo.environment["FLEET_UPDATE_GOLDEN"] == "1"
        for rendered in try renderAll(try demo()) {
            let path = Repo.fixtures + "/golden/\(rendered.name).json5"
            if update { try rendered.fileText.write(toFile: path, atomically: true, encoding: .utf8) }
            let golden = try String(contentsOfFile: path, encoding: .utf8)
            #expect(rendered.fileText == golden, "golden file differs for \(rendered.name); rerun with FLEET_UPDATE_GOLDEN=1 if intended")
        }
    }

    @Test func renderingIsDeterministic() throws {
        let a = try renderAll(try demo())
        let b = try renderAll(try demo())
        #expect(a.map(\.fileText) == b.map(\.fileText))
        #expect(a.map(\.configHash) == b.map(\.configHash))
        let one = """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: x, labels: {a: "1", b: "2"}}
            spec:
              model: openai/gpt-4o
              session: {scope: global, dmScope: main}
              channels:
                - {type: telegram, dmPolicy: pairing, credentials: {botToken: t}}
                - {type: discord, credentials: {token: d}, guilds: ["2", "1"]}
            """
        let two = """
            kind: Bot
            apiVersion: fleet/v1
            spec:
              channels:
                - {credentials: {botToken: t}, dmPolicy: pairing, type: telegram}
                - {guilds: ["2", "1"], type: discord, credentials: {token: d}}
              session: {dmScope: main, scope: global}
              model: openai/gpt-4o
            metadata: {labels: {b: "2", a: "1"}, name: x}
            """
        let ra = try renderAll(loadFiles([("fleet/x.yaml", Array(one.utf8))]))
        let rb = try renderAll(loadFiles([("fleet/x.yaml", Array(two.utf8))]))
        #expect(ra.first?.fileText == rb.first?.fileText)
        #expect(ra.first?.body.contains("tokenFile") == true)
    }

    /// The demo fleet opened with its key: the renderer gets the plaintext tokens (not the
    /// envelopes), writes them to the secret files only, and never into the config text.
    @Test func secretsNeverEnterTheConfig() throws {
        let keyText = try String(contentsOfFile: Repo.root + "/examples/demo.key", encoding: .utf8)
        let keys = SecretKeys([try SecretKey(text: keyText, source: "examples/demo.key")])
        let set = try FleetSession.load(ManifestSource(repository: Repo.root, path: "fleet", worktree: true), keys: keys)
        #expect(set.isValid, "\(set.diagnostics)")
        let secrets = set.secrets
        let renderer = Renderer(fleet: set.fleet, stateRoot: "/var/openclaw", commit: "abc1234", fingerprinter: Fingerprinter(key: Self.key),
                                openSecret: { bot, field, raw in try secrets.open(bot: bot, field: field, raw: raw) })
        let ports = PortAllocator(basePort: set.fleet.basePort, stride: set.fleet.portStride).allocate(set.bots, previous: [:])
        var values: Set<String> = []
        for bot in set.bots {
            let rendered = try renderer.render(bot, port: ports[bot.name] ?? 0)
            for secret in rendered.secretFiles where secret.name != "gateway-token" {
                #expect(!secret.value.hasPrefix("ENC["), "\(bot.name) \(secret.field) is still an envelope")
                #expect(!rendered.fileText.contains(secret.value), "\(bot.name) \(secret.field) is in the config")
                #expect(rendered.secretFingerprints[secret.field]?.hasPrefix("hmac:") == true)
                #expect(rendered.secretFingerprints[secret.field]?.contains(secret.value) == false)
                values.insert(secret.value)
            }
        }
        // The demo's (fake) tokens, as sealed with examples/demo.key.
        #expect(values.isSuperset(of: ["123456789:demo-support-token", "demo-discord-token", "xoxb-demo-ops", "xapp-demo-ops"]), "\(values.count) values")
    }

    @Test func fleetAndBotEscapeHatchesMergeAndAreChecked() throws {
        let fleet = """
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: f}
            spec:
              openclaw: {session: {idleMinutes: 30}, logging: {level: debug}}
            """
        let bot = """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: x}
            spec:
              openclaw:
                logging: {level: info}
                gateway: {channelHealthCheckMinutes: 5}
            """
        let set = loadFiles([("fleet/f.yaml", Array(fleet.utf8)), ("fleet/x.yaml", Array(bot.utf8))])
        #expect(set.isValid, "\(set.diagnostics)")
        let rendered = try #require(try renderAll(set).first)
        #expect(rendered.config["logging"]?["level"] == .string("info"))
        #expect(rendered.config["session"]?["idleMinutes"] == .int(30))
        #expect(rendered.config["gateway"]?["channelHealthCheckMinutes"] == .int(5))
        #expect(rendered.config["gateway"]?["mode"] == .string("local"))

        let bad = """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: y}
            spec:
              openclaw:
                gateway: {prot: 1}
                session: {scope: 3}
            """
        let badSet = loadFiles([("fleet/y.yaml", Array(bad.utf8))])
        let found = badSet.diagnostics.map { Reported($0) }
        #expect(found.contains(Reported(code: "E040", line: 6, column: 15)), "\(found)")
        #expect(found.contains(Reported(code: "E040", line: 7, column: 15)), "\(found)")
    }

    func renderOne(_ yaml: String, port: Int = 18789) throws -> RenderedBot {
        let set = loadFiles([("fleet/x.yaml", Array(yaml.utf8))])
        #expect(set.isValid, "\(set.diagnostics)")
        let renderer = Renderer(fleet: set.fleet, stateRoot: "/r", commit: nil, fingerprinter: Fingerprinter(key: Self.key))
        return try renderer.render(try #require(set.bots.first), port: port)
    }

    static let base = """
        apiVersion: fleet/v1
        kind: Bot
        metadata: {name: x}
        spec:
          model: MODEL
          systemPrompt: PROMPT
          gateway: {bind: BIND}
          channels:
            - {type: telegram, credentials: {botToken: TOKEN}, dmPolicy: DM}
        """

    func variant(model: String = "openai/gpt-4o", prompt: String = "hi", bind: String = "loopback",
                 token: String = "t1", dm: String = "pairing") -> String {
        Self.base.replacingOccurrences(of: "MODEL", with: model).replacingOccurrences(of: "PROMPT", with: prompt)
            .replacingOccurrences(of: "BIND", with: bind).replacingOccurrences(of: "TOKEN", with: token)
            .replacingOccurrences(of: "DM", with: dm)
    }

    func verdict(_ old: RenderedBot, _ new: RenderedBot) -> ChangeVerdict {
        ChangeClassifier.classify(oldConfig: old.config, old: AppliedRecord(old), new: new)
    }

    @Test func classifierNoChange() throws {
        let a = try renderOne(variant())
        let v = verdict(a, try renderOne(variant()))
        #expect(v.kind == .none)
        #expect(v.reasons.isEmpty)
    }

    @Test func classifierReloadsModelAndChannelChanges() throws {
        let a = try renderOne(variant())
        let model = verdict(a, try renderOne(variant(model: "anthropic/claude-opus-4-1")))
        #expect(model.kind == .reload)
        #expect(model.paths == ["agents.entries.x.model"])
        #expect(model.reasons == ["model changed"])
        let dm = verdict(a, try renderOne(variant(dm: "disabled")))
        #expect(dm.kind == .reload)
        #expect(dm.paths == ["channels.telegram.accounts.default.dmPolicy"])
        let prompt = verdict(a, try renderOne(variant(prompt: "hello")))
        #expect(prompt.kind == .reload)
        #expect(prompt.paths.isEmpty)
    }

    @Test func classifierRestartsPortBindAndSecretChanges() throws {
        let a = try renderOne(variant())
        let port = verdict(a, try renderOne(variant(), port: 18809))
        #expect(port.kind == .restart)
        #expect(port.reasons.contains("port 18789 -> 18809"))
        #expect(port.paths == ["gateway.port"])
        let bind = verdict(a, try renderOne(variant(bind: "lan")))
        #expect(bind.kind == .restart)
        // Beyond loopback the Control UI goes off too (OpenClaw: src/gateway/server-runtime-config.ts).
        #expect(bind.paths == ["gateway.bind", "gateway.controlUi"])
        let token = verdict(a, try renderOne(variant(token: "t2")))
        #expect(token.kind == .restart)
        #expect(token.reasons == ["credentials changed (channels.telegram.default.botToken)"])
        #expect(!token.reasons.joined().contains("t2"))
    }

    @Test func portsAreStableAndClearOfFixedPorts() throws {
        func bot(_ name: String, _ port: String) -> (String, [UInt8]) {
            ("fleet/\(name).yaml", Array("apiVersion: fleet/v1\nkind: Bot\nmetadata: {name: \(name)}\nspec: {gateway: {port: \(port)}}\n".utf8))
        }
        let set = loadFiles([bot("a", "auto"), bot("b", "auto"), bot("c", "18809")])
        let allocator = PortAllocator(basePort: 18789, stride: 20)
        let first = allocator.allocate(set.bots, previous: [:])
        #expect(first["c"] == 18809)
        #expect(first["a"] == 18929)
        #expect(first["b"] == 18949)
        let kept = allocator.allocate(set.bots, previous: ["a": 19789, "b": 18949])
        #expect(kept["a"] == 19789)
        #expect(kept["b"] == 18949)
    }
}
