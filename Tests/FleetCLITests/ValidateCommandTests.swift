import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// End-to-end: the built `fleet` binary against real git repositories in temp dirs.
@Suite struct ValidateCommandTests {
    static let fleet = TestPaths.executable("fleet")

    static func bot(_ name: String, _ extra: String = "") -> String { ManifestText.bot(name, spec: extra) }

    /// The demo key (0600 copy): the tokens of these tests are encrypted with it.
    static let keyFile = try! DemoKey.file()

    /// Runs fleet with a clean environment (no colour) and the demo key (none with `key: false`).
    static func run(_ args: [String], cwd: String? = nil, key: Bool = true) async throws -> ProcessResult {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["FLEET_KEY_FILE"] = key ? keyFile : nil
        env["ENCRYPTION_KEY"] = nil
        env["FLEET_ENCRYPTION_KEYS"] = nil
        return try await runProcess(fleet, args, env: env, cwd: cwd)
    }

    /// Writes a bot manifest into repository "r" with its token encrypted (`fleet secrets encrypt`).
    static func writeBot(_ fx: GitFixture, _ name: String, _ extra: String = "") async throws {
        try fx.write("r", "fleet/bots/\(name).yaml", bot(name, extra))
        let r = try await run(["secrets", "encrypt", fx.path("r") + "/fleet/bots/\(name).yaml"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// The Fleet manifest of repository "r" with an Anthropic key (the bots' default model's
    /// provider), encrypted with `fleet secrets encrypt`.
    static func writeFleet(_ fx: GitFixture) async throws {
        try fx.write("r", "fleet/fleet.yaml", "apiVersion: fleet/v1\nkind: Fleet\nmetadata: {name: t}\nspec:\n  providers: {anthropic: {apiKey: sk-ant-test-key}}\n")
        let r = try await run(["secrets", "encrypt", fx.path("r") + "/fleet/fleet.yaml"])
        #expect(r.status == 0 && r.stdout.contains("encrypted Fleet providers.anthropic.apiKey"), "\(r.stdout)\(r.stderr)")
    }

    /// A repository "r" with the Fleet manifest and one valid bot committed.
    static func validRepo(_ fx: GitFixture) async throws -> String {
        let path = try fx.makeRepo("r")
        try await writeFleet(fx)
        try await writeBot(fx, "alpha")
        try fx.commitAll("r", "Add alpha")
        return path
    }

    /// The built binary answers as fleet: its version, and validate's own help with its flags.
    @Test func binaryAnswersWithItsVersionAndHelp() async throws {
        let version = try await Self.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == FleetVersion.string, "\(version.stdout)")
        let help = try await Self.run(["validate", "--help"])
        #expect(help.status == 0, "\(help.stderr)")
        for flag in ["--repo", "--ref", "--path", "--worktree", "--json"] {
            #expect(help.stdout.contains(flag), "validate --help lacks \(flag)")
        }
    }

    @Test func validExitsZero() async throws {
        let fx = try GitFixture()
        let path = try await Self.validRepo(fx)
        let r = try await Self.run(["validate", "--repo", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("1 bot at "))
        #expect(r.stderr.contains("(Add alpha): valid; 0 errors, 0 warnings"))
        // The default repository is the current directory.
        let here = try await Self.run(["validate"], cwd: path)
        #expect(here.status == 0, "\(here.stderr)")
    }

    @Test func invalidExitsOneWithCompilerStyleText() async throws {
        let fx = try GitFixture()
        let path = try await Self.validRepo(fx)
        try await Self.writeBot(fx, "beta", "  model: sonnet-4-5\n  displayNme: Beta")
        try fx.commitAll("r", "Add beta")
        let r = try await Self.run(["validate", "--repo", path])
        #expect(r.status == 1, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let model = try #require(lines.firstIndex { $0.hasPrefix("fleet/bots/beta.yaml:9:10: error[E036]: ") }, "\(r.stderr)")
        #expect(lines[model + 1] == " 9 |   model: sonnet-4-5")
        #expect(lines[model + 2] == "   |          ^")
        #expect(lines[model + 3] == "  = fix: write 'anthropic/claude-sonnet-4-5'")
        let unknown = try #require(lines.firstIndex { $0.hasPrefix("fleet/bots/beta.yaml:10:3: error[E020]: unknown field 'displayNme'") })
        #expect(lines[unknown + 2] == "    |   ^")
        #expect(lines[unknown + 3] == "  = fix: did you mean 'displayName'?")
        #expect(r.stderr.contains("invalid; 2 errors, 0 warnings"))
        #expect(r.stdout.isEmpty)
    }

    @Test func jsonOutput() async throws {
        let fx = try GitFixture()
        let path = try await Self.validRepo(fx)
        try await Self.writeBot(fx, "beta", "  gateway: {bind: lan}\n  model: gpt-4o")
        try fx.commitAll("r", "Add beta")
        let r = try await Self.run(["validate", "--repo", path, "--json"])
        #expect(r.status == 1)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], "\(r.stdout)")
        #expect(array.count == 2)
        for d in array {
            #expect(Set(d.keys) == ["code", "severity", "file", "line", "column", "message", "fix", "bot"])
        }
        let codes = array.map { "\($0["code"]!) \($0["severity"]!) \($0["line"]!):\($0["column"]!)" }
        #expect(codes == ["W001 warning 9:19", "E036 error 10:10"])
        #expect(array[1]["file"] as? String == "fleet/bots/beta.yaml")
        #expect(array[1]["fix"] as? String == "write 'openai/gpt-4o'")
        #expect(array[1]["bot"] as? String == "beta")

        let ok = try await Self.run(["validate", "--repo", path, "--json", "--ref", "HEAD~1"])
        #expect(ok.status == 0)
        #expect(ok.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    /// A pull-request check has no key: validate checks the envelopes' form and key ids, lists the
    /// values it could not open (one W011 per key id) and exits 0; a malformed envelope is still an
    /// error; plan still needs the key.
    @Test func withoutTheKeyValidateChecksTheEnvelopesAndExitsZero() async throws {
        let fx = try GitFixture()
        let path = try await Self.validRepo(fx)
        let r = try await Self.run(["validate", "--repo", path], key: false)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("fleet/fleet.yaml:5:35: warning[W011]: 2 encrypted values were not opened: sealed with key 5c72db55, which is not loaded (no keys are loaded); their form and key id are fine: Fleet providers.anthropic.apiKey, alpha channels.telegram.default.botToken"), "\(r.stderr)")
        #expect(r.stderr.contains("valid; 0 errors, 1 warning"), "\(r.stderr)")
        let json = try await Self.run(["validate", "--repo", path, "--json"], key: false)
        #expect(json.status == 0)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.stdout)")
        #expect(array.map { $0["code"] as? String } == ["W011"])
        let plan = try await Self.run(["plan", "--repo", path, "--state-root", fx.path("state")], key: false)
        #expect(plan.status == 1, "\(plan.stdout)\(plan.stderr)")
        #expect((plan.stdout + plan.stderr).contains("error[E051]"), "\(plan.stdout)\(plan.stderr)")

        let bot = try String(contentsOfFile: path + "/fleet/bots/alpha.yaml", encoding: .utf8)
        try fx.write("r", "fleet/bots/alpha.yaml", bot.replacingOccurrences(of: ",iv:", with: ",iv:AA==,x:"))
        try fx.commitAll("r", "break the envelope")
        let broken = try await Self.run(["validate", "--repo", path], key: false)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("error[E052]: channels.telegram.default.botToken of bot 'alpha' is not a valid ENC[...] envelope"), "\(broken.stderr)")
        for output in [r.stdout, r.stderr, json.stdout, plan.stdout, plan.stderr, broken.stderr] {
            #expect(!output.contains("sk-ant-test-key") && !output.contains("t-alpha\""))
        }
    }

    @Test func aBotWhoseModelProviderHasNoKeyIsAWarningWithTheCommand() async throws {
        let fx = try GitFixture()
        let path = try await Self.validRepo(fx)
        try await Self.writeBot(fx, "beta", "  model: openai/gpt-4.1")
        try fx.commitAll("r", "Add beta")
        let r = try await Self.run(["validate", "--repo", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("fleet/bots/beta.yaml:9:10: warning[W010]: bot 'beta' uses model openai/gpt-4.1 but no OpenAI API key is set (spec.providers.openai.apiKey in the Fleet or Bot manifest); its gateway cannot answer without one"), "\(r.stderr)")
        #expect(r.stderr.contains("  = fix: run: fleet secrets set --fleet providers.openai.apiKey (every bot), or: fleet secrets set beta providers.openai.apiKey (this bot only)"), "\(r.stderr)")
        #expect(r.stderr.contains("valid; 0 errors, 1 warning"))
    }

    @Test func worktreeVersusCommit() async throws {
        let fx = try GitFixture()
        let path = try await Self.validRepo(fx)
        try fx.write("r", "fleet/bots/alpha.yaml", Self.bot("alpha", "  enabled: yes"))
        let committed = try await Self.run(["validate", "--repo", path])
        #expect(committed.status == 0, "\(committed.stderr)")
        let disk = try await Self.run(["validate", "--repo", path, "--worktree"])
        #expect(disk.status == 1)
        #expect(disk.stderr.contains("fleet/bots/alpha.yaml:9:12: error[E021]:"), "\(disk.stderr)")
    }

    @Test func usageAndIOErrorsExitTwo() async throws {
        let fx = try GitFixture()
        let path = try await Self.validRepo(fx)
        let unknownFlag = try await Self.run(["validate", "--repo", path, "--frobnicate"])
        #expect(unknownFlag.status == 2, "\(unknownFlag.stderr)")
        #expect(unknownFlag.stderr.contains("--frobnicate"))

        let notRepo = try TempDirectory()
        let noRepo = try await Self.run(["validate", "--repo", notRepo.path])
        #expect(noRepo.status == 2, "\(noRepo.stderr)")
        #expect(noRepo.stderr.contains("cannot open git repository"))

        let badRef = try await Self.run(["validate", "--repo", path, "--ref", "nope"])
        #expect(badRef.status == 2)
        let badPath = try await Self.run(["validate", "--repo", path, "--path", "nowhere"])
        #expect(badPath.status == 2)
        let both = try await Self.run(["validate", "--repo", path, "--worktree", "--ref", "main"])
        #expect(both.status == 2)
    }

    @Test func schemaPrintsJSON() async throws {
        let r = try await Self.run(["schema", "bot"])
        #expect(r.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["title"] as? String == "fleet Bot manifest")
        let bad = try await Self.run(["schema", "robot"])
        #expect(bad.status == 2)
    }
}
