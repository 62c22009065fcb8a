import FleetCore
import FleetTestSupport
import Foundation
import TestChild
import Testing

/// A running `fleet` whose stdout is collected on a helper thread.
final class RunningFleet: Sendable {
    let process: TestChild

    init(_ args: [String], env: [String: String]) throws {
        process = try TestChild(TestPaths.executable("fleet"), args, env: env, stdin: .null, stdout: .capture, stderr: .null)
    }

    var output: String { process.stdout }

    /// Waits until the output contains `text`.
    func waitFor(_ text: String) async -> Bool { await eventually { self.output.contains(text) } }

    /// SIGINT, then the exit status.
    func interrupt() async -> Int32 {
        process.interrupt()
        return await process.exited()
    }
}

func testEnv() -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env["PATH"] = TestPaths.productsDirectory + ":" + (env["PATH"] ?? "/usr/bin:/bin")
    env["NO_COLOR"] = "1"
    env["OPENCLAW_BASE_PATH"] = nil
    return env
}

func logLine(_ message: String, level: String = "INFO") -> String {
    #"{"0":"\#(message)","_meta":{"logLevelName":"\#(level)","name":"openclaw"},"time":"\#(ISOTime.utc(Date()))"}"# + "\n"
}

@Suite struct OperateCommandTests {
    @Test func logsFollowSeesNewLinesAndSurvivesRotation() async throws {
        let dir = try TempDirectory(prefix: "fleet-logs")
        let root = dir.file("state")
        let logs = root + "/bots/alpha/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/bots/beta/logs", withIntermediateDirectories: true)
        let path = logs + "/openclaw.log"
        try Data((logLine("[gateway] before start") + logLine("[telegram] [default] channel exited: 401 Unauthorized", level: "ERROR")).utf8)
            .write(to: URL(fileURLWithPath: path))
        func append(_ text: String) throws {
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            h.seekToEndOfFile()
            h.write(Data(text.utf8))
            try h.close()
        }
        let env = testEnv()
        let f = try RunningFleet(["logs", "-f", "--state-root", root, "--repo", dir.path], env: env)
        #expect(await f.waitFor("before start"), "\(f.output)")
        #expect(f.output.contains("ERROR alpha | [telegram] [default] channel exited: 401 Unauthorized"), "\(f.output)")
        try append(logLine("[gateway] written after start"))
        #expect(await f.waitFor("alpha | [gateway] written after start"), "\(f.output)")
        // Rotation: renamed away, a new file at the path.
        try append(logLine("[gateway] last line of the old file"))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Data(logLine("[gateway] first line after rotation").utf8).write(to: URL(fileURLWithPath: path))
        #expect(await f.waitFor("first line after rotation"), "\(f.output)")
        #expect(f.output.contains("last line of the old file"))
        // A second bot's lines interleave with a name prefix.
        try Data(logLine("[gateway] hello from beta", level: "WARN").utf8).write(to: URL(fileURLWithPath: root + "/bots/beta/logs/openclaw.log"))
        #expect(await f.waitFor("WARN  beta  | [gateway] hello from beta"), "\(f.output)")
        #expect(await f.interrupt() == 0)

        // Filters, without -f (the ERROR line went away with the rotated file).
        let warnings = try await runProcess(TestPaths.executable("fleet"), ["logs", "--level", "warn", "--json", "--state-root", root, "--repo", dir.path], env: env)
        #expect(warnings.status == 0)
        let lines = warnings.stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(#""bot":"beta","level":"WARN""#), "\(warnings.stdout)")
        let grep = try await runProcess(TestPaths.executable("fleet"), ["logs", "--grep", "rotat", "--state-root", root, "--repo", dir.path], env: env)
        #expect(grep.stdout.split(separator: "\n").count == 1, "\(grep.stdout)")
        let unknown = try await runProcess(TestPaths.executable("fleet"), ["logs", "alpah", "--state-root", root, "--repo", dir.path], env: env)
        #expect(unknown.status == 1 && unknown.stderr.contains("did you mean 'alpha'"), "\(unknown.stderr)")
    }

    /// OpenClaw 2026.8+ renames its log to `<name>.1.log` at 100 MB: `--since` reads that one first,
    /// and `--subsystem` keeps one subsystem (tslog lines, the logger's name in "0").
    @Test func logsReadTheRotatedFileAndFilterBySubsystem() async throws {
        let dir = try TempDirectory(prefix: "fleet-logs")
        let root = dir.file("state")
        let logs = root + "/bots/alpha/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        func tslog(_ subsystem: String, _ message: String) -> String {
            #"{"0":"{\"subsystem\":\"\#(subsystem)\"}","1":"\#(message)","message":"\#(message)","_meta":{"logLevelName":"INFO"},"time":"\#(ISOTime.utc(Date()))"}"# + "\n"
        }
        try Data((tslog("gateway", "listening on ws://127.0.0.1:1 (PID 1)") + tslog("gateway/channels/telegram", "[default] starting provider")).utf8)
            .write(to: URL(fileURLWithPath: logs + "/openclaw.1.log"))
        try Data(tslog("gateway/reload", "config hot reload applied (session)").utf8).write(to: URL(fileURLWithPath: logs + "/openclaw.log"))
        let env = testEnv()
        let all = try await runProcess(TestPaths.executable("fleet"), ["logs", "alpha", "--since", "1h", "--state-root", root, "--repo", dir.path], env: env)
        let lines = all.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(all.stdout)")
        #expect(lines.first?.hasSuffix("INFO  gateway | listening on ws://127.0.0.1:1 (PID 1)") == true, "\(all.stdout)")
        #expect(lines.last?.hasSuffix("INFO  gateway/reload | config hot reload applied (session)") == true, "\(all.stdout)")
        let channels = try await runProcess(TestPaths.executable("fleet"), ["logs", "alpha", "--since", "1h", "--subsystem", "gateway/channels",
                                                                      "--json", "--state-root", root, "--repo", dir.path], env: env)
        let only = channels.stdout.split(separator: "\n")
        #expect(only.count == 1 && only[0].contains(#""subsystem":"gateway\/channels\/telegram""#), "\(channels.stdout)")
    }

    @Test func codeownersWritesTheSameFileEveryTime() async throws {
        let git = try GitFixture()
        let repo = try git.makeRepo("repo")
        try git.write("repo", "fleet/bots/support.yaml", ManifestText.bot("support").replacingOccurrences(
            of: "name: support", with: "name: support\n  owners: [\"@acme/care\", \"@ada\"]"))
        try git.write("repo", "fleet/bots/ops.yaml", ManifestText.bot("ops").replacingOccurrences(
            of: "name: ops", with: "name: ops\n  owners: [\"@acme/sre\"]"))
        try git.commitAll("repo", "bots")
        let out = git.path("repo/.github/CODEOWNERS")
        let fleet = TestPaths.executable("fleet")
        #expect(try await runProcess(fleet, ["codeowners", "--repo", repo, "--out", out], env: testEnv()).status == 0)
        let first = try String(contentsOfFile: out, encoding: .utf8)
        #expect(first.hasSuffix("/fleet/bots/ops.yaml @acme/sre\n/fleet/bots/support.yaml @acme/care @ada\n"), "\(first)")
        let printed = try await runProcess(fleet, ["codeowners", "--repo", repo], env: testEnv())
        #expect(printed.stdout == first)
    }

    @Test func helpListsEveryCommandAndCompletionsGenerate() async throws {
        let fleet = TestPaths.executable("fleet")
        let help = try await runProcess(fleet, ["--help"], env: testEnv())
        for command in ["validate", "plan", "apply", "status", "describe", "logs", "sessions", "history", "destroy", "restart", "state",
                        "render", "schema", "secrets", "import", "check", "init", "new", "login", "codeowners"] {
            #expect(help.stdout.contains("\n  \(command) "), "fleet --help lacks \(command)")
        }
        for shell in ["bash", "zsh", "fish"] {
            let script = try await runProcess(fleet, ["--generate-completion-script", shell], env: testEnv())
            #expect(script.status == 0, "\(shell): \(script.stderr)")
            #expect(script.stdout.contains("describe") && script.stdout.contains("codeowners"))
        }
    }
}
