/// The numbers of self-healing, in one place (documented in docs/daemon.md).
public struct RestartPolicy: Sendable, Hashable {
    /// The first restart delay (of a second crash in a row; the first restarts at once): under
    /// supervisord's 1 s loop tick, so a repeated crash is back no later than under supervisord.
    public var initialDelay: Duration = .milliseconds(500)
    /// The longest delay.
    public var maxDelay: Duration = .seconds(300)
    /// Healthy this long, and the crash count starts over.
    public var resetAfter: Duration = .seconds(600)
    /// A gateway that ran this long before it crashed was not crash-looping: its crash count
    /// starts over and it restarts at once, as supervisord restarts a program that got past its
    /// `startsecs` (systemd's default start limit counts starts within 10 s).
    public var stableAfter: Duration = .seconds(10)
    /// Crashes within `resetAfter` that make a bot `CrashLoop`.
    public var crashLoopThreshold: Int = 3
    /// ± this fraction of random jitter on every delay.
    public var jitter: Double = 0.2
    /// Restarts allowed host-wide per `budgetWindow` (a mass crash is not a restart storm).
    public var budget: Int = 30
    /// The window of the host-wide budget.
    public var budgetWindow: Duration = .seconds(60)

    /// The defaults: the first crash restarts at once, then 0.5 s doubling to 5 min; reset after
    /// 10 min healthy or a run of 10 s; CrashLoop at 3 crashes; 30 restarts per minute for the host.
    public init() {}

    /// The delay before restart number `attempt` (1-based): the first crash restarts at once,
    /// then initial * 2^(attempt-2), capped, times a jitter factor in [1 - jitter, 1 + jitter]
    /// drawn from `random` (0...1).
    public func delay(attempt: Int, random: Double) -> Duration {
        if attempt <= 1 { return .zero }
        let exponent = max(0, min(attempt - 2, 30))
        var delay = initialDelay * (1 << exponent)
        if delay > maxDelay { delay = maxDelay }
        let factor = 1 + jitter * (2 * min(max(random, 0), 1) - 1)
        return delay * factor
    }
}

/// One bot's crash history, on a clock: how many crashes since it was last healthy long enough,
/// and when the next restart may happen.
public struct CrashTracker<C: Clock>: Sendable where C.Instant: Sendable, C.Duration == Duration {
    /// Crash instants since the last reset.
    public private(set) var crashes: [C.Instant] = []
    /// Since when the gateway has been healthy (nil when not).
    public private(set) var healthySince: C.Instant?
    /// The earliest instant of the next restart.
    public private(set) var nextRestart: C.Instant?

    /// An empty history.
    public init() {}

    /// Records a crash at `now` of a gateway that had run `ranFor` (nil: unknown, counted as
    /// short); returns the delay before the restart.
    public mutating func recordCrash(at now: C.Instant, ranFor: Duration? = nil, policy: RestartPolicy, random: Double) -> Duration {
        if let ranFor, ranFor >= policy.stableAfter { crashes.removeAll() }
        crashes.append(now)
        healthySince = nil
        let delay = policy.delay(attempt: crashes.count, random: random)
        nextRestart = now.advanced(by: delay)
        return delay
    }

    /// Records a healthy probe at `now`; after `resetAfter` of health the history is forgotten.
    public mutating func recordHealthy(at now: C.Instant, policy: RestartPolicy) {
        if healthySince == nil { healthySince = now }
        if let since = healthySince, since.duration(to: now) >= policy.resetAfter {
            crashes.removeAll()
            nextRestart = nil
        }
    }

    /// Whether the bot crashes in a loop.
    public func isCrashLooping(_ policy: RestartPolicy) -> Bool { crashes.count >= policy.crashLoopThreshold }

    /// Whether a restart may happen at `now`.
    public func mayRestart(at now: C.Instant) -> Bool {
        guard let nextRestart else { return true }
        return now >= nextRestart
    }
}

/// A host-wide token bucket of restarts.
public struct RestartBudget<C: Clock>: Sendable where C.Instant: Sendable, C.Duration == Duration {
    private var spent: [C.Instant] = []

    /// An unused budget.
    public init() {}

    /// Takes one restart from the budget at `now`, or returns false when it is used up.
    public mutating func take(at now: C.Instant, policy: RestartPolicy) -> Bool {
        let window = policy.budgetWindow
        spent.removeAll { $0.duration(to: now) >= window }
        guard spent.count < policy.budget else { return false }
        spent.append(now)
        return true
    }

    /// How long until the budget has room again at `now` (zero when it has room).
    public func wait(at now: C.Instant, policy: RestartPolicy) -> Duration {
        let live = spent.filter { $0.duration(to: now) < policy.budgetWindow }
        guard live.count >= policy.budget, let oldest = live.min() else { return .zero }
        return policy.budgetWindow - oldest.duration(to: now)
    }
}
