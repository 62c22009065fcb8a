@testable import FleetCore
import FleetGit
import FleetTestSupport
import Foundation
import OpenClawConfig
import Testing

/// Loading and rendering fleets to Kubernetes objects, shared by the render and validator tests.
enum KubernetesFixtures {
    static func demoKeys() throws -> SecretKeys {
        let text = try String(contentsOfFile: Repo.root + "/examples/demo.key", encoding: .utf8)
        return SecretKeys([try SecretKey(text: text, source: "examples/demo.key")])
    }

    /// A fixed commit, so the `fleet.dev/commit` labels do not follow the repository's HEAD.
    static let commit: GitCommitInfo = {
        let who = GitSignatureInfo(name: "Ada Author", email: "ada@example.com", time: Date(timeIntervalSince1970: 1_700_000_000))
        return GitCommitInfo(id: "0123456789abcdef0123456789abcdef01234567", shortId: "0123456", author: who, committer: who,
                             summary: "demo", message: "demo\n")
    }()

    /// A directory of the repository, read from disk, with its secrets opened by the demo key.
    static func load(_ path: String) throws -> ManifestSet {
        var set = try FleetSession.load(ManifestSource(repository: Repo.root, path: path, worktree: true), keys: try demoKeys())
        #expect(set.isValid, "\(set.dump)")
        set.commit = commit
        return set
    }

    /// The generated fleet of `count` bots (plain-text tokens), with the demo key for the gateway tokens.
    static func generated(_ count: Int) throws -> ManifestSet {
        var set = loadFiles(generatedFleet(count))
        #expect(set.isValid, "\(set.dump)")
        set.secrets = SecretOpener(keys: try demoKeys())
        return set
    }

    static func bundle(_ set: ManifestSet, externalSecrets: Bool = false) throws -> KubernetesBundle {
        try KubernetesRenderer(set: set, externalSecrets: externalSecrets, repositoryFile: { path in
            FileManager.default.contents(atPath: Repo.root + "/" + path).map { [UInt8]($0) }
        }).render()
    }
}

@Suite struct KubernetesRenderTests {
    static let goldenDirectory = Repo.fixtures + "/kubernetes"

    @Test func theSupportBotMatchesItsGoldenFiles() throws {
        let update = ProcessInfo.processInfo.environment["FLEET_UPDATE_GOLDEN"] == "1"
        var set = try KubernetesFixtures.load("fleet")
        set.bots = set.bots.filter { $0.name == "support" }
        let files = try KubernetesFixtures.bundle(set).files
        #expect(files.map(\.path) == ["support/configmap.yaml", "support/secret.yaml", "support/service.yaml",
                                      "support/statefulset.yaml", "kustomization.yaml"])
        for (path, text) in files {
            let golden = Self.goldenDirectory + "/" + path
            if update {
                try FileManager.default.createDirectory(atPath: (golden as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: golden, atomically: true, encoding: .utf8)
            }
            #expect(text == (try String(contentsOfFile: golden, encoding: .utf8)),
                    "\(path) differs from its golden file; rerun with FLEET_UPDATE_GOLDEN=1 if intended")
        }
    }

    @Test func renderingIsDeterministicAndIgnoresOtherBots() throws {
        let set = try KubernetesFixtures.load("fleet")
        let a = try KubernetesFixtures.bundle(set).files
        let b = try KubernetesFixtures.bundle(set).files
        #expect(a.map(\.text) == b.map(\.text))
        // One bot's objects do not depend on which other bots exist (ports are per pod).
        var alone = set
        alone.bots = set.bots.filter { $0.name == "ops" }
        let opsAlone = try KubernetesFixtures.bundle(alone).files.filter { $0.path.hasPrefix("ops/") }
        #expect(opsAlone.map(\.text) == a.filter { $0.path.hasPrefix("ops/") }.map(\.text))
    }

    @Test func theContainerConfigUsesContainerPathsAndIsValidOpenClaw() throws {
        let set = try KubernetesFixtures.load("fleet")
        var renderer = Renderer(fleet: set.fleet, stateRoot: "/srv/fleet", commit: nil, fingerprinter: Fingerprinter(key: []),
                                openSecret: { bot, field, raw in try set.secrets.open(bot: bot, field: field, raw: raw) })
        renderer.target = .container
        for release in [OpenClawRelease(year: 2026, month: 4, patch: 27), OpenClawReleaseTable.newestKnown] {
            renderer.release = release
            for bot in set.bots {
                let rendered = try renderer.render(bot, port: 18789)
                #expect(!rendered.body.contains("/srv/fleet"), "\(bot.name) leaks a host path")
                #expect(rendered.config["gateway"]?["bind"] == "lan")
                // A pod binds lan: the Control UI is off, or the gateway refuses to start
                // (OpenClaw: src/gateway/server-runtime-config.ts).
                #expect(rendered.config["gateway"]?["controlUi"]?["enabled"] == .bool(false))
                #expect(rendered.launch.environment["OPENCLAW_CONFIG_PATH"] == "/etc/openclaw/config.json5")
                #expect(rendered.launch.environment["OPENCLAW_STATE_DIR"] == "/var/lib/openclaw")
                #expect(rendered.launch.environment["OPENCLAW_NO_RESPAWN"] == "1")
                if release.month == 4 { #expect(RenderedPathTable.problems(rendered.config).isEmpty) }
                #expect(OpenClawConfigCheck.issues(rendered.config, release: release).isEmpty, "\(bot.name) \(release)")
                for secret in rendered.secretFiles { #expect(!rendered.body.contains(secret.value)) }
            }
        }
    }

    @Test func disabledBotsAreLeftOut() throws {
        var set = try KubernetesFixtures.load("fleet")
        set.bots[0].enabled = false
        let files = try KubernetesFixtures.bundle(set).files.map(\.path)
        #expect(!files.contains { $0.hasPrefix(set.bots[0].name + "/") })
        #expect(files.count == 4 * (set.bots.count - 1) + 1)
    }

    @Test func externalSecretsCarryNoValues() throws {
        let set = try KubernetesFixtures.load("fleet")
        let bundle = try KubernetesFixtures.bundle(set, externalSecrets: true)
        let support = try #require(bundle.objects.first { $0.file == "support/externalsecret.yaml" })
        #expect(!bundle.files.contains { $0.path.hasSuffix("/secret.yaml") })
        let data = support.value["spec"]?["data"]?.arrayValue ?? []
        #expect(data.compactMap { $0["secretKey"]?.stringValue } == ["gateway-token", "model-anthropic-apiKey", "telegram-default-botToken"])
        #expect(data.first?["remoteRef"]?["key"] == "demo/support")
        #expect(support.value["spec"]?["target"]?["name"] == "support-secrets")
        let everything = bundle.files.map(\.text).joined()
        #expect(!everything.contains("demo-support-token"))
        #expect(!everything.contains("sk-ant-demo-fleet-key"), "the Fleet's provider key is not in the ExternalSecret output")
        #expect(!everything.contains("secrets-fingerprint"))
    }

    @Test func aSecretWithoutAKeyIsRefusedWithTheWayOut() throws {
        var set = loadFiles(generatedFleet(2))
        set.secrets = SecretOpener()
        #expect {
            try KubernetesFixtures.bundle(set)
        } throws: { error in
            "\(error)".contains("pass --key-file") && "\(error)".contains("--external-secrets")
        }
        #expect(try KubernetesFixtures.bundle(set, externalSecrets: true).objects.count == 8)
    }

    @Test func resourcesComeFromTheBotThenTheFleetDefaults() throws {
        let set = loadFiles([
            ("fleet/fleet.yaml", Array("""
                apiVersion: fleet/v1
                kind: Fleet
                metadata: {name: f}
                spec:
                  secrets: {allowPlaintext: true}
                  defaults:
                    resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 512Mi}}
                  kubernetes: {image: registry.example/openclaw, tag: "2026.9.6", namespace: bots, storage: 5Gi, storageClass: fast}
                """.utf8)),
            ("fleet/bots/a.yaml", Array(validBot("a", spec: "  resources: {requests: {cpu: \"1\"}, limits: {cpu: 1500m}}").utf8)),
            ("fleet/bots/b.yaml", Array(validBot("b").utf8)),
        ])
        #expect(set.isValid, "\(set.dump)")
        let objects = try KubernetesFixtures.bundle(set, externalSecrets: true).objects
        func container(_ bot: String) -> JSONValue? {
            objects.first { $0.file == "\(bot)/statefulset.yaml" }?.value["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first
        }
        #expect(container("a")?["resources"] == .object([
            "requests": .object(["cpu": "1", "memory": "256Mi"]), "limits": .object(["cpu": "1500m", "memory": "512Mi"]),
        ]))
        #expect(container("b")?["resources"]?["requests"]?["cpu"] == "100m")
        #expect(container("a")?["image"] == "registry.example/openclaw:2026.9.6")
        let sts = try #require(objects.first { $0.file == "a/statefulset.yaml" }?.value)
        #expect(sts["metadata"]?["namespace"] == "bots")
        let claim = sts["spec"]?["volumeClaimTemplates"]?.arrayValue?.first?["spec"]
        #expect(claim?["resources"]?["requests"]?["storage"] == "5Gi")
        #expect(claim?["storageClassName"] == "fast")
    }

    @Test func badQuantitiesAreFormatErrors() {
        let set = loadText(validBot("a", spec: "  resources: {requests: {memory: 1 GB}, limits: {cpu: \"-1\"}}"))
        #expect(set.reported.filter { $0.code == "E024" }.count == 2, "\(set.dump)")
    }

    @Test func namesKubernetesRejectsAreShortenedStably() {
        #expect(KubernetesNames(bot: "support").workload == "support")
        #expect(KubernetesNames(bot: "7eleven").workload == "bot-7eleven")
        let long = String(repeating: "a", count: 63)
        let names = KubernetesNames(bot: long)
        #expect(names.workload.count <= KubernetesNames.maxLength)
        #expect(names.workload == KubernetesNames(bot: long).workload)
        #expect(names.workload != KubernetesNames(bot: String(repeating: "a", count: 62)).workload)
        #expect(names.secret.count <= 63 && names.directory == long)
    }

    @Test func yamlScalarsThatCouldBeMisreadAreQuoted() {
        #expect(KubernetesYAML.scalar("lan") == "lan")
        #expect(KubernetesYAML.scalar("ghcr.io/openclaw/openclaw:latest") == "ghcr.io/openclaw/openclaw:latest")
        for risky in ["yes", "No", "on", "null", "~", "1", "0123", "1Gi", "--port", "a b", "", "x:", "#c", "*a", "é"] {
            #expect(KubernetesYAML.scalar(risky).hasPrefix("\""), "\(risky)")
        }
        #expect(KubernetesYAML.quoted("a\"b\\c\u{1}\u{2028}") == "\"a\\\"b\\\\c\\u0001\\u2028\"")
        #expect(KubernetesYAML.document(.object(["t": "a\nb\n", "u": "a\nb", "v": "a\n\n", "e": .array([]), "o": .object([:])]))
                == "e: []\no: {}\nt: |\n  a\n  b\nu: |-\n  a\n  b\nv: |+\n  a\n\n")
    }
}
