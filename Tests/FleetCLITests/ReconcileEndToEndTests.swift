import FleetCore
import FleetTestSupport
import Foundation
import TestChild
import Testing

/// A git repository of manifests, a state root, and the built `fleet` with `openclaw-sim` beside it.
final class FleetWorld: @unchecked Sendable {
    let git: GitFixture
    let repo: String
    let root: String
    let basePort: Int
    /// This world's port region, leased for its lifetime so parallel tests never share ports (and
    /// no more than a few worlds run at once: see `PortBlock.maxLeases`).
    let ports: PortBlock
    let fleetBinary = TestPaths.executable("fleet")

    init(basePort: Int = 0, gatewayCommand: String = "[openclaw-sim, gateway, run]", grace: String = "2s") async throws {
        ports = await PortBlock.lease()
        git = try GitFixture()
        repo = try git.makeRepo("repo")
        root = git.path("state")
        // Ports 20 apart from the start of this world's leased region (see `PortBlock`).
        self.basePort = basePort == 0 ? ports.base : basePort
        try git.write("repo", "fleet/fleet.yaml", """
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: test}
            spec:
              secrets: {allowPlaintext: true}
              basePort: \(self.basePort)
              gatewayCommand: \(gatewayCommand)
              health: {startTimeout: 120s, probeTimeout: 5s, stopGracePeriod: \(grace)}
            """)
    }

    /// Stops this world's gateways after the test, on a thread of its own (the test's thread is
    /// not held); the repository and the port block live until that is done.
    deinit {
        let keep = UncheckedBox((git, ports))
        let (binary, repo, root, env) = (fleetBinary, repo, root, env())
        BackgroundTeardown.run {
            _ = try? runProcess(binary, ["destroy", "--repo", repo, "--state-root", root], env: env)
            withExtendedLifetime(keep) {}
        }
    }

    func bot(_ name: String, model: String = "anthropic/claude-sonnet-4-5", extra: String = "") throws {
        try git.write("repo", "fleet/bots/\(name).yaml", """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: \(name)}
            spec:
              model: \(model)
              systemPrompt: You are \(name).
              channels:
                - {type: telegram, credentials: {botToken: "tok-\(name)"}, dmPolicy: pairing}
            \(extra)
            """)
    }

    @discardableResult
    func commit(_ message: String = "change") throws -> String { try git.commitAll("repo", message) }

    func env() -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = TestPaths.productsDirectory + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["NO_COLOR"] = "1"
        env["OPENCLAW_BASE_PATH"] = nil
        env["OPENCLAW_BASE_PORT"] = nil
        return env
    }

    /// Runs `fleet ARGS --repo R --state-root S` to completion (on a thread of its own).
    @discardableResult
    func fleet(_ args: String...) async throws -> ProcessResult {
        try await runProcess(fleetBinary, args + ["--repo", repo, "--state-root", root], env: env())
    }

    /// ``fleet(_:)`` on the calling thread: for conditions `eventually` checks (on its own thread).
    func fleetBlocking(_ args: String...) throws -> ProcessResult {
        try runProcess(fleetBinary, args + ["--repo", repo, "--state-root", root], env: env())
    }

    /// Starts `fleet ARGS --repo R --state-root S` in the background, its output discarded.
    func start(_ args: String...) throws -> TestChild {
        try TestChild(fleetBinary, args + ["--repo", repo, "--state-root", root], env: env())
    }

    func state() throws -> FleetState { try FleetState.load(from: root + "/state.json") }

    /// Live gateways under this root, by bot.
    func gateways() -> [String: [ProcessInfoRecord]] { ProcessTable.gateways(under: root) }

    func pid(_ bot: String) -> Int32? { gateways()[bot]?.first?.pid }

    /// Whether `pid` is gone (exited and reaped, or a zombie).
    static func isGone(_ pid: Int32) -> Bool { ProcessTable.process(pid).map(\.isZombie) ?? true }

    /// Checks state.json against schemas/state.schema.json with Python's jsonschema, when it is installed.
    func stateMatchesSchema() async throws -> Bool {
        let schema = TestPaths.repositoryRoot(from: #filePath) + "/schemas/state.schema.json"
        let script = """
            import json, sys
            try:
                import jsonschema
            except ImportError:
                sys.exit(0)
            jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
            """
        let result = try await runProcess("/usr/bin/env", ["python3", "-c", script, schema, root + "/state.json"])
        return result.status == 0
    }
}

@Suite(.serialized) struct ReconcileEndToEndTests {
    @Test func lifecycleFromNothingToRemoved() async throws {
        let w = try await FleetWorld()
        for name in ["alpha", "beta", "gamma"] { try w.bot(name) }
        try w.commit("three bots")

        let plan = try await w.fleet("plan", "--detailed-exitcode")
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("Plan: 3 to create, 0 to reload, 0 to restart, 0 to destroy."))

        let first = try await w.fleet("apply")
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        var state = try w.state()
        #expect(state.bots.values.allSatisfy { $0.phase == .Running })
        #expect(w.gateways().mapValues(\.count) == ["alpha": 1, "beta": 1, "gamma": 1])

        // A second apply changes nothing.
        let again = try await w.fleet("plan", "--detailed-exitcode")
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.contains("No changes."))

        // A model change is a reload: same pid.
        let alphaPid = try #require(w.pid("alpha"))
        try w.bot("alpha", model: "openai/gpt-4o")
        try w.commit("alpha model")
        let reloadPlan = try await w.fleet("plan")
        #expect(reloadPlan.stdout.contains("~   reload   alpha  model changed"), "\(reloadPlan.stdout)")
        #expect(try await w.fleet("apply").status == 0)
        #expect(w.pid("alpha") == alphaPid)
        let config = try String(contentsOfFile: w.root + "/bots/alpha/config.json5", encoding: .utf8)
        #expect(config.contains("openai/gpt-4o"))

        // A port change is a restart: new pid.
        let betaPid = try #require(w.pid("beta"))
        try w.bot("beta", extra: "  gateway: {port: \(w.basePort + 400)}")
        try w.commit("beta port")
        let restartPlan = try await w.fleet("plan")
        #expect(restartPlan.stdout.contains("-/+ restart  beta"), "\(restartPlan.stdout)")
        #expect(restartPlan.stdout.contains("port \(w.basePort + 20) -> \(w.basePort + 400)"), "\(restartPlan.stdout)")
        #expect(try await w.fleet("apply").status == 0)
        let newBeta = try #require(w.pid("beta"))
        #expect(newBeta != betaPid)
        #expect(HTTPProbe.get(port: w.basePort + 400, path: "/healthz")?.status == 200)

        // Disabled: stopped, data kept.
        try w.bot("gamma", extra: "  enabled: false")
        try w.commit("gamma off")
        #expect(try await w.fleet("apply").status == 0)
        #expect(w.gateways()["gamma"] == nil)
        state = try w.state()
        #expect(state.bots["gamma"]?.phase == .Stopped)
        #expect(FileManager.default.fileExists(atPath: w.root + "/bots/gamma/config.json5"))

        // Removed from git: stopped, data moved aside, never deleted.
        try w.git.remove("repo", "fleet/bots/alpha.yaml")
        try w.commit("alpha gone")
        let removal = try await w.fleet("plan")
        #expect(removal.stdout.contains("-   destroy  alpha"), "\(removal.stdout)")
        #expect(try await w.fleet("apply").status == 0)
        #expect(w.gateways()["alpha"] == nil)
        let attic = try FileManager.default.contentsOfDirectory(atPath: w.root + "/attic")
        #expect(attic.contains { $0.hasPrefix("alpha-") })
        #expect(try w.state().bots["alpha"] == nil)

        #expect(try await w.stateMatchesSchema())

        // The journal recorded every action with its commit and author.
        let journal = Journal.read(w.root + "/journal.jsonl")
        #expect(journal.contains { $0.bot == "alpha" && $0.action == "destroy" && $0.result == "ok" })
        #expect(journal.allSatisfy { $0.author?.contains("Ada Author") == true })
    }

    @Test func driftAndCrashAreHealed() async throws {
        let w = try await FleetWorld()
        try w.bot("solo")
        try w.commit()
        #expect(try await w.fleet("apply").status == 0)
        let path = w.root + "/bots/solo/config.json5"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try original.replacingOccurrences(of: "\"pairing\"", with: "\"disabled\"").write(toFile: path, atomically: true, encoding: .utf8)
        let plan = try await w.fleet("plan")
        #expect(plan.stdout.contains("config.json5 edited on disk"), "\(plan.stdout)")
        #expect(try await w.fleet("apply").status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)

        let pid = try #require(w.pid("solo"))
        kill(pid, SIGKILL)
        #expect(await eventually { FleetWorld.isGone(pid) })
        let crashed = try await w.fleet("plan")
        #expect(crashed.stdout.contains(">   start    solo"), "\(crashed.stdout)")
        #expect(crashed.stdout.contains("no longer running"), "\(crashed.stdout)")
        #expect(try await w.fleet("apply").status == 0)
        #expect(w.pid("solo") != nil && w.pid("solo") != pid)
        #expect(try w.state().bots["solo"]?.phase == .Running)
    }

    @Test func aGatewayIgnoringSigtermIsKilledAfterTheGracePeriod() async throws {
        let w = try await FleetWorld(gatewayCommand: "[env, OPENCLAW_SIM_IGNORE_SIGTERM=1, openclaw-sim, gateway, run]", grace: "1s")
        try w.bot("stubborn")
        try w.commit()
        #expect(try await w.fleet("apply").status == 0)
        let pid = try #require(w.pid("stubborn"))
        try w.bot("stubborn", extra: "  enabled: false")
        try w.commit("off")
        let result = try await w.fleet("apply")
        #expect(result.status == 0)
        // SIGKILL only after the grace period: the gateway logged the SIGTERM it ignored first.
        #expect(result.stdout.contains("killed with SIGKILL"), "\(result.stdout)")
        let console = try String(contentsOfFile: w.root + "/bots/stubborn/logs/gateway.out", encoding: .utf8)
        #expect(console.contains("signal SIGTERM received; ignoring it"), "\(console)")
        #expect(await eventually { FleetWorld.isGone(pid) })
    }

    @Test func aPortHeldByAnotherProgramFailsOnlyThatBot() async throws {
        let w = try await FleetWorld()
        try w.bot("first")
        try w.bot("second")
        try w.commit()
        // "first" gets basePort; hold it with another listener.
        let blocker = try TestChild(
            "/usr/bin/env", ["python3", "-c", "import socket,time;s=socket.socket();s.bind(('127.0.0.1',\(w.basePort)));s.listen();time.sleep(30)"],
            stdout: .inherit, stderr: .inherit)
        defer { blocker.terminate() }
        let blockerPid = blocker.pid
        let basePort = w.basePort
        let held = await eventually { !ProcessTable.isPortFree(basePort) }
        #expect(held)
        let result = try await w.fleet("apply")
        #expect(result.status == 1)
        // The holder is named when /proc shows it (it may be gone from the scan for a moment).
        let named = result.stdout.contains("port \(w.basePort) is already in use by pid \(blockerPid)")
        #expect(named || result.stdout.contains("port \(w.basePort) is already in use by another program"), "\(result.stdout)")
        #expect(result.stdout.contains("fix:"))
        #expect(w.pid("second") != nil)
        #expect(try w.state().bots["first"]?.phase == .Failed)
        #expect(try w.state().bots["second"]?.phase == .Running)
    }

    @Test func aSuspendedBotIsLeftAlone() async throws {
        let w = try await FleetWorld()
        try w.bot("frozen")
        try w.commit()
        #expect(try await w.fleet("apply").status == 0)
        let pid = try #require(w.pid("frozen"))
        let config = try String(contentsOfFile: w.root + "/bots/frozen/config.json5", encoding: .utf8)
        try w.bot("frozen", model: "openai/gpt-4o", extra: "  suspend: true")
        try w.commit("suspend and change")
        let plan = try await w.fleet("plan", "--detailed-exitcode")
        #expect(plan.status == 0, "\(plan.stdout)")
        #expect(plan.stdout.contains("suspended"), "\(plan.stdout)")
        #expect(try await w.fleet("apply").status == 0)
        kill(pid, SIGKILL)
        #expect(await eventually { FleetWorld.isGone(pid) })
        let apply = try await w.fleet("apply")
        #expect(apply.status == 0)
        #expect(apply.stdout.contains("suspended"), "\(apply.stdout)")
        #expect(w.pid("frozen") == nil)  // not restarted while suspended
        #expect(try String(contentsOfFile: w.root + "/bots/frozen/config.json5", encoding: .utf8) == config)
        #expect(try w.state().bots["frozen"]?.suspended == true)
        let status = try await w.fleet("status")
        #expect(status.stdout.contains("(suspended)"), "\(status.stdout)")
    }

    @Test func aBadCommitChangesNothing() async throws {
        let w = try await FleetWorld()
        try w.bot("good")
        try w.commit()
        #expect(try await w.fleet("apply").status == 0)
        let pid = w.pid("good")
        let before = try Data(contentsOf: URL(fileURLWithPath: w.root + "/state.json"))
        try w.bot("good", extra: "  modle: typo")
        try w.commit("typo")
        let result = try await w.fleet("apply")
        #expect(result.status == 1)
        #expect(result.stderr.contains("error[E020]: unknown field 'modle'"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was changed"))
        #expect(w.pid("good") == pid)
        #expect(try Data(contentsOf: URL(fileURLWithPath: w.root + "/state.json")) == before)
    }

    @Test func concurrentAppliesAreSerializedAndAKilledApplyConverges() async throws {
        let w = try await FleetWorld(gatewayCommand: "[env, OPENCLAW_SIM_LISTEN_DELAY_MS=700, openclaw-sim, gateway, run]")
        for i in 0..<4 { try w.bot("b\(i)") }
        try w.commit()
        // Kill an apply while it waits for gateways to answer (once it has started one).
        let killed = try w.start("apply")
        #expect(await eventually { !w.gateways().isEmpty })
        killed.kill()
        await killed.exited()
        // Two applies at once: the second waits for the lock, then finds little or nothing to do.
        let a = try w.start("apply")
        let b = try w.start("apply")
        await a.exited()
        await b.exited()
        #expect(a.exitStatus == 0)
        #expect(b.exitStatus == 0)
        let gateways = w.gateways()
        #expect(gateways.mapValues(\.count) == ["b0": 1, "b1": 1, "b2": 1, "b3": 1], "\(gateways)")
        let state = try w.state()
        #expect(state.bots.values.allSatisfy { $0.phase == .Running }, "\(state.bots.mapValues(\.phase))")
        #expect(try await w.fleet("plan", "--detailed-exitcode").status == 0)
    }

    @Test func aStalePlanIsRefusedAndMassDestroyNeedsAFlag() async throws {
        let w = try await FleetWorld()
        try w.bot("one")
        try w.bot("two")
        try w.commit()
        let planFile = w.git.path("plan.json")
        #expect(try await w.fleet("plan", "--out", planFile).status == 0)
        #expect(try await w.fleet("apply", planFile).status == 0)
        let stale = try await w.fleet("apply", planFile)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("stale"), "\(stale.stderr)")

        try w.git.remove("repo", "fleet/bots/one.yaml")
        try w.git.remove("repo", "fleet/bots/two.yaml")
        try w.commit("empty")
        let refused = try await w.fleet("apply")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--allow-mass-destroy"), "\(refused.stderr)")
        #expect(w.gateways().count == 2)
        #expect(try await w.fleet("apply", "--allow-mass-destroy").status == 0)
        #expect(w.gateways().isEmpty)
    }
}
