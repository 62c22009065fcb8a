import FleetTestSupport
import Foundation
import Testing

/// End-to-end: `fleet secrets` against real git repositories, and no plaintext in any output.
@Suite struct SecretsCommandTests {
    static let fleet = TestPaths.executable("fleet")

    static func run(_ args: [String], env extra: [String: String] = [:], stdin: String? = nil, cwd: String? = nil) async throws -> ProcessResult {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for k in ["FLEET_KEY_FILE", "ENCRYPTION_KEY", "FLEET_ENCRYPTION_KEYS"] { env[k] = nil }
        for (k, v) in extra { env[k] = v }
        guard let stdin else { return try await runProcess(fleet, args, env: env, cwd: cwd) }
        // Through a shell, so the value arrives on a pipe.
        let input = try TempDirectory()
        let file = input.path + "/stdin"
        try stdin.write(toFile: file, atomically: true, encoding: .utf8)
        let quoted = ([fleet] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try await runProcess("/bin/sh", ["-c", quoted + " < '\(file)'"], env: env, cwd: cwd)
    }

    static func keygen(_ path: String) async throws -> String {
        let r = try await run(["secrets", "keygen", "--out", path])
        #expect(r.status == 0, "\(r.stderr)")
        return path
    }

    static func bot(_ name: String, token: String) -> String {
        """
        apiVersion: fleet/v1
        kind: Bot
        metadata:
          name: \(name)   # a comment
        spec:
          channels:
            - type: telegram
              credentials: {botToken: "\(token)"}
            - type: slack
              credentials:
                botToken: 'xoxb-\(token)'
                appToken: xapp-\(token)
        """
    }

    @Test func keygenWritesA0600FileAndNeverOverwrites() async throws {
        let dir = try TempDirectory()
        let path = try await Self.keygen(dir.path + "/keys/a.key")
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let again = try await Self.run(["secrets", "keygen", "--out", path])
        #expect(again.status == 2)
        #expect(again.stderr.contains("fleet never overwrites a key"))
        let printed = try await Self.run(["secrets", "keygen"])
        #expect(printed.status == 0)
        #expect(Data(base64Encoded: printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines))?.count == 32)
    }

    @Test func aLooseKeyFileIsRefusedByEveryCommand() async throws {
        let dir = try TempDirectory()
        let path = try await Self.keygen(dir.path + "/a.key")
        chmod(path, 0o644)
        for args in [["validate", "--repo", dir.path], ["secrets", "decrypt", path]] {
            let r = try await Self.run(args + ["--key-file", path])
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("key file '\(path)' is accessible by group or others (mode 644)"), "\(r.stderr)")
            #expect(r.stderr.contains("fix: run: chmod 600 \(path)"))
        }
    }

    /// encrypt -> validate/render (no plaintext anywhere) -> decrypt (the original back).
    @Test func encryptValidateRenderDecryptWithoutLeaking() async throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        let key = try await Self.keygen(fx.path("k.key"))
        let tokens = ["111:alpha-SECRET", "222:beta-SECRET"]
        try fx.write("r", "fleet/bots/alpha.yaml", Self.bot("alpha", token: tokens[0]))
        try fx.write("r", "fleet/bots/beta.yaml", Self.bot("beta", token: tokens[1]))
        let originals = try ["alpha", "beta"].map { try String(contentsOfFile: repo + "/fleet/bots/\($0).yaml", encoding: .utf8) }

        // Plain text is E050 with the fixing command.
        try fx.commitAll("r", "plain")
        let plain = try await Self.run(["validate", "--repo", repo, "--key-file", key])
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("fleet/bots/alpha.yaml:8:31: error[E050]: channels.telegram.default.botToken of bot 'alpha' is plain text in git"), "\(plain.stderr)")
        #expect(plain.stderr.contains("= fix: run: fleet secrets encrypt fleet/bots/alpha.yaml"))
        // The excerpt under the message masks the value, keeping the columns.
        #expect(plain.stderr.contains(" 8 |       credentials: {botToken: \"\(String(repeating: "*", count: tokens[0].count))\"}"), "\(plain.stderr)")

        var outputs: [String] = [plain.stdout, plain.stderr]
        let encrypt = try await Self.run(["secrets", "encrypt", "fleet/bots/alpha.yaml", "fleet/bots/beta.yaml", "--key-file", key], cwd: repo)
        #expect(encrypt.status == 0, "\(encrypt.stderr)")
        #expect(encrypt.stdout.contains("fleet/bots/alpha.yaml:8: encrypted alpha channels.telegram.default.botToken (key "))
        #expect(encrypt.stderr.contains("6 values encrypted"))
        outputs += [encrypt.stdout, encrypt.stderr]
        try fx.commitAll("r", "encrypted")

        let valid = try await Self.run(["validate", "--repo", repo, "--key-file", key])
        #expect(valid.status == 0, "\(valid.stderr)")
        let json = try await Self.run(["validate", "--repo", repo, "--json"], env: ["FLEET_KEY_FILE": key])
        #expect(json.status == 0)
        let render = try await Self.run(["render", "alpha", "--repo", repo, "--json", "--state-root", fx.path("state")], env: ["ENCRYPTION_KEY": try Self.keyText(key)])
        #expect(render.status == 0, "\(render.stderr)")
        #expect(render.stdout.contains("\"secretFiles\""))
        let human = try await Self.run(["render", "beta", "--repo", repo, "--state-root", fx.path("state"), "--key-file", key])
        #expect(human.status == 0, "\(human.stderr)")
        outputs += [valid.stdout, valid.stderr, json.stdout, json.stderr, render.stdout, render.stderr, human.stdout, human.stderr]

        // Without the key: validate (a pull-request check) checks the envelopes' form and key id and
        // says which values it could not open (W011, exit 0); render refuses with E051 naming file,
        // line, bot, field and key id.
        let locked = try await Self.run(["validate", "--repo", repo])
        #expect(locked.status == 0, "\(locked.stderr)")
        #expect(locked.stderr.contains("fleet/bots/alpha.yaml:8:31: warning[W011]: 6 encrypted values were not opened: sealed with key "), "\(locked.stderr)")
        #expect(locked.stderr.contains("alpha channels.telegram.default.botToken, alpha channels.slack.default.appToken"), "\(locked.stderr)")
        #expect(!locked.stderr.contains("error["), "\(locked.stderr)")
        let lockedRender = try await Self.run(["render", "alpha", "--repo", repo])
        #expect(lockedRender.status == 1)
        #expect(lockedRender.stderr.contains("fleet/bots/alpha.yaml:8:31: error[E051]: cannot open channels.telegram.default.botToken of bot 'alpha': it was sealed with key "), "\(lockedRender.stderr)")
        outputs += [locked.stdout, locked.stderr, lockedRender.stdout, lockedRender.stderr]

        // No output of any command carries a plaintext value.
        for output in outputs {
            for token in tokens {
                for value in [token, "xoxb-" + token, "xapp-" + token] { #expect(!output.contains(value), "leaked \(value) in: \(output)") }
            }
        }

        // decrypt prints the original file (the plain-style value comes back double-quoted).
        let decrypted = try await Self.run(["secrets", "decrypt", repo + "/fleet/bots/alpha.yaml", "--key-file", key])
        #expect(decrypted.status == 0, "\(decrypted.stderr)")
        #expect(decrypted.stdout == originals[0].replacingOccurrences(of: "appToken: xapp-111:alpha-SECRET", with: "appToken: \"xapp-111:alpha-SECRET\""))
        // ... to stdout only: the file is still encrypted.
        #expect(!(try String(contentsOfFile: repo + "/fleet/bots/alpha.yaml", encoding: .utf8)).contains(tokens[0]))
    }

    static func keyText(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first { !$0.hasPrefix("#") }.map(String.init) ?? ""
    }

    @Test func setReadsAPipeAndWritesTheEncryptedValue() async throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        let key = try await Self.keygen(fx.path("k.key"))
        try fx.write("r", "fleet/bots/alpha.yaml", """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: alpha}
            spec:
              channels:
                - type: telegram   # no credentials yet
                  dmPolicy: pairing
            """)
        let missing = try await Self.run(["validate", "--repo", repo, "--worktree", "--key-file", key])
        #expect(missing.stderr.contains("fix: run: fleet secrets set alpha channels.telegram.default.botToken"))

        let set = try await Self.run(["secrets", "set", "alpha", "channels.telegram.default.botToken", "--repo", repo, "--key-file", key],
                               stdin: "999:piped-SECRET\n")
        #expect(set.status == 0, "\(set.stderr)")
        #expect(!set.stderr.contains("piped-SECRET") && !set.stdout.contains("piped-SECRET"))
        let text = try String(contentsOfFile: repo + "/fleet/bots/alpha.yaml", encoding: .utf8)
        #expect(text.contains("    - credentials: {botToken: \"ENC[AES256_GCM,"))
        #expect(text.contains("      type: telegram   # no credentials yet"))
        let valid = try await Self.run(["validate", "--repo", repo, "--worktree", "--key-file", key])
        #expect(valid.status == 0, "\(valid.stderr)")
        let decrypted = try await Self.run(["secrets", "decrypt", repo + "/fleet/bots/alpha.yaml", "--key-file", key])
        #expect(decrypted.stdout.contains("botToken: \"999:piped-SECRET\"}"))

        let badPath = try await Self.run(["secrets", "set", "alpha", "botToken", "--repo", repo, "--key-file", key], stdin: "x")
        #expect(badPath.status == 2)
        let noBot = try await Self.run(["secrets", "set", "nobody", "channels.telegram.default.botToken", "--repo", repo, "--key-file", key], stdin: "x")
        #expect(noBot.status == 1)
        #expect(noBot.stderr.contains("no Bot manifest named 'nobody'"))
    }

    /// Rotation re-encrypts a whole fleet; afterwards the new key alone opens everything.
    @Test func rotateAWholeFleetThenTheOldKeyIsNotNeeded() async throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        let old = try await Self.keygen(fx.path("old.key"))
        let new = try await Self.keygen(fx.path("new.key"))
        for (i, name) in ["a", "b", "c"].enumerated() {
            try fx.write("r", "fleet/bots/\(name).yaml", Self.bot(name, token: "\(i):tok-\(name)"))
        }
        let encrypt = try await Self.run(["secrets", "encrypt"] + ["a", "b", "c"].map { "\(repo)/fleet/bots/\($0).yaml" } + ["--key-file", old])
        #expect(encrypt.status == 0, "\(encrypt.stderr)")
        try fx.commitAll("r", "encrypted")
        let before = try String(contentsOfFile: repo + "/fleet/bots/b.yaml", encoding: .utf8)

        // Without the old key nothing is rotated.
        let refused = try await Self.run(["secrets", "rotate", "--to", new, "--repo", repo])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("nothing rotated"))
        #expect(try String(contentsOfFile: repo + "/fleet/bots/b.yaml", encoding: .utf8) == before)

        let rotate = try await Self.run(["secrets", "rotate", "--to", new, "--repo", repo, "--key-file", old])
        #expect(rotate.status == 0, "\(rotate.stderr)")
        #expect(rotate.stderr.contains("9 values in 3 files now sealed with key"))
        try fx.commitAll("r", "rotated")

        let newOnly = try await Self.run(["validate", "--repo", repo, "--key-file", new])
        #expect(newOnly.status == 0, "\(newOnly.stderr)")
        let oldOnly = try await Self.run(["render", "a", "--repo", repo, "--key-file", old, "--state-root", fx.path("state")])
        #expect(oldOnly.status == 1)
        #expect(oldOnly.stderr.contains("error[E051]"), "\(oldOnly.stderr)")
        let checkOnly = try await Self.run(["validate", "--repo", repo, "--key-file", old])
        #expect(checkOnly.status == 0, "\(checkOnly.stderr)")
        #expect(checkOnly.stderr.contains("warning[W011]: 9 encrypted values were not opened"), "\(checkOnly.stderr)")
        // Only the secret scalars changed.
        let after = try String(contentsOfFile: repo + "/fleet/bots/b.yaml", encoding: .utf8)
        let changed = zip(before.split(separator: "\n"), after.split(separator: "\n")).filter { $0 != $1 }.map { String($0.0) }
        #expect(changed.count == 3)
        #expect(changed.allSatisfy { $0.contains("ENC[") })
        for output in [rotate.stdout, rotate.stderr, refused.stderr] { #expect(!output.contains("tok-")) }
    }

    /// Model provider keys: `set --fleet` (the Fleet manifest, AAD scope "Fleet") and `set BOT`,
    /// then validate, render, decrypt and rotate treat them like channel tokens.
    @Test func providerKeysAreSetRenderedRotatedAndDecrypted() async throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        let key = try await Self.keygen(fx.path("k.key"))
        let next = try await Self.keygen(fx.path("n.key"))
        try fx.write("r", "fleet/fleet.yaml", "apiVersion: fleet/v1\nkind: Fleet\nmetadata: {name: t}\nspec:\n  basePort: 20000   # keep me\n")
        try fx.write("r", "fleet/bots/a.yaml", Self.bot("a", token: "tok-a"))
        #expect(try await Self.run(["secrets", "encrypt", repo + "/fleet/bots/a.yaml", "--key-file", key]).status == 0)
        var outputs: [String] = []

        let fleetSet = try await Self.run(["secrets", "set", "--fleet", "providers.anthropic.apiKey", "--repo", repo, "--key-file", key],
                                    stdin: "sk-ant-fleet-secret\n")
        #expect(fleetSet.status == 0, "\(fleetSet.stderr)")
        #expect(fleetSet.stderr.contains("wrote the Fleet manifest providers.anthropic.apiKey to \(repo)/fleet/fleet.yaml, encrypted with key"))
        let fleetText = try String(contentsOfFile: repo + "/fleet/fleet.yaml", encoding: .utf8)
        #expect(fleetText.contains("spec:\n  providers: {anthropic: {apiKey: \"ENC[AES256_GCM,") && fleetText.contains("basePort: 20000   # keep me"), "\(fleetText)")
        let botSet = try await Self.run(["secrets", "set", "a", "providers.openai.apiKey", "--repo", repo, "--key-file", key], stdin: "sk-openai-bot-secret")
        #expect(botSet.status == 0, "\(botSet.stderr)")
        outputs += [fleetSet.stdout, fleetSet.stderr, botSet.stdout, botSet.stderr]

        let typo = try await Self.run(["secrets", "set", "a", "providers.antropic.apiKey", "--repo", repo, "--key-file", key], stdin: "x")
        #expect(typo.status != 0 && typo.stderr.contains("'antropic' is not a model provider fleet knows; did you mean 'anthropic'?"), "\(typo.stderr)")
        let notFleet = try await Self.run(["secrets", "set", "--fleet", "channels.telegram.default.botToken", "--repo", repo, "--key-file", key], stdin: "x")
        #expect(notFleet.status != 0 && notFleet.stderr.contains("with --fleet write providers.<id>.apiKey"), "\(notFleet.stderr)")
        try fx.commitAll("r", "keys")

        let valid = try await Self.run(["validate", "--repo", repo, "--key-file", key])
        #expect(valid.status == 0 && valid.stderr.contains("valid; 0 errors, 0 warnings"), "\(valid.stderr)")
        let render = try await Self.run(["render", "a", "--repo", repo, "--json", "--state-root", fx.path("state"), "--key-file", key])
        #expect(render.status == 0, "\(render.stderr)")
        #expect(render.stdout.contains("model-anthropic-apiKey") && render.stdout.contains("model-openai-apiKey"))
        #expect(render.stdout.contains("fleet-model-anthropic-apikey"))
        outputs += [valid.stdout, valid.stderr, render.stdout, render.stderr]

        // A fleet value copied into a bot does not open there (the AAD binds it to the Fleet manifest).
        let botText = try String(contentsOfFile: repo + "/fleet/bots/a.yaml", encoding: .utf8)
        let fleetEnvelope = try #require(fleetText.firstRange(of: "ENC[").map { String(fleetText[$0.lowerBound...].prefix { $0 != "\"" }) })
        try fx.write("r", "fleet/bots/a.yaml", botText.replacingOccurrences(of: "openai: {apiKey: ", with: "anthropic: {apiKey: \"\(fleetEnvelope)\"}, openai: {apiKey: "))
        let copied = try await Self.run(["validate", "--repo", repo, "--key-file", key, "--worktree"])
        #expect(copied.status == 1 && copied.stderr.contains("error[E051]: cannot open providers.anthropic.apiKey of bot 'a' with key"), "\(copied.stderr)")
        try fx.write("r", "fleet/bots/a.yaml", botText)

        let decrypted = try await Self.run(["secrets", "decrypt", repo + "/fleet/fleet.yaml", "--key-file", key])
        #expect(decrypted.status == 0 && decrypted.stdout.contains("apiKey: \"sk-ant-fleet-secret\""), "\(decrypted.stdout)\(decrypted.stderr)")

        let rotate = try await Self.run(["secrets", "rotate", "--to", next, "--repo", repo, "--key-file", key])
        #expect(rotate.status == 0, "\(rotate.stderr)")
        #expect(rotate.stderr.contains("5 values in 2 files now sealed with key"), "\(rotate.stderr)")
        #expect(rotate.stdout.contains("re-encrypted Fleet providers.anthropic.apiKey") && rotate.stdout.contains("re-encrypted a providers.openai.apiKey"))
        try fx.commitAll("r", "rotated")
        let after = try await Self.run(["validate", "--repo", repo, "--key-file", next])
        #expect(after.status == 0 && after.stderr.contains("0 errors, 0 warnings"), "\(after.stderr)")
        outputs += [rotate.stdout, rotate.stderr, after.stdout, after.stderr, typo.stderr, notFleet.stderr, copied.stderr]
        for output in outputs {
            #expect(!output.contains("sk-ant-fleet-secret") && !output.contains("sk-openai-bot-secret"), "leaked in: \(output)")
        }
    }

    @Test func tokenSharedByTwoBotsIsE053() async throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        let key = try await Self.keygen(fx.path("k.key"))
        try fx.write("r", "fleet/bots/a.yaml", Self.bot("a", token: "same"))
        try fx.write("r", "fleet/bots/b.yaml", Self.bot("b", token: "same"))
        _ = try await Self.run(["secrets", "encrypt", repo + "/fleet/bots/a.yaml", repo + "/fleet/bots/b.yaml", "--key-file", key])
        try fx.commitAll("r", "shared")
        let r = try await Self.run(["validate", "--repo", repo, "--key-file", key])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error[E053]: bots 'a' and 'b' use the same credential"), "\(r.stderr)")
        #expect(!r.stderr.contains("same\""))
    }
}
