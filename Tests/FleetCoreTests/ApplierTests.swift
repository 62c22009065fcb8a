@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// The applier with an injected launcher, prober and clock: every failure has its kind and
/// code, and a record that cannot be written fails the action.
// A test that waits on a manual clock for code that never sleeps would wait for good: the limit
// (far above any run of the suite on a loaded machine) cancels it and names it instead.
@Suite(.timeLimit(.minutes(10))) struct ApplierTests {
    /// A state root, a launcher of stand-ins and a prober that answers for them.
    final class Host: @unchecked Sendable {
        let dir: TempDirectory
        let launcher = StandInLauncher()
        let prober: StandInProber
        var root: String { dir.path }

        init() throws {
            dir = try TempDirectory(prefix: "fleet-applier")
            prober = StandInProber(launcher)
        }

        deinit { launcher.killAll() }

        func runtime(time: @escaping @Sendable () -> TimeSource = { .continuous }) -> GatewayRuntime {
            GatewayRuntime(launcher: launcher, prober: prober, time: time)
        }

        /// Creates `name` on `port`: the bot, the state after its start, and its running gateway.
        func started(_ name: String, port: Int) async throws -> (DesiredBot, FleetState, ProcessInfoRecord) {
            let bot = try desiredBot(name, root: root, port: port)
            let (report, state) = await apply(.create, bot)
            let pid = try #require(report.results.first?.pid)
            return (bot, state, try #require(ProcessTable.process(pid)))
        }

        /// Applies one action for `bot`.
        func apply(_ kind: ActionKind, _ bot: DesiredBot, state: FleetState = FleetState(), observed: ObservedBot? = nil,
                   options: ApplyOptions = ApplyOptions(), time: @escaping @Sendable () -> TimeSource = { .continuous }) async -> (ApplyReport, FleetState) {
            let applier = Applier(root: root, state: state, options: options, commit: "abc1234", author: "Ada <ada@example.com>",
                                  runtime: runtime(time: time), progress: { _ in })
            let plan = Plan(commit: "abc1234", observedFingerprint: "-", stateRoot: root,
                            actions: [PlannedAction(bot: bot.name, kind: kind, reasons: ["test"], port: bot.rendered.launch.port)])
            let report = await applier.apply(plan, desired: [bot], observed: observed.map { [bot.name: $0] } ?? [:])
            return (report, await applier.state)
        }
    }

    @Test func aCreateStartsWaitsForHealthAndRecordsEverything() async throws {
        let host = try Host()
        let bot = try desiredBot("alpha", root: host.root, port: 41_000)
        let (report, state) = await host.apply(.create, bot)
        let result = try #require(report.results.first)
        #expect(result.ok, "\(result)")
        let launch = try #require(host.launcher.launches(of: "alpha").first)
        #expect(launch.arguments == bot.rendered.launch.arguments)
        #expect(result.pid == launch.pid)
        #expect(state.bots["alpha"]?.phase == .Running)
        #expect(state.bots["alpha"]?.pid == launch.pid)
        #expect(try FleetState.load(from: host.root + "/state.json").bots["alpha"]?.pid == launch.pid)
        #expect(FileManager.default.fileExists(atPath: host.root + "/bots/alpha/config.json5"))
        #expect(Observer.pidRecord(BotPaths(root: host.root, name: "alpha"))?.pid == launch.pid)
        let journal = Journal.read(host.root + "/journal.jsonl")
        #expect(journal.map(\.result) == ["ok"] && journal.first?.pid == launch.pid)
    }

    @Test func aGatewayThatExitsDuringStartUpIsAStartupExit() async throws {
        let host = try Host()
        let bot = try desiredBot("broken", root: host.root, port: 41_020)
        host.launcher.setCommand("broken", ["sh", "-c", "echo 'config invalid: unknown key' >&2; exit 3"])
        // A gateway that refuses its config never answers /healthz; the stand-in prober would
        // answer for the live `sh` until it exits (a loaded machine probed it first, and the test
        // saw a healthy start).
        host.prober.mute("broken")
        let (report, state) = await host.apply(.create, bot)
        let result = try #require(report.results.first)
        #expect(!result.ok)
        #expect(result.errorKind == .startupExit)
        #expect(result.code == "R002")
        #expect(result.message?.contains("exited with code 3") == true, "\(result.message ?? "")")
        #expect(result.message?.contains("config invalid: unknown key") == true, "the console's last lines: \(result.message ?? "")")
        #expect(state.bots["broken"]?.phase == .Failed)
        #expect(state.bots["broken"]?.lastError?.code == "R002")
        #expect(state.bots["broken"]?.pid == nil)
        #expect(Observer.pidRecord(BotPaths(root: host.root, name: "broken")) == nil)
        #expect(Journal.read(host.root + "/journal.jsonl").first?.result == "failed")
    }

    @Test func aGatewayThatNeverAnswersTimesOutOnTheInjectedClock() async throws {
        let host = try Host()
        let bot = try desiredBot("mute", root: host.root, port: 41_040)
        host.prober.mute("mute")
        let clock = ManualClock()
        var options = ApplyOptions()
        options.startTimeout = .seconds(30)
        let applying = Task { await host.apply(.create, bot, options: options, time: { TimeSource(clock) }) }
        // The applier polls, then sleeps on the clock: move it past the start timeout.
        await clock.waitForSleepers(1)
        #expect(host.launcher.launches(of: "mute").count == 1)
        clock.advance(by: .seconds(31))
        let (report, state) = await applying.value
        let result = try #require(report.results.first)
        #expect(result.errorKind == .startTimeout)
        #expect(result.code == "R003")
        #expect(result.message?.hasPrefix("gateway did not answer /healthz on 127.0.0.1:41040 within") == true, "\(result.message ?? "")")
        #expect(state.bots["mute"]?.phase == .Failed)
    }

    @Test func aTakenPortAndAMissingCommandAreTheirOwnKinds() async throws {
        let host = try Host()
        let taken = try desiredBot("taken", root: host.root, port: 41_060)
        host.launcher.hold(41_060, by: ProcessInfoRecord(pid: 4242, startTime: 1, state: "S", commandLine: ["nginx"]))
        let (report, _) = await host.apply(.create, taken)
        #expect(report.results.first?.errorKind == .portInUse)
        #expect(report.results.first?.message == "port 41060 is already in use by pid 4242 (nginx)")
        #expect(host.launcher.launches(of: "taken").isEmpty, "nothing is started on a taken port")

        let missing = try desiredBot("missing", root: host.root, port: 41_080)
        host.launcher.refuseSpawn("missing")
        let (second, _) = await host.apply(.create, missing)
        #expect(second.results.first?.errorKind == .spawnFailed)
        #expect(second.results.first?.code == "R001")
    }

    /// A start-up failure is recognised by its kind, never by its words: a port failure whose
    /// message happens to say "during start-up" is still a port failure.
    @Test func theKindDecidesNotTheWording() async throws {
        let host = try Host()
        let bot = try desiredBot("wordy", root: host.root, port: 41_100)
        host.launcher.hold(41_100, by: ProcessInfoRecord(pid: 7, startTime: 1, state: "S", commandLine: ["exited during start-up"]))
        let (report, _) = await host.apply(.create, bot)
        let result = try #require(report.results.first)
        #expect(result.message?.contains("during start-up") == true)
        #expect(result.errorKind == .portInUse)
        var policy = HealingPolicy<ManualClock>(policy: RestartPolicy(), identity: { $0.rendered.configHash })
        policy.record(report, desired: [bot])
        #expect(!policy.hasFailedStart("wordy"))
    }

    @Test func aStateFileThatCannotBeWrittenFailsTheAction() async throws {
        let host = try Host()
        // A directory where the state file goes: every write of it fails (also as root).
        try FileManager.default.createDirectory(atPath: host.root + "/state.json", withIntermediateDirectories: true)
        let bot = try desiredBot("unrecorded", root: host.root, port: 41_120)
        let (report, _) = await host.apply(.create, bot)
        let result = try #require(report.results.first)
        #expect(!result.ok)
        #expect(result.errorKind == .stateWrite)
        #expect(result.code == "R006")
        #expect(result.message?.contains(host.root + "/state.json") == true, "\(result.message ?? "")")
        #expect(report.recordError?.kind == .stateWrite)
        #expect(!report.ok)
        // The journal still says what happened.
        #expect(Journal.read(host.root + "/journal.jsonl").count == 1)
    }

    @Test func aJournalThatCannotBeWrittenFailsTheAction() async throws {
        let host = try Host()
        try FileManager.default.createDirectory(atPath: host.root + "/journal.jsonl", withIntermediateDirectories: true)
        let bot = try desiredBot("unjournaled", root: host.root, port: 41_140)
        let (report, state) = await host.apply(.create, bot)
        let result = try #require(report.results.first)
        #expect(!result.ok)
        #expect(result.errorKind == .journalWrite)
        #expect(result.code == "R007")
        #expect(result.pid != nil, "the gateway was started; only its journal line is missing")
        #expect(state.bots["unjournaled"]?.pid == result.pid)
    }

    /// Every kind has its own code, and docs/runtime-errors.md has a row for each.
    @Test func everyRuntimeErrorCodeIsUniqueAndDocumented() throws {
        let codes = ApplyError.Kind.allCases.map(\.code)
        #expect(Set(codes).count == codes.count, "\(codes)")
        let text = try String(contentsOfFile: Repo.root + "/docs/runtime-errors.md", encoding: .utf8)
        for kind in ApplyError.Kind.allCases {
            #expect(kind.code.wholeMatch(of: /R[0-9]{3}/) != nil)
            #expect(text.contains("| \(kind.code) | `\(kind.rawValue)` |"), "docs/runtime-errors.md has no row for \(kind.code) (\(kind))")
        }
    }

    @Test func aStopGoesThroughTheLauncher() async throws {
        let host = try Host()
        let (bot, state, process) = try await host.started("stopper", port: 41_160)
        let pid = process.pid
        let observed = ObservedBot(name: "stopper", record: state.bots["stopper"], directoryExists: true, process: process)
        let (stopped, after) = await host.apply(.stop, bot, state: state, observed: observed)
        #expect(stopped.ok)
        #expect(after.bots["stopper"]?.phase == .Stopped)
        #expect(await eventually { !ProcessTable.isAlive(pid, startTime: process.startTime) })
    }

    @Test func aNoOpRecordsTheGatewayItObserves() async throws {
        // A daemon killed after a start's pid record and before its state write: the state still
        // names the gateway before it. The next apply adopts the running one (no action) and
        // records its pid.
        let host = try Host()
        let (bot, state, process) = try await host.started("adopted", port: 41_180)
        let pid = process.pid
        var stale = state
        stale.bots["adopted"]?.pid = pid + 100_000
        stale.bots["adopted"]?.pidStartTime = 1
        var observed = ObservedBot(name: "adopted", record: stale.bots["adopted"], directoryExists: true, process: process)
        observed.health = GatewayHealth(live: true, ready: true, failing: [])
        let (noop, after) = await host.apply(.noop, bot, state: stale, observed: observed)
        #expect(noop.ok)
        #expect(after.bots["adopted"]?.pid == pid && after.bots["adopted"]?.pidStartTime == process.startTime)
        #expect(after.bots["adopted"]?.phase == .Running)
        #expect(try FleetState.load(from: host.root + "/state.json").bots["adopted"]?.pid == pid)
    }
}
