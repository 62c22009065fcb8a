import CFleetSystem
import FleetGit
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// `fleet daemon`: the reconcile loop on a timer, self-healing between ticks.
///
/// Events drive it: the interval timer (with jitter), SIGHUP, a gateway's exit (learned at once
/// through a pidfd), a backoff timer coming due, and stop. Each reconcile fetches the source,
/// checks signatures when required, plans and applies exactly as `fleet apply` does, and records
/// the state file. Timers run on `clock`, so tests can drive them.
public actor Daemon<C: Clock> where C.Duration == Duration, C.Instant: Sendable {
    enum Event: Sendable {
        case tick, hup, exit(ExitEvent), retry(String), stop
    }

    let config: DaemonConfiguration
    let clock: C
    let log: @Sendable (String) -> Void
    let root: String
    let follower: SourceFollower
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let watcher = ExitWatcher()
    private var metrics: MetricsServer?
    private var state = FleetState()
    private var trackers: [String: CrashTracker<C>] = [:]
    private var budget = RestartBudget<C>()
    private var healthFailures: [String: Int] = [:]
    /// Bots that failed at start-up, with the rendering identity that failed: not retried until it changes.
    private var failedStarts: [String: (identity: String, message: String)] = [:]
    private var fetchErrors = 0
    private var lastSuccess: Date?
    private var tickTask: Task<Void, Never>?
    private var fetchedCommit: String?
    /// The manifests and rendering the last full round applied: a crashed gateway is restarted
    /// from these without re-reading git or re-observing every bot.
    private var lastRound: (set: ManifestSet, desired: [String: DesiredBot])?

    /// Creates a daemon; `root` is the state root it manages.
    public init(config: DaemonConfiguration, root: String, clock: C, log: @escaping @Sendable (String) -> Void) {
        self.config = config
        self.clock = clock
        self.log = log
        self.root = root
        follower = SourceFollower(location: config.location, ref: config.ref, path: config.path, root: root)
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

    /// Runs until stopped.
    public func run() async throws {
        // A long-running process: few malloc arenas, and freed memory handed back after each round.
        fleet_malloc_limit_arenas()
        // The metrics listener first: a bad address or a taken port fails before anything is written.
        if let address = config.metricsListen {
            metrics = try MetricsServer(address: address)
        }
        try HostFiles.makeDirectory(root)
        try HostFiles.writeAtomically(Self.pidFile(root), text: "\(getpid())\n", mode: 0o644)
        if let address = config.metricsListen {
            log("metrics on http://\(address.split(separator: ":").first ?? "")\(":")\(metrics?.port ?? 0)/metrics")
        }
        state = (try? FleetState.load(from: Applier.statePath(root))) ?? FleetState()
        let watcherEvents = watcher.events
        let forward = continuation
        let forwarder = Task {
            for await e in watcherEvents { forward.yield(.exit(e)) }
        }
        log("daemon pid \(getpid()) follows \(config.location) \(config.ref) (\(config.path)); state root \(root)")
        await reconcile(reason: "start")
        scheduleTick()
        loop: for await event in events {
            switch event {
            case .stop:
                break loop
            case .tick:
                await reconcile(reason: "interval")
                scheduleTick()
            case .hup:
                await reconcile(reason: "SIGHUP")
            case .exit(let e):
                await handleExit(e)
            case .retry(let bot):
                await restart(bot)
            }
        }
        tickTask?.cancel()
        forwarder.cancel()
        watcher.stop()
        if config.stopGatewaysOnExit {
            let stopped = await HostCleanup.stopAll(root: root, grace: .seconds(10)) { [log] in log($0) }
            log("stopped \(stopped) gateways (--stop-gateways-on-exit)")
        } else {
            log("stopping; the gateways keep running (a new daemon adopts them)")
        }
        state = (try? FleetState.load(from: Applier.statePath(root))) ?? state
        state.daemonPid = nil
        try? state.save(to: Applier.statePath(root))
        unlink(Self.pidFile(root))
    }

    private func interval() -> Duration {
        config.interval ?? .seconds(30)
    }

    private func scheduleTick() {
        tickTask?.cancel()
        // At least a second: a reconcileInterval of 0s would otherwise reconcile in a busy loop.
        let base = max(currentInterval ?? interval(), .seconds(1))
        let factor = 1 + config.jitter * (2 * Double.random(in: 0...1) - 1)
        let delay = base * factor
        let clock = self.clock
        let continuation = self.continuation
        tickTask = Task {
            try? await clock.sleep(for: delay)
            if !Task.isCancelled { continuation.yield(.tick) }
        }
    }

    private var currentInterval: Duration?

    private func scheduleRetry(_ bot: String, after delay: Duration) {
        let clock = self.clock
        let continuation = self.continuation
        Task {
            try? await clock.sleep(for: delay)
            continuation.yield(.retry(bot))
        }
    }

    private func handleExit(_ e: ExitEvent) async {
        state = (try? FleetState.load(from: Applier.statePath(root))) ?? state
        guard var bot = state.bots[e.bot], bot.pid == e.pid else { return }
        let exit = e.exit ?? ExitInfo(code: nil, signal: nil, at: Date())
        bot.lastExit = exit
        bot.restarts += 1
        bot.pid = nil
        bot.pidStartTime = nil
        var tracker = trackers[e.bot] ?? CrashTracker<C>()
        let now = clock.now
        var delay = tracker.recordCrash(at: now, policy: config.policy, random: Double.random(in: 0...1))
        if !budget.take(at: now, policy: config.policy) {
            delay = max(delay, budget.wait(at: now, policy: config.policy))
            _ = budget.take(at: now.advanced(by: delay), policy: config.policy)
            log("\(e.bot): host restart budget (\(config.policy.budget) per \(config.policy.budgetWindow)) used up; waiting \(delay)")
        }
        let what = e.exit.map(\.summary) ?? "exited"
        if tracker.isCrashLooping(config.policy) {
            bot.phase = .CrashLoop
            let tail = Applier.tail(BotPaths(root: root, name: e.bot).consoleLog, lines: 5)
            bot.lastError = BotError(
                message: "crashed \(tracker.crashes.count) times (last: \(what)); next restart in \(Self.format(delay))"
                    + (tail.isEmpty ? "" : "; last log lines:\n    " + tail.joined(separator: "\n    ")),
                fix: "fleet logs \(e.bot); fix the cause in the manifest or the gateway, then commit", at: Date())
        } else {
            bot.phase = .Pending
            bot.lastError = BotError(message: "gateway \(what); restarting in \(Self.format(delay))", fix: nil, at: Date())
        }
        trackers[e.bot] = tracker
        state.bots[e.bot] = bot
        try? state.save(to: Applier.statePath(root))
        log("\(e.bot): gateway pid \(e.pid) \(what); restart in \(Self.format(delay))")
        publishMetrics()
        scheduleRetry(e.bot, after: delay)
    }

    static func format(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s < 10 ? s.fixed(1) + "s" : s.fixed(0) + "s"
    }

    private func reconcile(reason: String) async {
        let started = ContinuousClock.now
        state = (try? FleetState.load(from: Applier.statePath(root))) ?? state
        // 1. The source.
        var source: ManifestSource
        var status = state.source ?? SourceStatus(phase: "Ready", url: config.location, ref: config.ref)
        status.lastFetchAt = Date()
        status.path = config.path
        do {
            let fetched = try follower.fetch()
            source = fetched.source
            fetchedCommit = fetched.commit.id
            status.phase = "Ready"
            status.error = nil
            status.lastSuccessAt = Date()
        } catch {
            fetchErrors += 1
            status.phase = "Failing"
            status.error = error.description
            log("fetch failed: \(error.description); keeping the last applied commit")
            guard let applied = state.appliedCommit else {
                finish(status, started: started)
                return
            }
            source = follower.source(at: applied)
        }
        // 2. Keys and manifests.
        let keys = (try? FleetSession.secretKeys(for: source, keyFiles: config.keyFiles)) ?? SecretKeys()
        var set: ManifestSet
        do {
            set = try FleetSession.load(source, keys: keys)
        } catch {
            status.error = error.description
            finish(status, started: started)
            return
        }
        // 3. Trust: signatures, validity. A commit that fails either is not applied; the last
        //    applied commit keeps running and healing.
        var untrusted: String?
        if config.requireSignedCommits || set.fleet.requireSignedCommits, let commit = set.commit?.id,
           commit != state.appliedCommit {
            let verifier = SignatureVerifier(allowedSigners: config.allowedSigners, gnupgHome: config.gnupgHome)
            if let problem = verifier.problem(with: commit, in: source.repository) {
                untrusted = problem
                status.phase = "Untrusted"
            }
        }
        if !set.isValid {
            status.phase = SourceStatus.Phase.invalid
            untrusted = "commit \(set.commit?.shortId ?? "?") has invalid manifests (\(DiagnosticRenderer.summary(set.diagnostics))); run fleet validate --ref \(set.commit?.shortId ?? "HEAD")"
        }
        if let untrusted {
            status.error = untrusted
            log("not applying: \(untrusted)")
            guard let applied = state.appliedCommit, applied != set.commit?.id else {
                finish(status, started: started)
                return
            }
            let fallback = follower.source(at: applied)
            guard let previous = try? FleetSession.load(fallback, keys: keys), previous.isValid else {
                finish(status, started: started)
                return
            }
            set = previous
            source = fallback
        }
        set = config.selectBots(set)
        currentInterval = config.interval ?? set.fleet.reconcileInterval
        // 4. Plan under the lock; holds for bots in backoff.
        let holds = backoffHolds(for: trackers.keys)
        let lock: StateLock
        do {
            lock = try await StateLock(path: root + "/fleet.lock", timeout: .seconds(5), command: "fleet daemon")
        } catch {
            log("skipping this round: \(error)")
            finish(status, started: started)
            return
        }
        defer { withExtendedLifetime(lock) {} }
        var context: ReconcileContext
        do {
            context = try await Reconciler.prepare(
                set: set, source: source, stateRootFlag: root,
                options: PlanOptions(holds: holds, previousHealthFailures: healthFailures,
                                     failureThreshold: set.fleet.failureThreshold),
                createKey: true)
        } catch {
            status.error = error.description
            log("cannot plan: \(error.description)")
            finish(status, started: started)
            return
        }
        // A gateway that failed at start-up is not retried until its manifest or binary changes.
        for (i, action) in context.plan.actions.enumerated() {
            guard let failed = failedStarts[action.bot], action.kind == .start || action.kind == .create || action.kind == .restart,
                  let desired = context.desired.first(where: { $0.name == action.bot }) else { continue }
            if Self.identity(desired) == failed.identity {
                context.plan.actions[i] = PlannedAction(bot: action.bot, kind: .noop, reasons: ["Failed: \(failed.message)"], port: action.port)
            } else {
                failedStarts[action.bot] = nil
            }
        }
        var options = Reconciler.applyOptions(for: set.fleet)
        options.parallelism = config.parallelism
        if !context.plan.changes.isEmpty {
            log("reconcile (\(reason)) at \(set.commit?.shortId ?? "?"): \(PlanPrinter.summary(context.plan))")
        }
        let (report, newState) = await Reconciler.apply(context, options: options) { [log] in log($0) }
        state = newState
        recordFailedStarts(report, desired: context.desired)
        lastRound = (set, Dictionary(context.desired.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }))
        // 5. Health bookkeeping and crash-loop phases.
        for (name, obs) in context.observed {
            guard let health = obs.health else { continue }
            if health.live {
                healthFailures[name] = 0
                trackers[name]?.recordHealthy(at: clock.now, policy: config.policy)
            } else {
                healthFailures[name, default: 0] += 1
            }
        }
        for (name, tracker) in trackers where tracker.isCrashLooping(config.policy) {
            if state.bots[name]?.phase == .Pending || holds[name] != nil { state.bots[name]?.phase = .CrashLoop }
        }
        for (name, failed) in failedStarts {
            state.bots[name]?.phase = .Failed
            if state.bots[name]?.lastError == nil {
                state.bots[name]?.lastError = BotError(message: failed.message, fix: "fix the manifest and commit", at: Date())
            }
        }
        if report.ok { lastSuccess = Date() }
        finish(status, started: started)
    }

    /// The plan holds for those of `bots` still in restart backoff, with the reason shown.
    private func backoffHolds(for bots: some Sequence<String>) -> [String: String] {
        let now = clock.now
        var holds: [String: String] = [:]
        for bot in bots {
            guard let tracker = trackers[bot], !tracker.mayRestart(at: now) else { continue }
            holds[bot] = "restart backoff after \(tracker.crashes.count) crash\(tracker.crashes.count == 1 ? "" : "es")"
        }
        return holds
    }

    /// A gateway that failed at start-up is `Failed` and is not retried until its rendering changes.
    private func recordFailedStarts(_ report: ApplyReport, desired: [DesiredBot]) {
        for result in report.results {
            if !result.ok, result.message?.contains("during start-up") == true,
               let bot = desired.first(where: { $0.name == result.bot }) {
                failedStarts[result.bot] = (Self.identity(bot), result.message?.split(separator: "\n").first.map(String.init) ?? "start-up failed")
                state.bots[result.bot]?.phase = .Failed
                trackers[result.bot] = nil
            }
        }
    }

    /// Restarts one crashed gateway when its backoff is over: the last round's rendering of it,
    /// observed and planned alone (no fetch, no render, no probe of the other bots), so the time
    /// to bring it back does not grow with the fleet. Anything unusual (no round yet, the bot no
    /// longer wanted, a failed start) goes through a full round instead.
    private func restart(_ name: String) async {
        guard let round = lastRound, let desired = round.desired[name], desired.enabled, !desired.suspended,
              failedStarts[name] == nil else {
            await reconcile(reason: "restart \(name)")
            return
        }
        let lock: StateLock
        do {
            lock = try await StateLock(path: root + "/fleet.lock", timeout: .seconds(5), command: "fleet daemon")
        } catch {
            log("\(name): cannot restart now: \(error); the next round will")
            return
        }
        defer { withExtendedLifetime(lock) {} }
        state = (try? FleetState.load(from: Applier.statePath(root))) ?? state
        let fleet = round.set.fleet
        let host = HostSettings(fleet: fleet, stateRootFlag: root, environment: ProcessInfo.processInfo.environment)
        let observer = Observer(root: host.stateRoot, probeTimeout: fleet.probeTimeout)
        let observed = await observer.observe(state: state, names: [name], ports: [name: desired.rendered.launch.port], only: true)
        let holds = backoffHolds(for: [name])
        var plan = Planner.plan(
            desired: [desired], observed: observed, commit: round.set.commit?.id, stateRoot: host.stateRoot,
            fingerprint: Observer.fingerprint(observed),
            options: PlanOptions(holds: holds, previousHealthFailures: healthFailures, failureThreshold: fleet.failureThreshold))
        plan.actions = plan.actions.filter { $0.bot == name }
        if !plan.changes.isEmpty {
            var options = Reconciler.applyOptions(for: fleet)
            options.parallelism = 1
            let context = ReconcileContext(set: round.set, host: host, desired: [desired], state: state, observed: observed, plan: plan)
            let (report, newState) = await Reconciler.apply(context, options: options) { [log] in log($0) }
            state = newState
            recordFailedStarts(report, desired: [desired])
            if let tracker = trackers[name], tracker.isCrashLooping(config.policy), state.bots[name]?.phase == .Pending {
                state.bots[name]?.phase = .CrashLoop
            }
        }
        finish(state.source ?? SourceStatus(phase: "Ready", url: config.location, ref: config.ref), started: nil)
    }

    /// What makes a failed start worth retrying: the config, the launch, the binary.
    static func identity(_ bot: DesiredBot) -> String {
        var text = bot.rendered.configHash + "|" + bot.rendered.launch.arguments.joined(separator: " ")
        if let exe = bot.rendered.launch.arguments.first.flatMap({ GatewayProcess.resolveExecutable($0) }),
           let attrs = try? FileManager.default.attributesOfItem(atPath: exe) {
            text += "|\((attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)|\((attrs[.size] as? Int) ?? (attrs[.size] as? UInt64).map(Int.init) ?? 0)"
        }
        return text
    }

    /// Records the state file, watches every gateway's exit and publishes the metrics; `started`
    /// (a full round) also records how long the round took.
    private func finish(_ status: SourceStatus, started: ContinuousClock.Instant?) {
        state.source = status
        if let fetchedCommit { state.fetchedCommit = fetchedCommit }
        state.daemonPid = getpid()
        if let started {
            let elapsed = ContinuousClock.now - started
            state.lastReconcileSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        try? state.save(to: Applier.statePath(root))
        var watch: [String: (pid: Int32, startTime: UInt64?)] = [:]
        for (name, bot) in state.bots {
            if let pid = bot.pid { watch[name] = (pid, bot.pidStartTime) }
        }
        watcher.sync(watch)
        publishMetrics()
        fleet_malloc_trim()
    }

    private func publishMetrics() {
        metrics?.update(Metrics.text(state, fetchErrors: fetchErrors, lastSuccess: lastSuccess, reconcileSeconds: state.lastReconcileSeconds))
    }
}
