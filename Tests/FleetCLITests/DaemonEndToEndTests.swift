import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// A `fleet daemon` running in the background for a test; stopped (and its gateways destroyed) at the end.
final class DaemonRun: @unchecked Sendable {
    let process = Process()
    let world: FleetWorld
    let log: String

    init(_ world: FleetWorld, _ args: [String], useRepo: Bool = true) throws {
        self.world = world
        log = world.git.path("daemon.log")
        FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: world.fleetBinary)
        process.arguments = ["daemon", "--state-root", world.root] + (useRepo ? ["--repo", world.repo] : []) + args
        process.environment = world.env()
        let handle = FileHandle(forWritingAtPath: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
    }

    deinit { stop() }

    func state() -> FleetState? { try? world.state() }

    /// Waits until `condition` holds on the state file.
    func waitFor(seconds: Double = 15, _ condition: (FleetState) -> Bool) -> Bool {
        waitUntil(seconds: seconds) { state().map(condition) ?? false }
    }
}

@Suite struct DaemonEndToEndTests {
    func allRunning(_ names: [String]) -> (FleetState) -> Bool {
        { state in names.allSatisfy { state.bots[$0]?.phase == .Running && state.bots[$0]?.pid != nil } }
    }

    @Test func killedGatewaysComeBackAndTheDaemonAdoptsOnRestart() throws {
        let w = try FleetWorld()
        let names = (0..<5).map { "bot\($0)" }
        for name in names { try w.bot(name) }
        try w.commit()
        var daemon: DaemonRun? = try DaemonRun(w, ["--interval", "30s"])
        #expect(daemon?.waitFor(allRunning(names)) == true, "\(daemon?.output ?? "")")
        var latencies: [Double] = []
        for name in names {
            let before = try #require(w.pid(name))
            let port = try #require(w.state().bots[name]?.port)
            let killed = Date()
            kill(before, SIGKILL)
            let back = waitUntil(seconds: 10) {
                guard let now = w.pid(name), now != before else { return false }
                return HTTPProbe.get(port: port, path: "/healthz")?.status == 200
            }
            #expect(back, "\(name) did not come back: \(daemon?.output ?? "")")
            latencies.append(Date().timeIntervalSince(killed))
        }
        let sorted = latencies.sorted()
        print("kill-to-healthy over \(sorted.count) kills: median \(String(format: "%.3f", sorted[sorted.count / 2])) s, worst \(String(format: "%.3f", sorted.last ?? 0)) s")
        #expect(sorted[sorted.count / 2] < 3)
        #expect(daemon?.waitFor(allRunning(names)) == true)
        #expect(try w.state().bots["bot0"]?.restarts == 1)

        // SIGTERM: the daemon stops, the gateways keep running, a new daemon adopts them.
        let pids = Dictionary(uniqueKeysWithValues: names.compactMap { n in w.pid(n).map { (n, $0) } })
        daemon?.stop()
        #expect(daemon?.output.contains("the gateways keep running") == true)
        daemon = nil
        #expect(Dictionary(uniqueKeysWithValues: names.compactMap { n in w.pid(n).map { (n, $0) } }) == pids)
        let journalBefore = Journal.read(w.root + "/journal.jsonl").count
        let second = try DaemonRun(w, ["--interval", "30s"])
        #expect(second.waitFor { $0.daemonPid == second.process.processIdentifier })
        #expect(Dictionary(uniqueKeysWithValues: names.compactMap { n in w.pid(n).map { (n, $0) } }) == pids)
        #expect(Journal.read(w.root + "/journal.jsonl").count == journalBefore)
    }

    /// A crash restarts that one gateway from the last round's rendering and touches nothing else:
    /// another bot's hand-edited config waits for the next full round (here SIGHUP).
    @Test func aCrashRestartsOnlyThatBotAndTheNextRoundHealsTheRest() throws {
        let w = try FleetWorld()
        for name in ["crashy", "edited"] { try w.bot(name) }
        try w.commit()
        let daemon = try DaemonRun(w, ["--interval", "10m"])
        #expect(daemon.waitFor(allRunning(["crashy", "edited"])), "\(daemon.output)")
        let path = w.root + "/bots/edited/config.json5"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let edited = original.replacingOccurrences(of: "\"pairing\"", with: "\"disabled\"")
        #expect(edited != original)
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let editedPid = try #require(w.pid("edited"))

        let before = try #require(w.pid("crashy"))
        let port = try #require(w.state().bots["crashy"]?.port)
        kill(before, SIGKILL)
        let back = waitUntil(seconds: 10) {
            guard let now = w.pid("crashy"), now != before else { return false }
            return HTTPProbe.get(port: port, path: "/healthz")?.status == 200
        }
        #expect(back, "\(daemon.output)")
        #expect(daemon.waitFor(allRunning(["crashy"])), "\(daemon.output)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == edited, "the restart of crashy rewrote edited's config")
        #expect(w.pid("edited") == editedPid)
        #expect(!daemon.output.contains("reconcile (restart crashy)"), "\(daemon.output)")

        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(waitUntil(seconds: 8) { (try? String(contentsOfFile: path, encoding: .utf8)) == original }, "\(daemon.output)")
        #expect(w.pid("edited") == editedPid, "a config drift is a reload, not a restart")
    }

    @Test func aCrashLoopBacksOffAndAConfigErrorFailsOnce() throws {
        let w = try FleetWorld(gatewayCommand: "[env, OPENCLAW_SIM_CRASH_AFTER_MS=400, OPENCLAW_SIM_CRASH_EXIT_CODE=3, openclaw-sim, gateway, run]")
        try w.bot("crashy")
        try w.commit()
        let daemon = try DaemonRun(w, ["--interval", "30s"])
        #expect(daemon.waitFor(seconds: 20) { $0.bots["crashy"]?.phase == .CrashLoop }, "\(daemon.output)")
        let error = try #require(w.state().bots["crashy"]?.lastError?.message)
        #expect(error.contains("crashed"))
        #expect(error.contains("exited with code 3"))
        // Growing delays between restarts, as the daemon logged them.
        let delays = daemon.output.split(separator: "\n").compactMap { line -> Double? in
            guard line.contains("crashy: gateway pid"), let r = line.range(of: "restart in ") else { return nil }
            return Double(line[r.upperBound...].dropLast())
        }
        #expect(delays.count >= 3, "\(daemon.output)")
        if delays.count >= 3 { #expect(delays[0] < delays[1] && delays[1] < delays[2], "\(delays)") }
        daemon.stop()

        // A gateway that refuses to start is Failed and not retried in a loop.
        let bad = try FleetWorld(gatewayCommand: "[openclaw-sim, gateway, run, --no-such-flag]")
        try bad.bot("broken")
        try bad.commit()
        let second = try DaemonRun(bad, ["--interval", "1s"])
        #expect(second.waitFor { $0.bots["broken"]?.phase == .Failed }, "\(second.output)")
        Thread.sleep(forTimeInterval: 3.5)
        let starts = Journal.read(bad.root + "/journal.jsonl").filter { $0.bot == "broken" && $0.result == "failed" }
        #expect(starts.count == 1, "\(starts)")
        #expect(try bad.state().bots["broken"]?.phase == .Failed)
    }

    @Test func aPushedCommitIsAppliedAndAFetchFailureKeepsBotsRunning() throws {
        let w = try FleetWorld()
        try w.bot("follower")
        try w.commit()
        try w.git.git("clone", "-q", "--bare", w.repo, w.git.path("remote.git"))
        let remote = "file://" + w.git.path("remote.git")
        let daemon = try DaemonRun(w, ["--url", remote, "--branch", "main", "--interval", "1s"], useRepo: false)
        #expect(daemon.waitFor(allRunning(["follower"])), "\(daemon.output)")
        let pid = w.pid("follower")

        try w.bot("follower", model: "openai/gpt-4o")
        let commit = try w.commit("new model")
        try w.git.git("push", "-q", w.git.path("remote.git"), "main", in: "repo")
        let pushed = Date()
        #expect(daemon.waitFor(seconds: 10) { $0.appliedCommit == commit }, "\(daemon.output)")
        // Within one interval (1 s, ±10 %) plus the apply, with slack for a loaded CI machine.
        #expect(Date().timeIntervalSince(pushed) < 6)
        #expect(w.pid("follower") == pid)  // a model change reloads

        try FileManager.default.moveItem(atPath: w.git.path("remote.git"), toPath: w.git.path("gone.git"))
        #expect(daemon.waitFor(seconds: 5) { $0.source?.phase == "Failing" }, "\(daemon.output)")
        let state = try w.state()
        #expect(state.source?.error?.isEmpty == false)
        #expect(state.source?.lastSuccessAt != nil)
        #expect(w.pid("follower") == pid)
        #expect(HTTPProbe.get(port: state.bots["follower"]?.port ?? 0, path: "/healthz")?.status == 200)
    }

    @Test func sighupAppliesAtOnceAndMetricsParse() throws {
        let w = try FleetWorld()
        try w.bot("hup")
        try w.commit()
        let metricsPort = freePort()
        let daemon = try DaemonRun(w, ["--interval", "10m", "--metrics-listen", "127.0.0.1:\(metricsPort)"])
        #expect(daemon.waitFor(allRunning(["hup"])), "\(daemon.output)")
        try w.bot("hup", model: "openai/gpt-4o")
        let commit = try w.commit("change")
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(daemon.waitFor(seconds: 8) { $0.appliedCommit == commit }, "\(daemon.output)")

        let metrics = try #require(HTTPProbe.get(port: metricsPort, path: "/metrics"))
        #expect(metrics.status == 200)
        var samples = 0
        for line in metrics.body.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
            let parts = line.split(separator: " ")
            #expect(parts.count == 2, "bad line: \(line)")
            #expect(Double(parts.last ?? "") != nil, "bad value: \(line)")
            let name = parts.first.map { String($0.prefix { $0 != "{" }) } ?? ""
            #expect(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
            samples += 1
        }
        #expect(samples > 5)
        #expect(metrics.body.contains("fleet_bot_up{bot=\"hup\"} 1"))
        #expect(metrics.body.contains("fleet_applied_commit_info{commit=\"\(commit)\"} 1"))
    }

    @Test(.enabled(if: GitFixture.has("ssh-keygen"))) func onlySignedCommitsAreApplied() throws {
        let w = try FleetWorld()
        let key = w.git.path("signing")
        try w.git.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = w.git.path("allowed_signers")
        try "ada@example.com \(publicKey)\n".write(toFile: allowed, atomically: true, encoding: .utf8)
        let signing = ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(key).pub"]
        try w.bot("signed")
        let good = try w.git.commitAll("repo", "signed", config: signing, sign: true)
        let daemon = try DaemonRun(w, ["--interval", "1s", "--require-signed-commits", "--allowed-signers", allowed])
        #expect(daemon.waitFor { $0.appliedCommit == good }, "\(daemon.output)")

        try w.bot("signed", model: "openai/gpt-4o")
        let unsigned = try w.commit("unsigned")
        #expect(daemon.waitFor(seconds: 5) { $0.source?.phase == "Untrusted" }, "\(daemon.output)")
        let state = try w.state()
        #expect(state.appliedCommit == good)
        #expect(state.source?.error?.contains("not signed") == true)
        #expect(state.fetchedCommit == unsigned)
    }
}
