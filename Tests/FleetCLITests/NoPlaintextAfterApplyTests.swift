import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// Applies the demo fleet (tokens and model provider keys encrypted in git) and searches everything
/// fleet wrote or printed for the plaintext values: only the per-bot secret files may hold them.
@Suite struct NoPlaintextAfterApplyTests {
    static let tokens = ["123456789:demo-support-token", "demo-discord-token", "xoxb-demo-ops", "xapp-demo-ops"]
    /// The Fleet manifest's Anthropic key (every bot) and the ops bot's own OpenAI key.
    static let providerKeys = ["sk-ant-demo-fleet-key", "sk-demo-ops-openai-key"]

    @Test func plaintextTokensAppearOnlyInTheSecretFiles() async throws {
        let root = TestPaths.repositoryRoot(from: #filePath)
        let git = try GitFixture()
        let repo = try git.makeRepo("repo")
        try FileManager.default.copyItem(atPath: root + "/fleet", toPath: repo + "/fleet")
        // A port region leased for this run.
        let fleetFile = repo + "/fleet/fleet.yaml"
        let ports = await PortBlock.lease()
        let base = ports.base
        defer { withExtendedLifetime(ports) {} }
        let manifest = try String(contentsOfFile: fleetFile, encoding: .utf8)
            .replacingOccurrences(of: "basePort: 18789", with: "basePort: \(base)")
        try manifest.write(toFile: fleetFile, atomically: true, encoding: .utf8)
        try git.commitAll("repo", "demo fleet")
        let state = git.path("state")
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = TestPaths.productsDirectory + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["FLEET_KEY_FILE"] = try DemoKey.file()
        env["NO_COLOR"] = "1"
        env["OPENCLAW_BASE_PATH"] = nil
        env["OPENCLAW_BASE_PORT"] = nil
        let fleet = TestPaths.executable("fleet")
        defer {
            let keep = UncheckedBox(git)
            let env = env
            BackgroundTeardown.run {
                _ = try? runProcess(fleet, ["destroy", "--repo", repo, "--state-root", state], env: env)
                withExtendedLifetime(keep) {}
            }
        }
        var printed = ""
        for args in [["validate"], ["plan"], ["plan", "--json"], ["apply"], ["status", "--json"], ["status"],
                     ["render", "support", "--json"], ["render", "ops"], ["plan", "--detailed-exitcode"]] {
            let result = try await runProcess(fleet, args + ["--repo", repo, "--state-root", state], env: env)
            printed += result.stdout + result.stderr
            if args == ["apply"] { #expect(result.status == 0, "\(result.stdout)\(result.stderr)") }
        }
        #expect(printed.contains("Running"))

        var searched = 0
        var secretFiles = 0
        let walker = FileManager.default.enumerator(atPath: state)
        while let relative = walker?.nextObject() as? String {
            let path = state + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            if relative.contains("/secrets/") {
                secretFiles += 1
                continue
            }
            searched += 1
            for token in Self.tokens + Self.providerKeys { #expect(!text.contains(token), "\(token) found in \(relative)") }
        }
        #expect(searched > 10)
        #expect(secretFiles >= 4)
        #expect(FileManager.default.fileExists(atPath: state + "/journal.jsonl"))
        for token in Self.tokens + Self.providerKeys { #expect(!printed.contains(token), "\(token) printed") }
        // The tokens and keys did reach the secret files (the gateways could start with them).
        let telegram = try String(contentsOfFile: state + "/bots/support/secrets/telegram-default-botToken", encoding: .utf8)
        #expect(telegram == Self.tokens[0])
        for bot in ["support", "community", "ops"] {
            let key = try String(contentsOfFile: state + "/bots/\(bot)/secrets/model-anthropic-apiKey", encoding: .utf8)
            #expect(key == Self.providerKeys[0], "\(bot) gets the Fleet's Anthropic key")
        }
        #expect(try String(contentsOfFile: state + "/bots/ops/secrets/model-openai-apiKey", encoding: .utf8) == Self.providerKeys[1])
        var info = stat()
        #expect(stat(state + "/bots/ops/secrets/model-openai-apiKey", &info) == 0 && info.st_mode & 0o777 == 0o600)
        let config = try String(contentsOfFile: state + "/bots/ops/config.json5", encoding: .utf8)
        #expect(config.contains("fleet-model-openai-apikey") && config.contains("models: {"), "the key is rendered as a SecretRef")
    }
}
