@testable import FleetCore
import FleetTestSupport
import Foundation
import Synchronization
import Testing

/// The applier starts no more gateways at once than its pacer allows, and more as soon as the
/// host shows room: a manual clock, stand-in processes, a prober the test opens bot by bot and a
/// scripted host.
// A test that waits on a manual clock for code that never sleeps would wait for good: the limit
// (far above any run of the suite on a loaded machine) cancels it and names it instead.
@Suite(.timeLimit(.minutes(10))) struct StartPacingTests {
    /// A host of two cores whose starting gateways burn CPU (each wants a whole core) or wait
    /// (each wants none), as the test says.
    final class ScriptedHost: HostLoad, @unchecked Sendable {
        private let burning = Mutex(true)
        func setBurning(_ value: Bool) { burning.withLock { $0 = value } }

        func cores() -> Double { 2 }
        func sample(at: Duration, gateways: [Int32]) -> HostSample {
            let burn = burning.withLock { $0 }
            var cpus: [Int32: GatewayCPU] = [:]
            for pid in gateways { cpus[pid] = GatewayCPU(running: burn ? at : .zero, waiting: .zero) }
            return HostSample(at: at, hostBusy: burn ? at * 2 : .zero, ownCPU: .zero, gateways: cpus, memoryAvailable: nil)
        }
        func cpu(of pid: Int32) -> GatewayCPU? { nil }
        func privateMemory(of pid: Int32) -> Int? { nil }
    }

    /// Answers `/healthz` only for the ports the test opened.
    final class GatedProber: GatewayProber {
        private let open = Mutex(Set<Int>())
        func open(_ port: Int) { open.withLock { _ = $0.insert(port) } }
        func probe(host: String, port: Int, timeout: Duration, readiness: Bool) async -> GatewayHealth {
            open.withLock { $0.contains(port) } ? GatewayHealth(live: true, ready: readiness ? true : nil, failing: [])
                : GatewayHealth(live: false, ready: nil, failing: [])
        }
    }

    /// One apply of `count` new bots: stand-in gateways, the gated prober, the scripted host (its
    /// starts burning CPU unless told) and a manual clock.
    struct Pacing {
        let launcher = StandInLauncher()
        let prober = GatedProber()
        let host = ScriptedHost()
        let clock = ManualClock()
        let directory: TempDirectory
        let bots: [DesiredBot]
        let applier: Applier
        let applying: Task<ApplyReport, Never>

        init(_ count: Int, named letter: String, basePort: Int, parallelism: Int? = nil, burning: Bool = true,
             consoles: (any GatewayConsoleWatching)? = nil) throws {
            directory = try TempDirectory(prefix: "fleet-pacing")
            host.setBurning(burning)
            let (launcher, prober, host, clock, root) = (self.launcher, self.prober, self.host, self.clock, directory.path)
            let runtime = GatewayRuntime(launcher: launcher, prober: prober, time: { TimeSource(clock) }, host: host,
                                         consoles: consoles)
            bots = try (0..<count).map { try desiredBot("\(letter)\($0)", root: root, port: basePort + 20 * $0) }
            var options = ApplyOptions()
            if let parallelism { options.parallelism = parallelism }
            let applier = Applier(root: root, state: FleetState(), options: options, commit: "abc1234", author: nil,
                                  runtime: runtime, progress: { _ in })
            self.applier = applier
            let plan = Plan(commit: "abc1234", observedFingerprint: "-", stateRoot: root,
                            actions: bots.map { PlannedAction(bot: $0.name, kind: .create, reasons: ["test"], port: $0.rendered.launch.port) })
            let bots = self.bots
            applying = Task { await applier.apply(plan, desired: bots, observed: [:]) }
        }
    }

    @Test func startsWaitForTheHostAndGrowWhenItHasRoom() async throws {
        let pacing = try Pacing(12, named: "b", basePort: 42_000)
        defer { pacing.launcher.killAll() }
        let (launcher, prober, clock, bots, applier, applying) = (pacing.launcher, pacing.prober, pacing.clock, pacing.bots, pacing.applier, pacing.applying)

        // Two cores: three starts at once (cores + 1), each waiting on the clock for /healthz.
        await clock.waitForSleepers(3)
        #expect(launcher.launches.count == 3)
        // They burn CPU: samples on the clock keep it at three.
        for _ in 0..<6 {
            clock.advance(by: .milliseconds(60))
            await clock.waitForSleepers(3)
        }
        #expect(launcher.launches.count == 3)
        #expect(await applier.pacer.limit == 3)

        // One becomes healthy: the next starts in its slot, still three at once.
        let first = try #require(launcher.launches.first)
        prober.open(first.port)
        clock.advance(by: Applier.longestHealthPoll)
        await clock.waitForSleepers(3)
        #expect(launcher.launches.count == 4)

        // Now the starting gateways wait instead of burning CPU: the limit grows and every
        // remaining bot starts.
        pacing.host.setBurning(false)
        var rounds = 0
        while launcher.launches.count < 12, rounds < 50 {
            clock.advance(by: .milliseconds(60))
            // Every start holding a slot asleep on the clock: a start given a slot writes its
            // files on a thread of its own before it launches, so the launches so far say less.
            await clock.waitForSleepers(await applier.slotsTaken)
            rounds += 1
        }
        #expect(launcher.launches.count == 12)
        #expect(await applier.pacer.limit > 3)
        // Every gateway launched but the first is asleep on the clock; open them all.
        await clock.waitForSleepers(launcher.launches.count - 1)
        // Every sleeper waits at most the longest poll: one advance wakes them all (a shorter
        // one left the early starts, polled every twentieth of a second by then, asleep for good).
        for bot in bots { prober.open(bot.rendered.launch.port) }
        clock.advance(by: Applier.longestHealthPoll)
        let report = await applying.value
        #expect(report.results.count == 12 && report.results.allSatisfy { $0.ok }, "\(report.results.filter { !$0.ok })")
    }

    /// Consoles the test writes to: a wait ends when the test says the gateways wrote a line.
    final class WrittenConsoles: GatewayConsoleWatching {
        private let waiting = Mutex<[CheckedContinuation<Bool, Never>]>([])
        private let watched = Mutex<[String]>([])

        struct Watch: GatewayConsoleWatch {
            let consoles: WrittenConsoles
            func wait(upTo timeout: Duration) async -> Bool {
                await withCheckedContinuation { continuation in consoles.waiting.withLock { $0.append(continuation) } }
            }
        }

        func watchConsole(_ path: String) -> (any GatewayConsoleWatch)? {
            watched.withLock { $0.append(path) }
            return Watch(consoles: self)
        }

        /// The console logs watched so far.
        var paths: [String] { watched.withLock { $0 } }
        /// Starts waiting for a line now.
        var waiters: Int { waiting.withLock { $0.count } }

        /// Every gateway writes a line: the waits end.
        func write() {
            for continuation in waiting.withLock({ w in defer { w = [] }; return w }) { continuation.resume(returning: true) }
        }
    }

    @Test func aGatewaysConsoleLineWakesItsStartWithoutATimer() async throws {
        let consoles = WrittenConsoles()
        let pacing = try Pacing(2, named: "w", basePort: 43_000, consoles: consoles)
        defer { pacing.launcher.killAll() }
        let (prober, clock, bots, applying) = (pacing.prober, pacing.clock, pacing.bots, pacing.applying)

        // Both start (two cores: three at once) and wait for their consoles, not on the clock.
        #expect(await eventually { consoles.waiters == 2 })
        #expect(clock.sleepers == 0)
        #expect(Set(consoles.paths) == Set(bots.map { $0.rendered.paths.consoleLog }))
        // A line before the gateway listens: probed, not healthy, waiting again.
        consoles.write()
        #expect(await eventually { consoles.waiters == 2 })
        // They listen and say so: the start ends with the clock where it was.
        for bot in bots { prober.open(bot.rendered.launch.port) }
        consoles.write()
        let report = await applying.value
        #expect(report.results.count == 2)
        #expect(report.results.allSatisfy { $0.ok })
        #expect(clock.now.offset == .zero)
    }

    @Test func theLastStartsOfARoundGoTogether() async throws {
        let pacing = try Pacing(6, named: "t", basePort: 42_800)
        defer { pacing.launcher.killAll() }
        let (launcher, prober, clock, bots, applier, applying) = (pacing.launcher, pacing.prober, pacing.clock, pacing.bots, pacing.applier, pacing.applying)

        // Two cores, starts that burn CPU: three at once while more than two are still to come.
        await clock.waitForSleepers(3)
        for _ in 0..<4 {
            clock.advance(by: .milliseconds(60))
            await clock.waitForSleepers(3)
        }
        #expect(launcher.launches.count == 3)
        // One is healthy: its slot goes to the fourth, and then only two are to come: they start
        // with it (the limit and one a core), not one after the other.
        let first = try #require(launcher.launches.first)
        prober.open(first.port)
        clock.advance(by: Applier.longestHealthPoll)
        let together = await eventually { launcher.launches.count == 6 }
        #expect(together, "\(launcher.launches.count) launched")
        guard together else { return }  // the rest would wait on the clock for starts that never come
        await clock.waitForSleepers(5)
        #expect(await applier.pacer.limit == 3)
        // Every sleeper waits at most the longest poll: one advance wakes them all (a shorter
        // one left the early starts, polled every twentieth of a second by then, asleep for good).
        for bot in bots { prober.open(bot.rendered.launch.port) }
        clock.advance(by: Applier.longestHealthPoll)
        let report = await applying.value
        #expect(report.results.allSatisfy { $0.ok })
        #expect(await applier.mostAtOnce == 5)
    }

    @Test func theCapHoldsWhateverTheHostShows() async throws {
        let pacing = try Pacing(6, named: "c", basePort: 42_400, parallelism: 2, burning: false)
        defer { pacing.launcher.killAll() }
        let (launcher, prober, clock, bots, applier, applying) = (pacing.launcher, pacing.prober, pacing.clock, pacing.bots, pacing.applier, pacing.applying)
        await clock.waitForSleepers(2)
        for _ in 0..<6 {
            clock.advance(by: .milliseconds(60))
            await clock.waitForSleepers(2)
        }
        #expect(launcher.launches.count == 2)
        await clock.waitForSleepers(launcher.launches.count)
        // Every sleeper waits at most the longest poll: one advance wakes them all (a shorter
        // one left the early starts, polled every twentieth of a second by then, asleep for good).
        for bot in bots { prober.open(bot.rendered.launch.port) }
        clock.advance(by: Applier.longestHealthPoll)
        let report = await applying.value
        #expect(report.results.allSatisfy { $0.ok })
        #expect(await applier.mostAtOnce == 2)
    }
}
