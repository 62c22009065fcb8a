import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `make demo`'s script, run on a copy of the repository with the built binaries: every command
/// it suggests afterwards works pasted into a new shell (no PATH, no FLEET_KEY_FILE).
@Suite struct DemoScriptTests {
    @Test func everySuggestionWorksInANewShell() async throws {
        let source = TestPaths.repositoryRoot(from: #filePath)
        let git = try GitFixture()
        let repo = try git.makeRepo("demo")
        for item in ["scripts", "fleet", "examples"] {
            try FileManager.default.copyItem(atPath: source + "/" + item, toPath: repo + "/" + item)
        }
        try FileManager.default.copyItem(atPath: source + "/.gitignore", toPath: repo + "/.gitignore")
        try git.commitAll("demo", "the demo fleet")
        let ports = PortBlock()
        let state = git.path("state")
        // A new shell: nothing of the test's environment but where programs are.
        let shell = ["HOME": git.path("home"), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        var demoEnv = shell
        demoEnv["FLEET_DEMO_BIN"] = TestPaths.productsDirectory
        demoEnv["OPENCLAW_BASE_PATH"] = state
        demoEnv["OPENCLAW_BASE_PORT"] = String(ports.base)
        demoEnv["NO_COLOR"] = "1"
        // The demo starts the console too: on a port of its own, stopped by the last suggestion.
        demoEnv["FLEET_CONSOLE_LISTEN"] = "127.0.0.1:\(freePort())"
        let fleet = TestPaths.executable("fleet")
        defer {
            _ = try? runProcess(fleet, ["destroy", "--state-root", state], env: shell)
            if let pid = (try? String(contentsOfFile: state + "/console.pid", encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
                kill(pid, SIGTERM)
            }
        }

        let demo = try await runProcess("/bin/bash", [repo + "/scripts/demo.sh"], env: demoEnv)
        #expect(demo.status == 0, "\(demo.stdout)\(demo.stderr)")
        let lines = demo.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("The gateways keep running") && $0.hasSuffix("Try, in a new shell:") },
                                 "the demo suggests nothing to try:\n\(demo.stdout)")
        let suggested = lines[(start + 1)...].filter { $0.hasPrefix("  ") }.map { String($0.dropFirst(2)) }
        for command in ["render support", "validate", "plan", "status", "describe support", "logs support", "destroy"] {
            #expect(suggested.contains { $0.contains("fleet " + command) }, "no '\(command)' among \(suggested)")
        }
        // Key material stays out of git.
        let status = try git.git("status", "--porcelain", in: "demo")
        #expect(!status.contains(".fleet"), "the demo key would be committed: \(status)")

        // Pasted, one after another, into a new shell that stops at the first failure.
        let pasted = try await runProcess("/bin/bash", ["-e", "-x", "-c", suggested.joined(separator: "\n")], env: shell, cwd: git.path("home"))
        #expect(pasted.status == 0, "a suggestion failed in a new shell:\n\(pasted.stdout)\n\(pasted.stderr)")
        #expect((pasted.stdout + pasted.stderr).contains("3 bots at"), "\(pasted.stdout)\(pasted.stderr)")
        #expect(pasted.stdout.contains("No changes."), "the plan of what the demo applied: \(pasted.stdout)")
        #expect(pasted.stdout.contains("Stopped 3 gateways"), "\(pasted.stdout)")
        #expect(demo.stdout.contains("== the web console"), "\(demo.stdout)")
        #expect(!pasted.stderr.contains("E051"), "\(pasted.stderr)")
    }
}
