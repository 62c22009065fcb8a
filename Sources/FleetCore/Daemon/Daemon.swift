import CFleetSystem
import FleetGit
import FoundationEssentials
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// How far a daemon has got: what tests wait on instead of sleeping.
public struct DaemonProgress: Sendable, Hashable {
    /// Full rounds finished (fetch, plan, apply, record).
    public var rounds = 0
    /// Gateway exits handled.
    public var exits = 0
    /// Single-bot restarts finished (after a crash's backoff).
    public var restarts = 0
}

/// `fleet daemon`: the event loop. It owns its timers and stops them in order.
///
/// Events drive it: the interval timer (with jitter), SIGHUP, a gateway's exit (learned at once
/// through a pidfd), a backoff timer coming due, and stop. A tick or SIGHUP runs a full
/// `DaemonRound`; an exit goes to the `HealingPolicy`, which says when to restart; a restart
/// replans that one bot. Timers run on `clock`, so tests drive them with a manual clock; the
/// gateways are started, stopped and probed through `runtime`, so tests inject those too.
///
/// Long-running work in the style of swift-service-lifecycle: `run()` returns when asked to stop
/// (or when its task is cancelled), after cancelling its timers and the exit forwarder, which
/// live in a task group it owns; nothing outlives it.
public actor Daemon<C: Clock & Sendable> where C.Duration == Duration, C.Instant: Sendable {
    enum Event: Sendable {
        case tick(generation: Int), hup, exit(ExitEvent), retry(String), stop
    }

    let config: DaemonConfiguration
    let clock: C
    let logger: Logger
    let root: String
    let round: DaemonRound
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let watcher = ExitWatcher()
    private var metrics: MetricsServer?
    private var state = FleetState()
    private var policy: HealingPolicy<C>
    private var fetchErrors = 0
    private var lastSuccess: Date?
    private var fetchedCommit: String?
    private var interval: Duration?
    private var tickGeneration = 0
    /// Timers to start (delay, event), taken by the loop after each event.
    private var timers: [(Duration, Event)] = []
    /// The manifests and rendering the last full round applied: a crashed gateway is restarted
    /// from these without re-reading git or re-observing every bot.
    private var lastRound: (set: ManifestSet, desired: [String: DesiredBot])?
    private var progress = DaemonProgress()
    private var waiters: [(condition: @Sendable (DaemonProgress) -> Bool, continuation: CheckedContinuation<DaemonProgress, Never>)] = []

    /// Creates a daemon; `root` is the state root it manages. `runtime` starts, stops and probes
    /// the gateways (`.system` on a host); `identity` says what a failed start must change in to
    /// be retried (the default looks at the rendering and the gateway binary).
    public init(config: DaemonConfiguration, root: String, clock: C, logger: Logger, runtime: GatewayRuntime = .system,
                identity: @escaping @Sendable (DesiredBot) -> String = HealingPolicy<C>.identity) {
        self.config = config
        self.clock = clock
        self.logger = logger
        self.root = root
        let follower = SourceFollower(location: config.location, ref: config.ref, path: config.path, root: root)
        round = DaemonRound(config: config, root: root, follower: follower, runtime: runtime, logger: logger)
        policy = HealingPolicy(policy: config.policy, identity: identity)
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    /// `<root>/daemon.pid`.
    public static func pidFile(_ root: String) -> String { root + "/daemon.pid" }

    /// Asks for a reconcile now (SIGHUP).
    public nonisolated func reconcileNow() { continuation.yield(.hup) }

    /// Asks the daemon to stop after the current step (SIGTERM, SIGINT).
    public nonisolated func requestStop() { continuation.yield(.stop) }

    /// The metrics port, once listening.
    public func metricsPort() -> Int? { metrics?.port }

    /// How far the daemon has got.
    public func currentProgress() -> DaemonProgress { progress }

    /// Returns once `condition` holds for the daemon's progress (checked after every event).
    @discardableResult
    public func waitFor(_ condition: @escaping @Sendable (DaemonProgress) -> Bool) async -> DaemonProgress {
        if condition(progress) { return progress }
        return await withCheckedContinuation { waiters.append((condition, $0)) }
    }

    /// The healing policy's memory (for tests and diagnostics).
    public func healing() -> HealingPolicy<C> { policy }

    /// Runs until stopped. Throws when it cannot start: the metrics address is bad or taken, the
    /// state root cannot be written, or the state file cannot be read (R010, with the fix).
    public func run() async throws {
        // A long-running process: few malloc arenas, and freed memory handed back after each round.
        fleet_malloc_limit_arenas()
        // The metrics listener first: a bad address or a taken port fails before anything is written.
        if let address = config.metricsListen {
            metrics = try MetricsServer(address: address)
        }
        state = try FleetState.load(from: Applier.statePath(root))
        try HostFiles.makeDirectory(root)
        try HostFiles.writeAtomically(Self.pidFile(root), text: "\(getpid())\n", mode: 0o644)
        if let address = config.metricsListen, let port = metrics?.port {
            logger.info("metrics on http://\(address.split(separator: ":").first ?? ""):\(port)/metrics", metadata: ["port": "\(port)"])
        }
        logger.info("daemon pid \(getpid()) follows \(config.location) \(config.ref) (\(config.path)); state root \(root)",
                    metadata: ["pid": "\(getpid())", "source": "\(config.location)", "ref": "\(config.ref)", "root": "\(root)"])
        let watcherEvents = watcher.events
        let forward = continuation
        let clock = self.clock
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await e in watcherEvents { forward.yield(.exit(e)) }
            }
            await reconcile(reason: "start")
            releaseMemory()
            scheduleTick()
            startTimers(in: &group, clock: clock, continuation: forward)
            notifyWaiters()
            loop: for await event in events {
                switch event {
                case .stop:
                    break loop
                case .tick(let generation):
                    guard generation == tickGeneration else { continue }  // replaced by a newer timer
                    await reconcile(reason: "interval")
                    scheduleTick()
                case .hup:
                    await reconcile(reason: "SIGHUP")
                case .exit(let e):
                    await handleExit(e)
                case .retry(let bot):
                    await restart(bot)
                }
                releaseMemory()
                startTimers(in: &group, clock: clock, continuation: forward)
                notifyWaiters()
            }
            group.cancelAll()
        }
        watcher.stop()
        await shutDown()
    }

    /// After a round, a restart or an exit: what the work allocated is freed now, so the heap
    /// goes back to the kernel (malloc_trim), and so do the mappings of the code it ran (the
    /// read-only segments of the program and of every library it loaded: libcrypto, libgit2,
    /// glibc...; they stay in the page cache and the next round maps them again with minor
    /// faults). The idle daemon holds only what it needs to wait.
    private func releaseMemory() {
        fleet_malloc_trim()
        _ = Self.releaseCodePages()
    }

    /// Releases the read-only segments of the program and its libraries (``fleet_release_code_pages``); returns the bytes.
    static func releaseCodePages() -> Int { fleet_release_code_pages() }

    private func shutDown() async {
        if config.stopGatewaysOnExit {
            do {
                let logger = self.logger
                let stopped = try await HostCleanup.stopAll(root: root, grace: .seconds(10)) { logger.info("\($0)") }
                logger.info("stopped \(stopped) gateways (--stop-gateways-on-exit)")
            } catch {
                logger.error("stopping the gateways failed", metadata: ["error": "\(error)", "code": "\(error.code)"])
            }
        } else {
            logger.info("stopping; the gateways keep running (a new daemon adopts them)")
        }
        do {
            state = try FleetState.load(from: Applier.statePath(root))
            state.daemonPid = nil
            try state.save(to: Applier.statePath(root))
        } catch {
            logger.error("cannot record that the daemon stopped", metadata: ["error": "\(error)", "code": "\(error.code)"])
        }
        unlink(Self.pidFile(root))
        for waiter in waiters { waiter.continuation.resume(returning: progress) }
        waiters.removeAll()
    }

    // MARK: - Timers

    private func scheduleTick() {
        // At least a second: a reconcileInterval of 0s would otherwise reconcile in a busy loop.
        let base = max(interval ?? config.interval ?? .seconds(30), .seconds(1))
        let factor = 1 + config.jitter * (2 * Double.random(in: 0...1) - 1)
        tickGeneration += 1
        timers.append((base * factor, .tick(generation: tickGeneration)))
    }

    /// Starts the timers asked for since the last event, as children of the loop's group.
    private func startTimers(in group: inout DiscardingTaskGroup, clock: C, continuation: AsyncStream<Event>.Continuation) {
        for (delay, event) in timers {
            group.addTask {
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    return  // cancelled: the daemon stops
                }
                continuation.yield(event)
            }
        }
        timers.removeAll()
    }

    private func notifyWaiters() {
        let snapshot = progress
        waiters.removeAll { waiter in
            guard waiter.condition(snapshot) else { return false }
            waiter.continuation.resume(returning: snapshot)
            return true
        }
    }

    // MARK: - Events

    /// Re-reads the state file; on failure (R010) logs it with the fix and returns false.
    private func reloadState() -> Bool {
        do {
            state = try FleetState.load(from: Applier.statePath(root))
            return true
        } catch {
            logger.error("\(error.message)", metadata: ["code": "\(error.code)", "fix": "\(error.fix ?? "")"])
            return false
        }
    }

    private func handleExit(_ e: ExitEvent) async {
        defer { progress.exits += 1 }
        guard reloadState(), var bot = state.bots[e.bot], bot.pid == e.pid else { return }
        let exit = e.exit ?? ExitInfo(code: nil, signal: nil, at: Date())
        // How long it ran: from its start (the state's record) to its exit, on the wall clock.
        let ranFor = bot.startedAt.map { Duration.milliseconds(Int64(max(0, exit.at.timeIntervalSince($0)) * 1000)) }
        let decision = policy.recordExit(of: e.bot, at: clock.now, ranFor: ranFor, random: Double.random(in: 0...1))
        bot.lastExit = exit
        bot.restarts += 1
        bot.pid = nil
        bot.pidStartTime = nil
        let what = e.exit.map(\.summary) ?? "exited"
        if decision.budgetExhausted {
            logger.warning("host restart budget (\(config.policy.budget) per \(config.policy.budgetWindow)) used up; waiting \(decision.delay)",
                           metadata: ["bot": "\(e.bot)"])
        }
        if decision.crashLooping {
            bot.phase = .CrashLoop
            let tail = Applier.tail(BotPaths(root: root, name: e.bot).consoleLog, lines: 5)
            bot.lastError = BotError(
                message: "crashed \(decision.crashes) times (last: \(what)); next restart in \(Self.format(decision.delay))"
                    + (tail.isEmpty ? "" : "; last log lines:\n    " + tail.joined(separator: "\n    ")),
                fix: "fleet logs \(e.bot); fix the cause in the manifest or the gateway, then commit", at: Date())
        } else {
            bot.phase = .Pending
            bot.lastError = BotError(message: "gateway \(what); restarting in \(Self.format(decision.delay))", fix: nil, at: Date())
        }
        state.bots[e.bot] = bot
        save()
        logger.notice("\(e.bot): gateway pid \(e.pid) \(what); restart in \(Self.format(decision.delay))",
                      metadata: ["bot": "\(e.bot)", "pid": "\(e.pid)", "exit": "\(what)", "crashes": "\(decision.crashes)",
                                 "delay_seconds": "\(Self.seconds(decision.delay))"])
        publishMetrics()
        timers.append((decision.delay, .retry(e.bot)))
    }

    static func format(_ d: Duration) -> String {
        let s = seconds(d)
        return s < 10 ? s.fixed(1) + "s" : s.fixed(0) + "s"
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Whole milliseconds, for log fields.
    static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    private func reconcile(reason: String) async {
        var steps: [(name: String, took: Duration)] = []
        defer {
            progress.rounds += 1
            var metadata: Logger.Metadata = ["round": "\(progress.rounds)", "reason": "\(reason)"]
            for step in steps { metadata[step.name + "_ms"] = "\(Self.milliseconds(step.took))" }
            logger.debug("round finished", metadata: metadata)
        }
        let started = ContinuousClock.now
        guard reloadState() else { return }
        let policy = self.policy
        let clock = self.clock
        let now = clock.now
        let outcome = await round.run(
            reason: reason, state: state, previous: lastRound?.desired.mapValues(\.digest), holds: { policy.holds(for: $0, at: now) }, healthFailures: policy.healthFailures)
        steps = outcome.steps
        if outcome.fetchFailed { fetchErrors += 1 }
        if let commit = outcome.fetchedCommit { fetchedCommit = commit }
        if let interval = outcome.interval { self.interval = interval }
        if let applied = outcome.applied {
            state = applied.state
            self.policy.forgetChangedStarts(applied.desired)
            self.policy.record(applied.report, desired: applied.desired)
            self.policy.recordHealth(applied.observed, at: clock.now)
            let holds = self.policy.backoffHolds(for: applied.desired.map(\.name), at: clock.now)
            self.policy.annotate(&state, holds: holds, at: Date())
            // A restart needs the rendering and the Fleet's settings and commit, not the parsed
            // manifests and their text (a few MiB at 200 bots).
            var kept = applied.set
            kept.bots = []
            kept.texts = [:]
            kept.diagnostics = []
            lastRound = (kept, Dictionary(applied.desired.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }))
            if applied.report.ok { lastSuccess = Date() }
            for result in applied.report.results where !result.ok {
                logger.error("\(result.bot): \(result.kind.rawValue) failed: \(result.message ?? "")",
                             metadata: ["bot": "\(result.bot)", "code": "\(result.code ?? "")"])
            }
            if let error = applied.report.recordError {
                logger.error("\(error.message)", metadata: ["code": "\(error.code)"])
            }
        } else if !reloadState() {
            return
        }
        finish(outcome.status, started: started)
    }

    /// Restarts one crashed gateway when its backoff is over (see `DaemonRound.restart`).
    /// Anything unusual (no round yet, the bot no longer wanted, a failed start) goes through a
    /// full round instead.
    private func restart(_ name: String) async {
        guard let last = lastRound, let desired = last.desired[name], desired.enabled, !desired.suspended,
              !policy.hasFailedStart(name) else {
            await reconcile(reason: "restart \(name)")
            return
        }
        defer { progress.restarts += 1 }
        let holds = policy.backoffHolds(for: [name], at: clock.now)
        guard let (report, newState) = await round.restart(desired, set: last.set, holds: holds,
                                                           healthFailures: policy.healthFailures) else { return }
        state = newState
        policy.record(report, desired: [desired])
        if policy.isCrashLooping(name), state.bots[name]?.phase == .Pending {
            state.bots[name]?.phase = .CrashLoop
        }
        policy.annotate(&state, holds: holds, at: Date())
        finish(state.source ?? SourceStatus(phase: "Ready", url: config.location, ref: config.ref), started: nil)
    }

    // MARK: - Record

    /// Publishes the metrics, records the state file, and watches every gateway's exit; `started`
    /// (a full round) also records how long the round took. The metrics come first, so whoever
    /// sees the state file's new commit finds the metrics of it too.
    private func finish(_ status: SourceStatus, started: ContinuousClock.Instant?) {
        state.source = status
        if let fetchedCommit { state.fetchedCommit = fetchedCommit }
        state.daemonPid = getpid()
        if let started {
            state.lastReconcileSeconds = Self.seconds(ContinuousClock.now - started)
        }
        publishMetrics()
        save()
        var watch: [String: (pid: Int32, startTime: UInt64?)] = [:]
        for (name, bot) in state.bots {
            if let pid = bot.pid { watch[name] = (pid, bot.pidStartTime) }
        }
        watcher.sync(watch)
    }

    /// Writes the state file; a failure is logged at error level with its code (R006).
    private func save() {
        do {
            try state.save(to: Applier.statePath(root))
        } catch {
            logger.error("\(error.message)", metadata: ["code": "\(error.code)", "fix": "\(error.fix ?? "")"])
        }
    }

    private func publishMetrics() {
        metrics?.update(Metrics.text(state, fetchErrors: fetchErrors, lastSuccess: lastSuccess, reconcileSeconds: state.lastReconcileSeconds))
    }
}
