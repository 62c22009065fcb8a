@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// The daemon's healing policy on a manual clock: what it remembers becomes plan holds and health
/// counts, and the planner (given them) decides the actions.
@Suite struct HealingPolicyTests {
    /// A failed start's identity here: the config alone (no gateway binary to look at).
    static func policy(_ restart: RestartPolicy = RestartPolicy()) -> HealingPolicy<ManualClock> {
        HealingPolicy(policy: restart, identity: { $0.rendered.configHash })
    }

    static func failed(_ bot: String, _ kind: ApplyError.Kind, _ message: String) -> ApplyReport {
        ApplyReport(results: [.failure(bot, .start, ApplyError(kind, message), seconds: 0.1)])
    }

    @Test func exitsBackOffAndHoldTheBotUntilTheDelayIsOver() throws {
        let clock = ManualClock()
        var policy = Self.policy()
        let bot = try desiredBot("crashy", root: "/r", port: 42_000)
        let first = policy.recordExit(of: "crashy", at: clock.now, random: 0.5)
        #expect(first.delay == .zero && first.crashes == 1 && !first.crashLooping)
        #expect(policy.holds(for: [bot], at: clock.now).isEmpty, "the first crash restarts at once")
        let second = policy.recordExit(of: "crashy", at: clock.now, random: 0.5)
        #expect(second.delay == .milliseconds(500))
        #expect(policy.holds(for: [bot], at: clock.now) == ["crashy": "restart backoff after 2 crashes"])
        // The planner keeps the bot as it is while held (no start), and starts it after.
        let observed = ["crashy": ObservedBot(name: "crashy", record: BotState(port: 42_000), directoryExists: true)]
        let held = Planner.plan(desired: [bot], observed: observed, commit: nil, stateRoot: "/r", fingerprint: "-",
                                options: PlanOptions(holds: policy.holds(for: [bot], at: clock.now)))
        #expect(held.actions.map(\.kind) == [.noop])
        #expect(held.actions.first?.reasons == ["restart backoff after 2 crashes"])
        clock.advance(by: .milliseconds(500))
        let free = Planner.plan(desired: [bot], observed: observed, commit: nil, stateRoot: "/r", fingerprint: "-",
                                options: PlanOptions(holds: policy.holds(for: [bot], at: clock.now)))
        #expect(free.actions.map(\.kind) == [.start])
        let third = policy.recordExit(of: "crashy", at: clock.now, random: 0.5)
        #expect(third.delay == .seconds(1) && third.crashLooping)
        #expect(policy.isCrashLooping("crashy"))
    }

    @Test func theHostBudgetStretchesTheDelay() {
        let clock = ManualClock()
        var restart = RestartPolicy()
        restart.budget = 2
        restart.budgetWindow = .seconds(60)
        var policy = Self.policy(restart)
        #expect(!policy.recordExit(of: "a", at: clock.now, random: 0.5).budgetExhausted)
        #expect(!policy.recordExit(of: "b", at: clock.now, random: 0.5).budgetExhausted)
        let third = policy.recordExit(of: "c", at: clock.now, random: 0.5)
        #expect(third.budgetExhausted)
        #expect(third.delay == .seconds(60), "c waits for room in the budget")
    }

    @Test func aStartupExitIsHeldUntilTheRenderingChanges() throws {
        let clock = ManualClock()
        var policy = Self.policy()
        let bot = try desiredBot("broken", root: "/r", port: 42_020)
        policy.record(Self.failed("broken", .startupExit, "gateway exited with code 1 during start-up:\n    bad flag"), desired: [bot])
        #expect(policy.hasFailedStart("broken"))
        #expect(policy.holds(for: [bot], at: clock.now) == ["broken": "Failed: gateway exited with code 1 during start-up:"])
        // The same rendering next round: still held. A new model: retried.
        policy.forgetChangedStarts([bot])
        #expect(policy.hasFailedStart("broken"))
        let changed = try desiredBot("broken", root: "/r", port: 42_020, spec: "  model: openai/gpt-4o")
        #expect(policy.holds(for: [changed], at: clock.now).isEmpty)
        policy.forgetChangedStarts([changed])
        #expect(!policy.hasFailedStart("broken"))
    }

    @Test func onlyAStartupExitOrARefusedConfigIsAFailedStart() throws {
        var policy = Self.policy()
        let bot = try desiredBot("other", root: "/r", port: 42_040)
        for kind in ApplyError.Kind.allCases where kind != .startupExit && kind != .configRefused {
            policy.record(Self.failed("other", kind, "gateway exited during start-up (words do not decide)"), desired: [bot])
            #expect(!policy.hasFailedStart("other"), "\(kind) was taken for a failed start")
        }
        policy.record(Self.failed("other", .startupExit, "no telling words"), desired: [bot])
        #expect(policy.hasFailedStart("other"))
        // A refused config (EX_CONFIG) is a failed start too.
        var refused = Self.policy()
        refused.record(Self.failed("other", .configRefused, "no telling words"), desired: [bot])
        #expect(refused.hasFailedStart("other"))
    }

    @Test func failedProbesCountUpAndAnAnswerResetsThem() throws {
        let clock = ManualClock()
        var policy = Self.policy()
        func observe(_ live: Bool) -> [String: ObservedBot] {
            var bot = ObservedBot(name: "sick")
            bot.health = GatewayHealth(live: live, ready: nil, failing: [])
            return ["sick": bot]
        }
        policy.recordHealth(observe(false), at: clock.now)
        policy.recordHealth(observe(false), at: clock.now)
        #expect(policy.healthFailures["sick"] == 2)
        policy.recordHealth(observe(true), at: clock.now)
        #expect(policy.healthFailures["sick"] == 0)
        // Healthy long enough forgets the crash history.
        _ = policy.recordExit(of: "sick", at: clock.now, random: 0.5)
        _ = policy.recordExit(of: "sick", at: clock.now, random: 0.5)
        _ = policy.recordExit(of: "sick", at: clock.now, random: 0.5)
        #expect(policy.isCrashLooping("sick"))
        policy.recordHealth(observe(true), at: clock.now)
        clock.advance(by: .seconds(600))
        policy.recordHealth(observe(true), at: clock.now)
        #expect(!policy.isCrashLooping("sick"))
    }

    @Test func theStateShowsCrashLoopsAndFailedStarts() throws {
        let clock = ManualClock()
        var policy = Self.policy()
        for _ in 0..<3 { _ = policy.recordExit(of: "loop", at: clock.now, random: 0.5) }
        let bot = try desiredBot("broken", root: "/r", port: 42_060)
        policy.record(Self.failed("broken", .startupExit, "gateway exited with code 2 during start-up"), desired: [bot])
        var state = FleetState()
        state.bots["loop"] = BotState(port: 1)
        state.bots["broken"] = BotState(port: 2)
        policy.annotate(&state, holds: policy.backoffHolds(for: ["loop"], at: clock.now), at: Date())
        #expect(state.bots["loop"]?.phase == .CrashLoop)
        #expect(state.bots["broken"]?.phase == .Failed)
        #expect(state.bots["broken"]?.lastError?.code == "R002")
    }
}
