import FoundationEssentials

/// The daemon's self-healing memory and rules: crash bookkeeping, restart backoff, the host-wide
/// restart budget, gateways that failed at start-up, and failed health probes in a row.
///
/// It decides nothing about actions: it turns what it remembers into plan holds and health
/// counts (`holds(for:at:)`, `healthFailures`) that the planner takes as inputs, so the planner
/// stays the one place that decides what to do to each bot. A value type on a clock, with no
/// I/O but the gateway binary's size and time (`identity`), so it is unit-tested on a manual clock.
public struct HealingPolicy<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    /// A gateway that exited during start-up, with the rendering that failed.
    public struct FailedStart: Sendable, Hashable {
        /// What made the start fail (`identity`): a change of it is worth a retry.
        public var identity: String
        /// The first line of the failure.
        public var message: String
    }

    /// What to do after a gateway exited.
    public struct ExitDecision: Sendable, Hashable {
        /// The pause before the restart.
        public var delay: Duration
        /// Crashes since the bot was last healthy long enough.
        public var crashes: Int
        /// Whether the bot now crashes in a loop.
        public var crashLooping: Bool
        /// Whether the host-wide budget made the pause longer.
        public var budgetExhausted: Bool
    }

    /// The numbers.
    public var policy: RestartPolicy
    /// Crash histories, by bot.
    public private(set) var trackers: [String: CrashTracker<C>] = [:]
    /// Failed `/healthz` probes in a row, by bot (the planner's `previousHealthFailures`).
    public private(set) var healthFailures: [String: Int] = [:]
    /// Gateways that failed at start-up, by bot: held until their rendering changes.
    public private(set) var failedStarts: [String: FailedStart] = [:]
    private var budget = RestartBudget<C>()
    /// What makes a failed start worth retrying (`HealingPolicy.identity` on the host).
    private let identity: @Sendable (DesiredBot) -> String

    /// An empty memory with `policy`; `identity` says what a retried start must differ in.
    public init(policy: RestartPolicy, identity: @escaping @Sendable (DesiredBot) -> String = HealingPolicy.identity) {
        self.policy = policy
        self.identity = identity
    }

    /// Records that `bot`'s gateway exited at `now` after running `ranFor` (nil: unknown): the
    /// restart delay (backoff, then the budget) and whether it crash-loops. `random` (0...1)
    /// draws the jitter.
    public mutating func recordExit(of bot: String, at now: C.Instant, ranFor: Duration? = nil, random: Double) -> ExitDecision {
        var tracker = trackers[bot] ?? CrashTracker<C>()
        var delay = tracker.recordCrash(at: now, ranFor: ranFor, policy: policy, random: random)
        var exhausted = false
        if !budget.take(at: now, policy: policy) {
            exhausted = true
            delay = max(delay, budget.wait(at: now, policy: policy))
            _ = budget.take(at: now.advanced(by: delay), policy: policy)
        }
        trackers[bot] = tracker
        return ExitDecision(delay: delay, crashes: tracker.crashes.count, crashLooping: tracker.isCrashLooping(policy),
                            budgetExhausted: exhausted)
    }

    /// Whether `bot` crashes in a loop.
    public func isCrashLooping(_ bot: String) -> Bool { trackers[bot]?.isCrashLooping(policy) ?? false }

    /// Whether `bot` failed at start-up and waits for a change.
    public func hasFailedStart(_ bot: String) -> Bool { failedStarts[bot] != nil }

    /// The plan holds for `desired` at `now`: bots in restart backoff, and bots whose start failed
    /// with the same rendering and binary (one whose rendering changed is retried).
    public func holds(for desired: [DesiredBot], at now: C.Instant) -> [String: String] {
        var holds = backoffHolds(for: desired.map(\.name), at: now)
        for bot in desired {
            guard let failed = failedStarts[bot.name], identity(bot) == failed.identity else { continue }
            holds[bot.name] = "Failed: \(failed.message)"
        }
        return holds
    }

    /// Forgets the failed starts of those of `desired` whose rendering or binary changed (they
    /// were retried by the round that rendered `desired`).
    public mutating func forgetChangedStarts(_ desired: [DesiredBot]) {
        for bot in desired {
            if let failed = failedStarts[bot.name], identity(bot) != failed.identity { failedStarts[bot.name] = nil }
        }
    }

    /// The holds of those of `bots` still in restart backoff at `now`.
    public func backoffHolds(for bots: [String], at now: C.Instant) -> [String: String] {
        var holds: [String: String] = [:]
        for bot in bots {
            guard let tracker = trackers[bot], !tracker.mayRestart(at: now) else { continue }
            holds[bot] = "restart backoff after \(tracker.crashes.count) crash\(tracker.crashes.count == 1 ? "" : "es")"
        }
        return holds
    }

    /// Learns from an apply: a gateway that exited during start-up (`ApplyError.Kind.startupExit`,
    /// or `configRefused` when it refused its config)
    /// is a failed start, held until `identity` changes; its crash history no longer matters.
    public mutating func record(_ report: ApplyReport, desired: [DesiredBot]) {
        for result in report.results where result.errorKind == .startupExit || result.errorKind == .configRefused {
            guard let bot = desired.first(where: { $0.name == result.bot }) else { continue }
            let firstLine = result.message?.split(separator: "\n").first.map(String.init) ?? "start-up failed"
            failedStarts[result.bot] = FailedStart(identity: identity(bot), message: firstLine)
            trackers[result.bot] = nil
        }
    }

    /// Learns from a round's probes: failures in a row count up, an answer resets them and, held
    /// for `policy.resetAfter`, forgets the crash history.
    public mutating func recordHealth(_ observed: [String: ObservedBot], at now: C.Instant) {
        for (name, obs) in observed {
            guard let health = obs.health else { continue }
            if health.live {
                healthFailures[name] = 0
                trackers[name]?.recordHealthy(at: now, policy: policy)
            } else {
                healthFailures[name, default: 0] += 1
            }
        }
    }

    /// Shows what the policy knows in the state: a crash-looping bot waiting for its restart is
    /// `CrashLoop`; a failed start is `Failed` with its message.
    public func annotate(_ state: inout FleetState, holds: [String: String], at: Date) {
        for (name, tracker) in trackers where tracker.isCrashLooping(policy) {
            if state.bots[name]?.phase == .Pending || holds[name] != nil { state.bots[name]?.phase = .CrashLoop }
        }
        for (name, failed) in failedStarts {
            state.bots[name]?.phase = .Failed
            if state.bots[name]?.lastError == nil {
                state.bots[name]?.lastError = BotError(message: failed.message, fix: "fix the manifest and commit", at: at,
                                                       code: ApplyError.Kind.startupExit.code)
            }
        }
    }

    /// What makes a failed start worth retrying on this host: the config, the launch, and the
    /// gateway binary (its size and modification time).
    public static func identity(_ bot: DesiredBot) -> String {
        var text = bot.rendered.configHash + "|" + bot.rendered.launch.arguments.joined(separator: " ")
        if let exe = bot.rendered.launch.arguments.first.flatMap({ GatewayProcess.resolveExecutable($0) }),
           let attrs = try? FileManager.default.attributesOfItem(atPath: exe) {
            text += "|\((attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)|\((attrs[.size] as? Int) ?? (attrs[.size] as? UInt64).map(Int.init) ?? 0)"
        }
        return text
    }
}
