import FleetCore
import FleetTestSupport
import Foundation
import TestChild
import Synchronization
import Testing

/// A `fleet daemon` running in the background for a test (JSON log lines at debug level in a
/// file); stopped at the end, on a thread of its own.
final class DaemonRun: @unchecked Sendable {
    let process: TestChild
    let world: FleetWorld
    let log: String

    /// Starts `fleet daemon ARGS` for `world` (its repository unless `useRepo` is false; its
    /// state root unless `root` is given), with `environment` changes.
    init(_ world: FleetWorld, _ args: [String], useRepo: Bool = true, root: String? = nil,
         environment: [String: String] = [:]) throws {
        self.world = world
        log = world.git.path("daemon-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: log, contents: nil)
        process = try TestChild(
            world.fleetBinary,
            ["daemon", "--state-root", root ?? world.root, "--log-format", "json", "--log-level", "debug"]
                + (useRepo ? ["--repo", world.repo] : []) + args,
            env: world.env().merging(environment) { _, new in new }, stdout: .file(log), stderr: .stdout)
    }

    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// The log's JSON lines, parsed.
    var entries: [[String: String]] {
        output.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object.compactMapValues { $0 as? String }
        }
    }

    /// Full rounds finished so far (the daemon logs each at debug level).
    var rounds: Int { entries.filter { $0["message"] == "round finished" }.compactMap { $0["round"].flatMap(Int.init) }.max() ?? 0 }

    /// SIGTERM, then waits for the daemon to exit (without holding the test's thread).
    func stop() async {
        process.terminate()
        await process.exited()
    }

    deinit {
        let process = process
        BackgroundTeardown.run {
            process.terminate()
            process.waitForExit()
        }
    }

    func state() -> FleetState? { try? world.state() }

    /// Waits until `condition` holds on the state file.
    func waitFor(_ condition: @escaping @Sendable (FleetState) -> Bool) async -> Bool {
        await eventually { self.state().map(condition) ?? false }
    }
}

@Suite struct DaemonEndToEndTests {
    func allRunning(_ names: [String]) -> @Sendable (FleetState) -> Bool {
        { state in names.allSatisfy { state.bots[$0]?.phase == .Running && state.bots[$0]?.pid != nil } }
    }

    /// Whether the gateway of `name` is a new process (not `before`) that answers /healthz.
    static func back(_ w: FleetWorld, _ name: String, after before: Int32, port: Int) -> Bool {
        guard let now = w.pid(name), now != before else { return false }
        return HTTPProbe.get(port: port, path: "/healthz")?.status == 200
    }

    @Test func killedGatewaysComeBackAndTheDaemonAdoptsOnRestart() async throws {
        let w = try await FleetWorld()
        let names = (0..<5).map { "bot\($0)" }
        for name in names { try w.bot(name) }
        try w.commit()
        var daemon: DaemonRun? = try DaemonRun(w, ["--interval", "30s"])
        let first = try #require(daemon)
        #expect(await first.waitFor(allRunning(names)), "\(first.output)")
        var latencies: [Double] = []
        for name in names {
            let before = try #require(w.pid(name))
            let port = try #require(w.state().bots[name]?.port)
            let killed = Date()
            kill(before, SIGKILL)
            let back = await eventually { Self.back(w, name, after: before, port: port) }
            #expect(back, "\(name) did not come back: \(first.output)")
            latencies.append(Date().timeIntervalSince(killed))
        }
        // A figure, not a bound: the benchmark (Benchmarks/README.md) measures kill-to-healthy.
        let sorted = latencies.sorted()
        print("kill-to-healthy over \(sorted.count) kills: median \(String(format: "%.3f", sorted[sorted.count / 2])) s, worst \(String(format: "%.3f", sorted.last ?? 0)) s")
        #expect(await first.waitFor(allRunning(names)))
        #expect(try w.state().bots["bot0"]?.restarts == 1)

        // SIGTERM: the daemon stops, the gateways keep running, a new daemon adopts them.
        let pids = Dictionary(uniqueKeysWithValues: names.compactMap { n in w.pid(n).map { (n, $0) } })
        await first.stop()
        #expect(first.output.contains("the gateways keep running"))
        daemon = nil
        #expect(Dictionary(uniqueKeysWithValues: names.compactMap { n in w.pid(n).map { (n, $0) } }) == pids)
        let journalBefore = Journal.read(w.root + "/journal.jsonl").count
        let second = try DaemonRun(w, ["--interval", "30s"])
        let secondPid = second.process.pid
        #expect(await second.waitFor { $0.daemonPid == secondPid })
        #expect(Dictionary(uniqueKeysWithValues: names.compactMap { n in w.pid(n).map { (n, $0) } }) == pids)
        #expect(Journal.read(w.root + "/journal.jsonl").count == journalBefore)
    }

    /// A crash restarts that one gateway from the last round's rendering and touches nothing else:
    /// another bot's hand-edited config waits for the next full round (here SIGHUP).
    @Test func aCrashRestartsOnlyThatBotAndTheNextRoundHealsTheRest() async throws {
        let w = try await FleetWorld()
        for name in ["crashy", "edited"] { try w.bot(name) }
        try w.commit()
        let daemon = try DaemonRun(w, ["--interval", "10m"])
        #expect(await daemon.waitFor(allRunning(["crashy", "edited"])), "\(daemon.output)")
        let path = w.root + "/bots/edited/config.json5"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let edited = original.replacingOccurrences(of: "\"pairing\"", with: "\"disabled\"")
        #expect(edited != original)
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let editedPid = try #require(w.pid("edited"))

        let before = try #require(w.pid("crashy"))
        let port = try #require(w.state().bots["crashy"]?.port)
        kill(before, SIGKILL)
        #expect(await eventually { Self.back(w, "crashy", after: before, port: port) }, "\(daemon.output)")
        #expect(await daemon.waitFor(allRunning(["crashy"])), "\(daemon.output)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == edited, "the restart of crashy rewrote edited's config")
        #expect(w.pid("edited") == editedPid)
        #expect(!daemon.output.contains("reconcile (restart crashy)"), "\(daemon.output)")

        daemon.process.signal(SIGHUP)
        #expect(await eventually { (try? String(contentsOfFile: path, encoding: .utf8)) == original }, "\(daemon.output)")
        #expect(w.pid("edited") == editedPid, "a config drift is a reload, not a restart")
    }

    @Test func aCrashLoopBacksOffAndAConfigErrorFailsOnce() async throws {
        // Each gateway crashes 1 s after exec: long enough for the start's health wait to see it
        // answer first on a loaded host (a crash before that is a failed start, another path).
        let w = try await FleetWorld(gatewayCommand: "[env, OPENCLAW_SIM_CRASH_AFTER_MS=1000, OPENCLAW_SIM_CRASH_EXIT_CODE=3, openclaw-sim, gateway, run]")
        try w.bot("crashy")
        try w.commit()
        let daemon = try DaemonRun(w, ["--interval", "30s"])
        // The phase and its error from one read of the state file: a restart after the backoff
        // (phase Running, error cleared) can come between two reads.
        let seen = Mutex<String?>(nil)
        #expect(await daemon.waitFor { state in
            guard let bot = state.bots["crashy"], bot.phase == .CrashLoop else { return false }
            seen.withLock { $0 = bot.lastError?.message }
            return true
        }, "\(daemon.output)")
        let error = try #require(seen.withLock { $0 })
        #expect(error.contains("crashed"))
        #expect(error.contains("exited with code 3"))
        // Growing delays between restarts, as the daemon logged them (a field of its JSON lines;
        // the state file can show the crash loop before the line of its last restart is read).
        let logged: @Sendable () -> [Double] = {
            daemon.entries.filter { $0["bot"] == "crashy" && $0["delay_seconds"] != nil }
                .compactMap { $0["delay_seconds"].flatMap(Double.init) }
        }
        #expect(await eventually { logged().count >= 3 }, "\(daemon.output)")
        let delays = logged()
        if delays.count >= 3 { #expect(delays[0] < delays[1] && delays[1] < delays[2], "\(delays)") }
        await daemon.stop()

        // A gateway that refuses to start is Failed and not retried in a loop: three more rounds
        // (one a second) leave it alone.
        let bad = try await FleetWorld(gatewayCommand: "[openclaw-sim, gateway, run, --no-such-flag]")
        try bad.bot("broken")
        try bad.commit()
        let second = try DaemonRun(bad, ["--interval", "1s"])
        #expect(await second.waitFor { $0.bots["broken"]?.phase == .Failed }, "\(second.output)")
        let failedAt = second.rounds
        #expect(await eventually { second.rounds >= failedAt + 3 }, "\(second.output)")
        let starts = Journal.read(bad.root + "/journal.jsonl").filter { $0.bot == "broken" && $0.result == "failed" }
        #expect(starts.count == 1, "\(starts)")
        let state = try bad.state()
        #expect(state.bots["broken"]?.phase == .Failed)
        #expect(state.bots["broken"]?.lastError?.code == "R002", "\(String(describing: state.bots["broken"]?.lastError))")
    }

    @Test func aPushedCommitIsAppliedAndAFetchFailureKeepsBotsRunning() async throws {
        let w = try await FleetWorld()
        try w.bot("follower")
        try w.commit()
        try w.git.git("clone", "-q", "--bare", w.repo, w.git.path("remote.git"))
        let remote = "file://" + w.git.path("remote.git")
        let daemon = try DaemonRun(w, ["--url", remote, "--branch", "main", "--interval", "1s"], useRepo: false)
        #expect(await daemon.waitFor(allRunning(["follower"])), "\(daemon.output)")
        let pid = w.pid("follower")

        try w.bot("follower", model: "openai/gpt-4o")
        let commit = try w.commit("new model")
        try w.git.git("push", "-q", w.git.path("remote.git"), "main", in: "repo")
        #expect(await daemon.waitFor { $0.appliedCommit == commit }, "\(daemon.output)")
        #expect(w.pid("follower") == pid)  // a model change reloads

        try FileManager.default.moveItem(atPath: w.git.path("remote.git"), toPath: w.git.path("gone.git"))
        #expect(await daemon.waitFor { $0.source?.phase == "Failing" }, "\(daemon.output)")
        let state = try w.state()
        #expect(state.source?.error?.isEmpty == false)
        #expect(state.source?.lastSuccessAt != nil)
        #expect(w.pid("follower") == pid)
        #expect(HTTPProbe.get(port: state.bots["follower"]?.port ?? 0, path: "/healthz")?.status == 200)
    }

    @Test func sighupAppliesAtOnceAndMetricsParse() async throws {
        let w = try await FleetWorld()
        try w.bot("hup")
        try w.commit()
        let metricsPort = freePort()
        let daemon = try DaemonRun(w, ["--interval", "10m", "--metrics-listen", "127.0.0.1:\(metricsPort)"])
        #expect(await daemon.waitFor(allRunning(["hup"])), "\(daemon.output)")
        try w.bot("hup", model: "openai/gpt-4o")
        let commit = try w.commit("change")
        daemon.process.signal(SIGHUP)
        #expect(await daemon.waitFor { $0.appliedCommit == commit }, "\(daemon.output)")

        // The metrics of the round that applied it (wait for them, not for the state file).
        let wanted = "fleet_applied_commit_info{commit=\"\(commit)\"} 1"
        #expect(await eventually { HTTPProbe.get(port: metricsPort, path: "/metrics")?.body.contains(wanted) == true }, "\(daemon.output)")
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
        #expect(metrics.body.contains(wanted))
    }

    @Test(.enabled(if: GitFixture.has("ssh-keygen"))) func onlySignedCommitsAreApplied() async throws {
        let w = try await FleetWorld()
        let key = w.git.path("signing")
        try w.git.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = w.git.path("allowed_signers")
        try "ada@example.com \(publicKey)\n".write(toFile: allowed, atomically: true, encoding: .utf8)
        let signing = ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(key).pub"]
        try w.bot("signed")
        let good = try w.git.commitAll("repo", "signed", config: signing, sign: true)
        let daemon = try DaemonRun(w, ["--interval", "1s", "--require-signed-commits", "--allowed-signers", allowed])
        #expect(await daemon.waitFor { $0.appliedCommit == good }, "\(daemon.output)")

        try w.bot("signed", model: "openai/gpt-4o")
        let unsigned = try w.commit("unsigned")
        #expect(await daemon.waitFor { $0.source?.phase == "Untrusted" }, "\(daemon.output)")
        let state = try w.state()
        #expect(state.appliedCommit == good)
        #expect(state.source?.error?.contains("not signed") == true)
        #expect(state.fetchedCommit == unsigned)
    }

    /// A corrupt state file stops the daemon at start with the file, the kept copy and the fix.
    @Test func aCorruptStateFileIsAnErrorWithARecoveryCommand() async throws {
        let w = try await FleetWorld()
        try w.bot("kept")
        try w.commit()
        #expect(try await w.fleet("apply").status == 0)
        let pid = try #require(w.pid("kept"))
        let path = w.root + "/state.json"
        try "{\"formatVersion\": 1, \"bots\": {\"kept\": {\"phase\": \"Runn".write(toFile: path, atomically: true, encoding: .utf8)

        for args in [["plan"], ["apply"], ["destroy"]] {
            let result = try await runProcess(w.fleetBinary, args + ["--repo", w.repo, "--state-root", w.root], env: w.env())
            #expect(result.status == 1, "\(args): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("error[R010]: the state file \(path) is not valid fleet state"), "\(args): \(result.stderr)")
            #expect(result.stderr.contains("fleet state rebuild"), "\(result.stderr)")
        }
        let daemon = try DaemonRun(w, ["--interval", "1s"])
        await daemon.process.exited()
        #expect(daemon.process.exitStatus == 1)
        #expect(daemon.output.contains("R010"), "\(daemon.output)")
        #expect(w.pid("kept") == pid, "nothing was stopped or started")
        let copies = try FileManager.default.contentsOfDirectory(atPath: w.root).filter { $0.hasPrefix("state.json.corrupt-") }
        #expect(copies.count == 1, "\(copies)")

        let rebuild = try await w.fleet("state", "rebuild")
        #expect(rebuild.status == 0, "\(rebuild.stdout)\(rebuild.stderr)")
        #expect(rebuild.stdout.contains("running, pid \(pid)"), "\(rebuild.stdout)")
        let state = try w.state()
        #expect(state.bots["kept"]?.pid == pid)
        let plan = try await w.fleet("plan", "--detailed-exitcode")
        #expect(plan.status == 0, "the rebuilt state adopts the running gateway: \(plan.stdout)")
        #expect(try await w.fleet("apply").status == 0)
        #expect(w.pid("kept") == pid)
    }
}
