@testable import FleetCore
import FleetTestSupport
import Testing

/// A gateway that ran 10 s or more before it crashed is not crash-looping: it restarts at once
/// and its crash count starts over. Quick crashes still back off and reach CrashLoop.
@Suite struct StableRunTests {
    let policy = RestartPolicy()

    @Test func aCrashAfterAStableRunRestartsAtOnce() {
        let clock = ManualClock()
        var tracker = CrashTracker<ManualClock>()
        #expect(tracker.recordCrash(at: clock.now, ranFor: .seconds(2), policy: policy, random: 0.5) == .zero)
        #expect(tracker.recordCrash(at: clock.now, ranFor: .seconds(2), policy: policy, random: 0.5) == .milliseconds(500))
        // Then it ran 31 s: a crash of a gateway that was fine, not a loop.
        clock.advance(by: .seconds(31))
        #expect(tracker.recordCrash(at: clock.now, ranFor: .seconds(31), policy: policy, random: 0.5) == .zero)
        #expect(tracker.crashes.count == 1)
        #expect(!tracker.isCrashLooping(policy))
        // Quick crashes after it back off again, and loop at three.
        #expect(tracker.recordCrash(at: clock.now, ranFor: .milliseconds(300), policy: policy, random: 0.5) == .milliseconds(500))
        #expect(tracker.recordCrash(at: clock.now, ranFor: .milliseconds(300), policy: policy, random: 0.5) == .seconds(1))
        #expect(tracker.isCrashLooping(policy))
        // Nothing known about the run: counted as quick.
        #expect(tracker.recordCrash(at: clock.now, policy: policy, random: 0.5) == .seconds(2))
    }

    @Test func theHealingPolicyPassesTheRunOn() {
        let clock = ManualClock()
        var healing = HealingPolicy<ManualClock>(policy: policy)
        _ = healing.recordExit(of: "bot", at: clock.now, ranFor: .seconds(1), random: 0.5)
        let quick = healing.recordExit(of: "bot", at: clock.now, ranFor: .seconds(1), random: 0.5)
        #expect(quick.delay == .milliseconds(500))
        clock.advance(by: .seconds(60))
        let stable = healing.recordExit(of: "bot", at: clock.now, ranFor: .seconds(59), random: 0.5)
        #expect(stable.delay == .zero)
        #expect(stable.crashes == 1)
        #expect(!stable.crashLooping)
    }
}
