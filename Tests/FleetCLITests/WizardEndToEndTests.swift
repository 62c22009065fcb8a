import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `fleet init`, then the `fleet new bot` wizard typed into a pseudo-terminal (hidden token), then
/// validate, commit and apply with openclaw-sim: the whole path a new operator walks, timed.
@Suite struct WizardEndToEndTests {
    /// Drives a command in a pseudo-terminal: waits for each prompt, types its answer, prints all
    /// the terminal showed (echo included) and exits with the command's status.
    static let driver = #"""
        import json, os, pty, select, sys, time
        steps = json.loads(sys.argv[1])
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(sys.argv[2], sys.argv[2:])
        out, pos = b"", 0
        def read(timeout):
            global out
            r, _, _ = select.select([fd], [], [], timeout)
            if not r:
                return True
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            out += data
            return bool(data)
        for prompt, answer in steps:
            end = time.time() + 120
            while prompt.encode() not in out[pos:]:
                if time.time() > end or not read(0.1):
                    sys.stdout.buffer.write(out)
                    sys.exit("no prompt %r" % prompt)
            pos = out.index(prompt.encode(), pos) + len(prompt)
            os.write(fd, (answer + "\n").encode())
        while read(10):
            pass
        _, status = os.waitpid(pid, 0)
        sys.stdout.buffer.write(out)
        sys.exit(os.waitstatus_to_exitcode(status))
        """#

    @Test func initThenWizardThenCommitAndApplyRunsTheBot() async throws {
        let started = Date()
        let scratch = try TempDirectory(prefix: "fleet-wizard")
        let dir = scratch.file("my-fleet")
        let state = scratch.file("state")
        var env = testEnv()
        env["HOME"] = scratch.path
        env["GIT_AUTHOR_NAME"] = "Ada Operator"
        env["GIT_AUTHOR_EMAIL"] = "ada@example.com"
        env["GIT_COMMITTER_NAME"] = "Ada Operator"
        env["GIT_COMMITTER_EMAIL"] = "ada@example.com"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["TERM"] = "xterm"
        // Two bots, 20 ports apart: a block of its own (a single free port let the second bot's
        // port fall on another test's gateway).
        let ports = await PortBlock.lease(span: 200)
        defer { withExtendedLifetime(ports) {} }
        let basePort = ports.base
        let fleet = TestPaths.executable("fleet")

        let created = try await runProcess(fleet, ["init", dir, "--gateway-command", "openclaw-sim gateway run", "--base-port", String(basePort)], env: env)
        #expect(created.status == 0, "\(created.stderr)")
        var info = stat()
        #expect(stat(dir + "/.fleet/keys/fleet.key", &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: dir + "/.gitignore", encoding: .utf8).contains(".fleet/keys/"))
        #expect(FileManager.default.fileExists(atPath: dir + "/schemas/bot.schema.json"))
        let initial = try await runProcess("/usr/bin/env", ["git", "-C", dir, "status", "--porcelain"], env: env)
        #expect(initial.stdout.isEmpty, "the key or another file is not committed/ignored: \(initial.stdout)")

        let token = "7000001:wizard-SECRET-token"
        let apiKey = "sk-wizard-SECRET-openai-key"
        let steps: [[String]] = [
            ["Name (lowercase letters, digits, -): ", "Wizard Bot"],   // refused: not a slug
            ["Name (lowercase letters, digits, -): ", "wizbot"],
            ["Display name [Wizbot]: ", "Wizard Bot"],
            ["Choice [1]: ", "4"],                                    // openai/gpt-4.1
            ["Choice [1]: ", "1"],                                    // telegram
            ["(typing is hidden): ", token],
            ["OpenAI API key (typing is hidden): ", apiKey],           // the Fleet manifest has none
            ["Choice [1]: ", "allowlist"],
            ["Allowed sender ids, comma-separated: ", "111, 222"],
        ]
        let stepsJSON = String(decoding: try JSONSerialization.data(withJSONObject: steps), as: UTF8.self)
        let wizard = try await runProcess("/usr/bin/env", ["python3", "-c", Self.driver, stepsJSON, fleet, "new", "bot"], env: env, cwd: dir)
        #expect(wizard.status == 0, "\(wizard.stdout)\(wizard.stderr)")
        #expect(!wizard.stdout.contains(token), "the token was echoed:\n\(wizard.stdout)")
        #expect(!wizard.stdout.contains(apiKey), "the API key was echoed:\n\(wizard.stdout)")
        #expect(wizard.stdout.contains("The Fleet manifest has no OpenAI API key"), "\(wizard.stdout)")
        #expect(wizard.stdout.contains("to use one key for every bot instead: fleet secrets set --fleet providers.openai.apiKey"), "\(wizard.stdout)")
        #expect(wizard.stdout.contains("try 'wizard-bot'"), "\(wizard.stdout)")
        #expect(wizard.stdout.contains("only the sender ids you list may talk to the bot"))
        #expect(wizard.stdout.contains("git add fleet/bots/wizbot.yaml && git commit -m \"Add bot wizbot\""), "\(wizard.stdout)")
        #expect(wizard.stdout.contains("  fleet apply"))
        let manifest = try String(contentsOfFile: dir + "/fleet/bots/wizbot.yaml", encoding: .utf8)
        #expect(!manifest.contains(token) && manifest.contains("botToken: \"ENC[AES256_GCM,"))
        #expect(manifest.contains("model: openai/gpt-4.1") && manifest.contains("allowFrom: [\"111\", \"222\"]"))
        #expect(!manifest.contains(apiKey) && manifest.contains("  providers:\n    openai: {apiKey: \"ENC[AES256_GCM,"), "\(manifest)")

        #expect(try await runProcess(fleet, ["validate", "--worktree"], env: env, cwd: dir).status == 0)
        // The two commands the wizard printed.
        #expect(try await runProcess("/bin/sh", ["-c", "git add fleet/bots/wizbot.yaml && git commit -q -m 'Add bot wizbot'"], env: env, cwd: dir).status == 0)
        let apply = try await runProcess(fleet, ["apply", "--state-root", state], env: env, cwd: dir)
        defer {
            let (keep, env) = (UncheckedBox(scratch), env)
            BackgroundTeardown.run {
                _ = try? runProcess(fleet, ["destroy", "--state-root", state], env: env, cwd: dir)
                withExtendedLifetime(keep) {}
            }
        }
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let fleetState = try FleetState.load(from: state + "/state.json")
        #expect(fleetState.bots["wizbot"]?.phase == .Running)
        let config = try String(contentsOfFile: state + "/bots/wizbot/config.json5", encoding: .utf8)
        #expect(config.contains("openai/gpt-4.1") && config.contains("fleet-model-openai-apikey") && !config.contains(apiKey))
        #expect(try String(contentsOfFile: state + "/bots/wizbot/secrets/model-openai-apiKey", encoding: .utf8) == apiKey)
        let elapsed = Date().timeIntervalSince(started)
        // A figure, not a bound (a loaded machine takes longer).
        print("wizard path (init, wizard in a pty, validate, commit, apply to Running): \(String(format: "%.2f", elapsed)) s")
    }

    /// Scripts give the model provider's key on stdin after the tokens; it is stored encrypted.
    @Test func scriptedNewBotTakesTheProviderKeyFromStdin() async throws {
        let scratch = try TempDirectory(prefix: "fleet-wizard")
        let dir = scratch.file("f")
        var env = testEnv()
        env["HOME"] = scratch.path
        let fleet = TestPaths.executable("fleet")
        #expect(try await runProcess(fleet, ["init", dir, "--gateway-command", "openclaw-sim gateway run"], env: env).status == 0)
        let args = ["new", "bot", "--name", "flagbot", "--channel", "telegram", "--token-stdin", "--provider-key-stdin",
                    "--model", "anthropic/claude-haiku-4-5"]
        let missing = try await runProcess(fleet, args, env: env, cwd: dir, stdin: Data("7000002:flag-token\n".utf8))
        #expect(missing.status == 2 && missing.stderr.contains("--provider-key-stdin: no API key on standard input"), "\(missing.stderr)")
        let made = try await runProcess(fleet, args, env: env, cwd: dir, stdin: Data("7000002:flag-token\nsk-ant-FLAG-secret\n".utf8))
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        #expect(!(made.stdout + made.stderr).contains("sk-ant-FLAG-secret"))
        let manifest = try String(contentsOfFile: dir + "/fleet/bots/flagbot.yaml", encoding: .utf8)
        #expect(manifest.contains("  providers:\n    anthropic: {apiKey: \"ENC[AES256_GCM,") && !manifest.contains("sk-ant-FLAG-secret"), "\(manifest)")
        let validate = try await runProcess(fleet, ["validate", "--worktree"], env: env, cwd: dir)
        #expect(validate.status == 0 && !validate.stderr.contains("bot 'flagbot' uses model"), "\(validate.stderr)")
        let decrypted = try await runProcess(fleet, ["secrets", "decrypt", "fleet/bots/flagbot.yaml"], env: env, cwd: dir)
        #expect(decrypted.stdout.contains("apiKey: \"sk-ant-FLAG-secret\""), "\(decrypted.stdout)\(decrypted.stderr)")
    }
}
