@testable import FleetCore
import FleetTestSupport
import Testing

/// Backoff, reset and the host-wide budget, driven by a manual clock.
@Suite struct RestartPolicyTests {
    let policy = RestartPolicy()

    @Test func theFirstCrashRestartsAtOnceThenDelaysDoubleToFiveMinutes() {
        let delays = (1...12).map { policy.delay(attempt: $0, random: 0.5) }
        #expect(delays.prefix(5) == [.zero, .milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
        #expect(delays[10] == .seconds(256))
        #expect(delays[11] == .seconds(300))
        #expect(delays[11] == .seconds(300))
    }

    @Test func jitterStaysWithinTwentyPercent() {
        #expect(policy.delay(attempt: 5, random: 0) == .seconds(4) * 0.8)
        #expect(policy.delay(attempt: 5, random: 1) == .seconds(4) * 1.2)
        #expect(policy.delay(attempt: 5, random: 7) == .seconds(4) * 1.2)
    }

    @Test func crashesBackOffLoopAndResetAfterTenHealthyMinutes() {
        let clock = ManualClock()
        var tracker = CrashTracker<ManualClock>()
        let first = tracker.recordCrash(at: clock.now, policy: policy, random: 0.5)
        #expect(first == .zero)
        #expect(tracker.mayRestart(at: clock.now))
        let second = tracker.recordCrash(at: clock.now, policy: policy, random: 0.5)
        #expect(second == .milliseconds(500))
        #expect(!tracker.mayRestart(at: clock.now))
        clock.advance(by: .milliseconds(500))
        #expect(tracker.mayRestart(at: clock.now))
        #expect(!tracker.isCrashLooping(policy))
        let third = tracker.recordCrash(at: clock.now, policy: policy, random: 0.5)
        #expect(third == .seconds(1))
        #expect(tracker.isCrashLooping(policy))
        // Healthy for 9 minutes: still remembered; for 10: forgotten.
        tracker.recordHealthy(at: clock.now, policy: policy)
        clock.advance(by: .seconds(540))
        tracker.recordHealthy(at: clock.now, policy: policy)
        #expect(tracker.crashes.count == 3)
        clock.advance(by: .seconds(60))
        tracker.recordHealthy(at: clock.now, policy: policy)
        #expect(tracker.crashes.isEmpty)
        let fresh = tracker.recordCrash(at: clock.now, policy: policy, random: 0.5)
        #expect(fresh == .zero)
    }

    @Test func aCrashInterruptsTheHealthyPeriod() {
        let clock = ManualClock()
        var tracker = CrashTracker<ManualClock>()
        _ = tracker.recordCrash(at: clock.now, policy: policy, random: 0.5)
        tracker.recordHealthy(at: clock.now, policy: policy)
        clock.advance(by: .seconds(300))
        _ = tracker.recordCrash(at: clock.now, policy: policy, random: 0.5)
        clock.advance(by: .seconds(400))
        tracker.recordHealthy(at: clock.now, policy: policy)
        #expect(tracker.crashes.count == 2)
    }

    @Test func theHostBudgetStopsARestartStorm() {
        let clock = ManualClock()
        var budget = RestartBudget<ManualClock>()
        var small = policy
        small.budget = 3
        var taken: [Bool] = []
        for _ in 0..<5 { taken.append(budget.take(at: clock.now, policy: small)) }
        #expect(taken == [true, true, true, false, false])
        clock.advance(by: .seconds(59))
        #expect(budget.wait(at: clock.now, policy: small) == .seconds(1))
        let early = budget.take(at: clock.now, policy: small)
        #expect(!early)
        clock.advance(by: .seconds(1))
        let later = budget.take(at: clock.now, policy: small)
        #expect(later)
    }
}
