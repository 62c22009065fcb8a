@testable import FleetCore
import FleetTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The daemon with an injected launcher (stand-in processes), prober and manual clock: its timers
/// move only when the test moves the clock, and the test waits on the daemon's progress, never
/// on a sleep.
// A test that waits on a manual clock for code that never sleeps would wait for good: the limit
// (far above any run of the suite on a loaded machine) cancels it and names it instead.
@Suite(.timeLimit(.minutes(10))) struct DaemonTests {
    /// A repository of manifests, a state root, and a daemon over them.
    final class Harness: @unchecked Sendable {
        let git: GitFixture
        let repo: String
        let root: String
        let ports: PortBlock
        let clock = ManualClock()
        let launcher = StandInLauncher()
        let prober: StandInProber
        let daemon: Daemon<ManualClock>
        let lines = LogLines()
        private var running: Task<Void, any Error>?

        init(bots: [String]) async throws {
            ports = await PortBlock.lease(span: 200)
            git = try GitFixture()
            repo = try git.makeRepo("repo")
            root = git.path("state")
            prober = StandInProber(launcher)
            try git.write("repo", "fleet/fleet.yaml", """
                apiVersion: fleet/v1
                kind: Fleet
                metadata: {name: unit}
                spec:
                  secrets: {allowPlaintext: true}
                  basePort: \(ports.base)
                  gatewayCommand: [openclaw-sim, gateway, run]
                  health: {startTimeout: 60s, probeTimeout: 1s, stopGracePeriod: 1s}
                """)
            for bot in bots { try git.write("repo", "fleet/bots/\(bot).yaml", validBot(bot)) }
            try git.commitAll("repo", "bots")
            var config = DaemonConfiguration(location: repo, ref: "main", path: "fleet", stateRootFlag: root)
            config.stopGatewaysOnExit = true
            let lines = self.lines
            let logger = FleetLogHandler.logger(label: "test", level: .debug, format: .text) { lines.append($0) }
            daemon = Daemon(config: config, root: root, clock: clock, logger: logger,
                            runtime: GatewayRuntime(launcher: launcher, prober: prober, time: { .continuous }),
                            identity: { $0.rendered.configHash })
        }

        deinit { launcher.killAll() }

        /// Starts the daemon and waits for its first round.
        func start() async {
            let daemon = self.daemon
            running = Task { try await daemon.run() }
            await daemon.waitFor { $0.rounds >= 1 }
        }

        /// SIGHUP, and waits for that round.
        func round() async {
            let done = await daemon.currentProgress().rounds
            daemon.reconcileNow()
            await daemon.waitFor { $0.rounds > done }
        }

        /// Stops the daemon (it stops its stand-ins) and waits for it.
        func stop() async throws {
            daemon.requestStop()
            try await running?.value
        }

        func state() throws -> FleetState { try FleetState.load(from: root + "/state.json") }
    }

    /// What the daemon logged.
    final class LogLines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var text: String { lock.withLock { lines.joined() } }
    }

    @Test func aCrashRestartsAtOnceThenOnlyWhenTheBackoffIsOver() async throws {
        let h = try await Harness(bots: ["crashy", "calm"])
        await h.start()
        #expect(h.launcher.launches(of: "crashy").count == 1, "\(h.lines.text)")
        #expect(try h.state().bots["crashy"]?.phase == .Running)

        // The first crash restarts at once (no clock needed), that bot alone.
        kill(try #require(h.launcher.launches(of: "crashy").last?.pid), SIGKILL)
        await h.daemon.waitFor { $0.restarts >= 1 }
        #expect(h.launcher.launches(of: "crashy").count == 2, "\(h.lines.text)")
        #expect(h.launcher.launches(of: "calm").count == 1)

        // The second waits 0.5 s (±20 %) on the daemon's clock: the exit is handled, no restart yet.
        kill(try #require(h.launcher.launches(of: "crashy").last?.pid), SIGKILL)
        await h.daemon.waitFor { $0.exits >= 2 }
        let next = try #require(await h.daemon.healing().trackers["crashy"]?.nextRestart)
        #expect(next > h.clock.now, "the second crash is backed off")
        #expect(h.launcher.launches(of: "crashy").count == 2)
        let waiting = try h.state().bots["crashy"]
        #expect(waiting?.phase == .Pending)
        #expect(waiting?.restarts == 2)
        #expect(waiting?.lastError?.message.hasPrefix("gateway killed by SIGKILL; restarting in") == true, "\(String(describing: waiting))")
        h.clock.advance(by: .milliseconds(350))
        #expect(h.launcher.launches(of: "crashy").count == 2, "0.35 s is within no jitter of the 0.5 s backoff")
        h.clock.advance(by: .milliseconds(300))
        await h.daemon.waitFor { $0.restarts >= 2 }
        #expect(h.launcher.launches(of: "crashy").count == 3)
        #expect(try h.state().bots["crashy"]?.phase == .Running)
        try await h.stop()
    }

    @Test func aCommitsChangedBotsAreAppliedBeforeTheOthersAreProbed() async throws {
        let h = try await Harness(bots: ["changed", "other1", "other2"])
        await h.start()
        let config = h.root + "/bots/changed/config.json5"
        let changedPort = try #require(try h.state().bots["changed"]?.port)
        // Every probe of another bot's gateway from now on: was the changed config on disk by then?
        let early = Mutex<[Int]>([])
        h.prober.onProbe { port in
            guard port != changedPort else { return }
            let text = (try? String(contentsOfFile: config, encoding: .utf8)) ?? ""
            if !text.contains("openai/gpt-4o") { early.withLock { $0.append(port) } }
        }
        try h.git.write("repo", "fleet/bots/changed.yaml", validBot("changed", spec: "  model: openai/gpt-4o"))
        try h.git.commitAll("repo", "a new model for one bot")
        await h.round()
        #expect(try String(contentsOfFile: config, encoding: .utf8).contains("openai/gpt-4o"))
        #expect(h.prober.count > 0)
        #expect(early.withLock { $0 }.isEmpty, "the others were probed before the changed config was written: \(early.withLock { $0 })")
        #expect(h.lines.text.contains("the bots it changes first"), "\(h.lines.text)")
        // A hot-reload change: nothing restarted, and the whole fleet was still observed after.
        for bot in ["changed", "other1", "other2"] { #expect(h.launcher.launches(of: bot).count == 1, "\(bot)") }
        #expect(try h.state().bots.values.allSatisfy { $0.phase == .Running })

        // A round with nothing changed takes no first pass.
        let before = h.lines.text.components(separatedBy: "the bots it changes first").count
        await h.round()
        #expect(h.lines.text.components(separatedBy: "the bots it changes first").count == before)
        try await h.stop()
    }

    @Test func aStartupExitIsHeldRoundAfterRoundUntilTheManifestChanges() async throws {
        let h = try await Harness(bots: ["broken"])
        h.launcher.setCommand("broken", ["sh", "-c", "echo 'Invalid config: unknown flag' >&2; exit 3"])
        await h.start()
        #expect(h.launcher.launches(of: "broken").count == 1)
        let failed = try h.state().bots["broken"]
        #expect(failed?.phase == .Failed)
        #expect(failed?.lastError?.code == "R002")
        for _ in 0..<3 { await h.round() }
        #expect(h.launcher.launches(of: "broken").count == 1, "a failed start is not retried in a loop")
        #expect(try h.state().bots["broken"]?.phase == .Failed)
        #expect(Journal.read(h.root + "/journal.jsonl").filter { $0.result == "failed" }.count == 1)

        // A new commit changes the rendering: the next round tries again (and it now starts).
        h.launcher.setCommand("broken", nil)
        try h.git.write("repo", "fleet/bots/broken.yaml", validBot("broken", spec: "  model: openai/gpt-4o"))
        try h.git.commitAll("repo", "fix")
        await h.round()
        #expect(h.launcher.launches(of: "broken").count == 2)
        #expect(try h.state().bots["broken"]?.phase == .Running)
        try await h.stop()
    }

    @Test func aGatewayFailingItsProbesIsRestartedAtTheThreshold() async throws {
        let h = try await Harness(bots: ["sick"])
        await h.start()
        h.prober.setHealthy("sick", false)
        // failureThreshold 3: two rounds wait, the third restarts.
        await h.round()
        await h.round()
        #expect(h.launcher.launches(of: "sick").count == 1, "\(h.lines.text)")
        #expect(await h.daemon.healing().healthFailures["sick"] == 2)
        await h.round()
        #expect(h.launcher.launches(of: "sick").count == 2, "\(h.lines.text)")
        await h.round()
        #expect(await h.daemon.healing().healthFailures["sick"] == 0)
        try await h.stop()
    }

    @Test func theIntervalTimerRunsOnTheDaemonsClock() async throws {
        let h = try await Harness(bots: ["ticker"])
        await h.start()
        // The tick timer sleeps on the manual clock: nothing happens until it moves.
        await h.clock.waitForSleepers(1)
        #expect(await h.daemon.currentProgress().rounds == 1)
        h.clock.advance(by: .seconds(34))  // the 30 s interval, +10 % jitter at most
        await h.daemon.waitFor { $0.rounds >= 2 }
        try await h.stop()
        #expect(h.lines.text.contains("round finished"), "\(h.lines.text)")
    }
}
