@testable import FleetCore
import Testing

/// The start pacer against simulated hosts: starts that burn CPU, starts that wait, other work,
/// short memory, slow starts, the cap.
@Suite struct StartPacerTests {
    /// A host of `cores` CPUs where `others` cores are busy with other work, and starting
    /// gateways each want `demand` of a core; the kernel shares the CPUs fairly when more is
    /// wanted than there is. Produces the cumulative counters `/proc` would show.
    struct SimulatedHost {
        var cores: Double
        var others: Double = 0
        var demand: Double
        var memoryAvailable: Int? = nil
        var now: Duration = .zero
        var busy: Duration = .zero
        var gateways: [Int32: GatewayCPU] = [:]
        var nextPid: Int32 = 100

        /// Advances `step` with `inFlight` gateways starting (new ones launched as needed).
        mutating func run(_ step: Duration, inFlight: Int) -> HostSample {
            while gateways.count < inFlight {
                gateways[nextPid] = GatewayCPU(running: .zero, waiting: .zero)
                nextPid += 1
            }
            while gateways.count > inFlight, let oldest = gateways.keys.min() { gateways[oldest] = nil }
            let wanted = Double(inFlight) * demand + others
            let share = wanted > cores ? cores / wanted : 1
            for (pid, cpu) in gateways {
                gateways[pid] = GatewayCPU(running: cpu.running + step * (demand * share),
                                           waiting: (cpu.waiting ?? .zero) + step * (demand * (1 - share)))
            }
            now += step
            busy += step * min(wanted, cores)
            return HostSample(at: now, hostBusy: busy, ownCPU: .zero, gateways: gateways, memoryAvailable: memoryAvailable)
        }
    }

    /// Runs `samples` samples 50 ms apart, the applier keeping `pending` starts in flight up to
    /// the limit; returns every limit seen.
    func drive(_ pacer: inout StartPacer, _ host: inout SimulatedHost, samples: Int, pending: Int = 1000) -> [Int] {
        var limits = [pacer.limit]
        for _ in 0..<samples {
            let inFlight = min(pacer.limit, pending)
            pacer.observe(host.run(.milliseconds(50), inFlight: inFlight), inFlight: inFlight)
            limits.append(pacer.limit)
        }
        return limits
    }

    @Test func startsThatBurnCPUGoOneACorePlusOne() {
        var pacer = StartPacer(StartPacer.Settings(cores: 4, cap: nil))
        var host = SimulatedHost(cores: 4, demand: 1)
        let limits = drive(&pacer, &host, samples: 40)
        #expect(limits.allSatisfy { $0 <= 5 }, "\(limits)")
        #expect(limits.last == 5, "\(limits): \(pacer.reason)")
        #expect(pacer.demand.map { $0 > 0.95 } == true)
    }

    @Test func startsThatBurnHalfACoreGoTwiceAsMany() {
        var pacer = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        var host = SimulatedHost(cores: 2, demand: 0.5)
        let limits = drive(&pacer, &host, samples: 40)
        #expect(limits.last == 5, "\(limits)")
        #expect(limits.allSatisfy { $0 <= 5 }, "\(limits)")
    }

    @Test func startsThatWaitGrowFastUpToTheCap() {
        var pacer = StartPacer(StartPacer.Settings(cores: 2, cap: 150))
        #expect(pacer.limit == 3)
        var host = SimulatedHost(cores: 2, demand: 0.004)
        let limits = drive(&pacer, &host, samples: 8)
        #expect(limits.allSatisfy { $0 <= 150 })
        // 3 -> 12 -> 48 -> 150: fourfold per sample (the first sample only sets the baseline).
        #expect(limits.prefix(5) == [3, 3, 12, 48, 150], "\(limits)")
        #expect(limits.last == 150, "\(pacer.reason)")
    }

    @Test func withoutACapTheLimitStopsAtTheLargestCap() {
        var pacer = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        var host = SimulatedHost(cores: 2, demand: 0)
        // Gateways that want no CPU at all, sampled for a long time: the limit grows, then stays.
        let limits = drive(&pacer, &host, samples: 200, pending: 50)
        #expect(limits.last == StartPacer.most, "\(limits.suffix(3))")
    }

    @Test func otherWorkOnTheHostLeavesFewerCores() {
        var pacer = StartPacer(StartPacer.Settings(cores: 4, cap: nil))
        // Other work wants 3 of 4 cores; under the kernel's fair share it gets 2 once 3
        // gateways start, and the pacer leaves it those: 3 at once, not 5.
        var host = SimulatedHost(cores: 4, others: 3, demand: 1)
        let limits = drive(&pacer, &host, samples: 40)
        #expect(limits.last == 3, "\(limits): \(pacer.reason)")
        #expect(pacer.others > 1.5)
    }

    @Test func aFractionOfACoreBusyElsewhereDoesNotCostASlot() {
        // The running gateways' timers and a monitoring agent keep a tenth of a core busy; the
        // starts still go one a core plus one (3 on 2 cores), or a core would idle at each handover.
        var pacer = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        var host = SimulatedHost(cores: 2, others: 0.1, demand: 1)
        let limits = drive(&pacer, &host, samples: 40)
        #expect(pacer.others > 0.05)
        #expect(limits.suffix(20).allSatisfy { $0 == 3 }, "\(limits): \(pacer.reason)")
    }

    @Test func memoryBoundsTheStartsThatWait() {
        var pacer = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        // A started gateway holds 200 MiB of its own: 800 MiB above the reserve fit four more.
        var host = SimulatedHost(cores: 2, demand: 0.004, memoryAvailable: (256 + 800) << 20)
        pacer.finished(after: .seconds(2), cpu: GatewayCPU(running: .milliseconds(8), waiting: .zero),
                       privateMemory: 200 << 20, inFlight: 3)
        let limits = drive(&pacer, &host, samples: 10)
        #expect(limits.allSatisfy { $0 <= 4 }, "\(limits)")
        #expect(limits.last == 4, "\(limits)")
        #expect(pacer.reason.hasPrefix("memory"), "\(pacer.reason)")
    }

    @Test func startsThatSlowDownStopTheGrowth() {
        var pacer = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        // A fast start (it lets the limit grow once), then three that take four times as long.
        for after in [1, 4, 4, 4] {
            pacer.finished(after: .seconds(after), cpu: GatewayCPU(running: .milliseconds(10), waiting: .zero),
                           privateMemory: nil, inFlight: 3)
        }
        let held = pacer.limit
        var host = SimulatedHost(cores: 2, demand: 0.004)
        let limits = drive(&pacer, &host, samples: 6)
        #expect(limits.allSatisfy { $0 == held }, "\(limits)")
        #expect(pacer.reason.hasPrefix("starts slowed down"), "\(pacer.reason)")

        var fast = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        for _ in 0..<4 {
            fast.finished(after: .seconds(1), cpu: GatewayCPU(running: .milliseconds(10), waiting: .zero), privateMemory: nil, inFlight: 3)
        }
        var same = SimulatedHost(cores: 2, demand: 0.004)
        #expect((drive(&fast, &same, samples: 6).last ?? 0) > held)
    }

    @Test func aFinishedStartMeasuresItsDemand() {
        var pacer = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        // 1.8 s to healthy, 1.8 s of it on a CPU or waiting for one: a start that burns CPU.
        pacer.finished(after: .milliseconds(1800), cpu: GatewayCPU(running: .milliseconds(1200), waiting: .milliseconds(600)),
                       privateMemory: nil, inFlight: 2)
        #expect(pacer.demand.map { $0 > 0.99 } == true)
        #expect(pacer.limit == 3)
    }

    @Test func theLastStartsGoTogetherWithinTheCapAndMemory() {
        var pacer = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        pacer.finished(after: .milliseconds(1800), cpu: GatewayCPU(running: .milliseconds(1800), waiting: .zero),
                       privateMemory: nil, inFlight: 2)
        #expect(pacer.limit == 3)
        #expect(pacer.tailLimit == 5, "the limit and one start a core")

        var capped = StartPacer(StartPacer.Settings(cores: 2, cap: 4))
        capped.finished(after: .milliseconds(1800), cpu: GatewayCPU(running: .milliseconds(1800), waiting: .zero),
                        privateMemory: nil, inFlight: 2)
        #expect(capped.tailLimit == 4, "never past the cap")

        // Memory for 3 more gateways (reserve 256 MiB, 100 MiB each): the tail stays within it.
        var short = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        var host = SimulatedHost(cores: 2, demand: 1, memoryAvailable: (256 + 300) << 20)
        _ = drive(&short, &host, samples: 2)
        short.finished(after: .milliseconds(1800), cpu: GatewayCPU(running: .milliseconds(1800), waiting: .zero),
                       privateMemory: 100 << 20, inFlight: 2)
        #expect(short.limit == 3)
        #expect(short.tailLimit == 3, "memory for 3: \(short.reason)")
    }

    @Test func theCapAndTheFloorHold() {
        var capped = StartPacer(StartPacer.Settings(cores: 8, cap: 1))
        #expect(capped.limit == 1)
        var host = SimulatedHost(cores: 8, demand: 0.001)
        #expect(drive(&capped, &host, samples: 10).allSatisfy { $0 == 1 })

        var busy = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        var crowded = SimulatedHost(cores: 2, others: 2, demand: 1)
        let limits = drive(&busy, &crowded, samples: 20)
        #expect(limits.allSatisfy { $0 >= 1 })
        #expect(limits.last == 2, "one core's worth is always left to the starts, plus one: \(limits)")
    }

    @Test func samplesAreATenthOfAStartApart() {
        var pacer = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        #expect(pacer.sampleInterval == .milliseconds(50), "nothing measured: the settings' interval")
        pacer.finished(after: .milliseconds(12), cpu: nil, privateMemory: nil, inFlight: 3)
        #expect(pacer.sampleInterval == .milliseconds(50), "instant starts: never less than the interval")
        var slow = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        slow.finished(after: .milliseconds(2700), cpu: nil, privateMemory: nil, inFlight: 3)
        #expect(slow.sampleInterval == .milliseconds(270))
        var host = SimulatedHost(cores: 2, demand: 1)
        slow.observe(host.run(.milliseconds(10), inFlight: 3), inFlight: 3)
        #expect(!slow.wantsSample(at: .milliseconds(10) + .milliseconds(269)))
        #expect(slow.wantsSample(at: .milliseconds(10) + .milliseconds(270)))
        var slower = StartPacer(StartPacer.Settings(cores: 2, cap: nil))
        slower.finished(after: .seconds(30), cpu: nil, privateMemory: nil, inFlight: 3)
        #expect(slower.sampleInterval == .milliseconds(500), "at most half a second")
    }

    /// The health polls of a start: quick at first, then a twentieth of the start so far, never
    /// more than the longest poll apart; while the start is younger than the quiet part (most of
    /// the quickest start), the longest poll apart, so a gateway that needs seconds is not asked
    /// dozens of times before it can answer.
    @Test func healthPollsWaitOutTheQuietPartOfAStart() {
        let longest = Applier.longestHealthPoll
        #expect(Applier.healthPollDelay(polls: 1, sofar: .milliseconds(5)) == .milliseconds(5))
        #expect(Applier.healthPollDelay(polls: 9, sofar: .milliseconds(300)) == .milliseconds(25))
        #expect(Applier.healthPollDelay(polls: 30, sofar: .seconds(1)) == .milliseconds(50))
        #expect(Applier.healthPollDelay(polls: 60, sofar: .seconds(5)) == longest)
        // Quiet until 1.2 s: the longest poll apart, then the usual cadence; never past the end
        // of the quiet part by more than the usual wait.
        let quiet = Duration.milliseconds(1200)
        #expect(Applier.healthPollDelay(polls: 1, sofar: .milliseconds(5), quiet: quiet) == longest)
        #expect(Applier.healthPollDelay(polls: 8, sofar: .milliseconds(700), quiet: quiet) == longest)
        #expect(Applier.healthPollDelay(polls: 12, sofar: .milliseconds(1150), quiet: quiet) == .milliseconds(57))
        #expect(Applier.healthPollDelay(polls: 13, sofar: .milliseconds(1200), quiet: quiet) == .milliseconds(60))
        // Polls over a 2.7 s start: 57 without a quiet part, far fewer with 60 % of a 2.1 s one.
        func polls(quiet: Duration) -> Int {
            var (n, t) = (0, Duration.zero)
            while t < .milliseconds(2700) {
                n += 1
                t += Applier.healthPollDelay(polls: n, sofar: t, quiet: quiet)
            }
            return n
        }
        #expect(polls(quiet: .zero) > 50)
        #expect(polls(quiet: .milliseconds(1260)) < 35)
    }
}
