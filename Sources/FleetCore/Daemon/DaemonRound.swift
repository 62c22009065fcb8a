import FleetGit
import FoundationEssentials
import Logging

/// One reconcile of the daemon, from the source to the state: fetch the followed ref, read the
/// manifests, check that the commit may be applied (signature, validity), plan under the state
/// lock with the healing policy's holds, apply, and hand back what the loop records.
///
/// Git and the signature check block (libgit2, `ssh-keygen`): they run on a dedicated thread
/// (`Blocking`), never on the daemon's actor or a thread of the cooperative pool.
struct DaemonRound: Sendable {
    let config: DaemonConfiguration
    let root: String
    let follower: SourceFollower
    let runtime: GatewayRuntime
    let logger: Logger

    /// What a round learned and did.
    struct Outcome: Sendable {
        /// The source's condition.
        var status: SourceStatus
        /// The commit the fetch found, when it worked.
        var fetchedCommit: String?
        /// Whether the fetch failed.
        var fetchFailed = false
        /// The interval the manifests ask for.
        var interval: Duration?
        /// The apply, when the round got that far.
        var applied: Applied?
        /// A failure that stopped the round before it applied (for the log and the state).
        var stopped: String?
        /// How long each step took, in order (`fetch`, `read`, `plan`, `apply`), for the log.
        var steps: [(name: String, took: Duration)] = []
    }

    /// A round that planned and applied.
    struct Applied: Sendable {
        var set: ManifestSet
        var desired: [DesiredBot]
        var observed: [String: ObservedBot]
        var report: ApplyReport
        var state: FleetState
    }

    /// The manifests to apply and where they came from.
    private struct Loaded: Sendable {
        var source: ManifestSource
        var set: ManifestSet
        var keys: SecretKeys
    }

    /// Runs one round. `state` is the state file as last read; `holds` gives the healing policy's
    /// holds for the rendered bots; `healthFailures` are the failed probes in a row so far.
    ///
    /// `previous` is the last round's rendering, by bot (nil before the first round): the bots
    /// whose rendering differs from it (a commit changed their manifest, or the Fleet's settings)
    /// are planned and applied first, observed alone, before the whole fleet is observed and
    /// planned; a changed config reaches its gateway without waiting on the probes of the others.
    func run(reason: String, state: FleetState, previous: [String: DesiredBot.Digest]? = nil,
             holds: @escaping @Sendable ([DesiredBot]) -> [String: String],
             healthFailures: [String: Int]) async -> Outcome {
        var status = state.source ?? SourceStatus(phase: "Ready", url: config.location, ref: config.ref)
        status.lastFetchAt = Date()
        status.path = config.path
        var outcome = Outcome(status: status)
        let clock = ContinuousClock()
        var stepStart = clock.now
        func step(_ name: String) {
            let now = clock.now
            outcome.steps.append((name, now - stepStart))
            stepStart = now
        }
        // 1. The source, on a dedicated thread: a fetch of a slow remote holds nothing else.
        let follower = self.follower
        let keyFiles = config.keyFiles
        let fetched = await Blocking.run("fleet-git") { () -> Result<(GitCommitInfo, ManifestSource), GitError> in
            do throws(GitError) {
                let (commit, source) = try follower.fetch()
                return .success((commit, source))
            } catch {
                return .failure(error)
            }
        }
        let source: ManifestSource
        switch fetched {
        case .success(let (commit, fetchedSource)):
            source = fetchedSource
            outcome.fetchedCommit = commit.id
            outcome.status.phase = "Ready"
            outcome.status.error = nil
            outcome.status.lastSuccessAt = Date()
        case .failure(let error):
            outcome.fetchFailed = true
            outcome.status.phase = "Failing"
            outcome.status.error = error.description
            logger.warning("fetch failed; keeping the last applied commit", metadata: ["error": "\(error.description)"])
            guard let applied = state.appliedCommit else { return outcome }
            source = follower.source(at: applied)
        }
        step("fetch")
        // 2. Keys and manifests (libgit2 reads, YAML, decryption), on the same kind of thread.
        var loaded: Loaded
        switch await Self.load(source, keyFiles: keyFiles) {
        case .success(let value): loaded = value
        case .failure(let error):
            outcome.status.error = error.description
            outcome.stopped = error.description
            return outcome
        }
        // 3. Trust: signatures, validity. A commit that fails either is not applied; the last
        //    applied commit keeps running and healing.
        var untrusted: String?
        let set = loaded.set
        if config.requireSignedCommits || set.fleet.requireSignedCommits, let commit = set.commit?.id,
           commit != state.appliedCommit {
            let verifier = SignatureVerifier(allowedSigners: config.allowedSigners, gnupgHome: config.gnupgHome)
            let repository = loaded.source.repository
            if let problem = await Blocking.run("fleet-verify", { verifier.problem(with: commit, in: repository) }) {
                untrusted = problem
                outcome.status.phase = "Untrusted"
            }
        }
        if !set.isValid {
            outcome.status.phase = SourceStatus.Phase.invalid
            untrusted = "commit \(set.commit?.shortId ?? "?") has invalid manifests (\(DiagnosticRenderer.summary(set.diagnostics))); run fleet validate --ref \(set.commit?.shortId ?? "HEAD")"
        }
        if let untrusted {
            outcome.status.error = untrusted
            logger.warning("not applying this commit", metadata: ["reason": "\(untrusted)", "commit": "\(set.commit?.id ?? "")"])
            guard let applied = state.appliedCommit, applied != set.commit?.id else { return outcome }
            guard case .success(let previous) = await Self.load(follower.source(at: applied), keyFiles: keyFiles),
                  previous.set.isValid else { return outcome }
            loaded = previous
        }
        let selected = config.selectBots(loaded.set)
        outcome.interval = config.interval ?? selected.fleet.reconcileInterval
        step("read")
        // 4. Plan under the lock, with the healing policy's holds; apply.
        let lock: StateLock
        do {
            lock = try await StateLock(path: root + "/fleet.lock", timeout: .seconds(5), command: "fleet daemon")
        } catch {
            logger.warning("skipping this round: the state lock is held", metadata: ["error": "\(error)"])
            outcome.stopped = "\(error)"
            return outcome
        }
        defer { withExtendedLifetime(lock) {} }
        let rendered: RenderedFleet
        do {
            rendered = try await Reconciler.render(set: selected, source: loaded.source, stateRootFlag: root, createKey: true)
        } catch {
            outcome.status.error = error.description
            outcome.stopped = error.description
            logger.error("cannot plan", metadata: ["error": "\(error.description)"])
            return outcome
        }
        step("render")
        // Gateways past the host's inotify instances never apply a config change: said at the
        // daemon's first round and when the number of bots changes.
        if previous?.count != rendered.desired.count, let shortfall = InotifyInstances.shortfall(for: rendered.desired) {
            logger.warning("\(shortfall.description)", metadata: ["fix": "\(shortfall.fix)"])
        }
        var options = Reconciler.applyOptions(for: selected.fleet)
        if let parallelism = config.parallelism { options.parallelism = parallelism }
        let planOptions = PlanOptions(previousHealthFailures: healthFailures, failureThreshold: selected.fleet.failureThreshold)
        let logger = self.logger
        var rest = rendered
        var firstResults: [ActionResult] = []
        let changed = Self.changed(rendered.desired, since: previous)
        if !changed.isEmpty, changed.count < rendered.desired.count {
            let first = await Reconciler.plan(rendered, options: planOptions, prober: runtime.prober, holds: holds, only: changed)
            if !first.plan.changes.isEmpty {
                logger.info("reconcile (\(reason)) at \(selected.commit?.shortId ?? "?"), the bots it changes first: \(PlanPrinter.summary(first.plan))",
                            metadata: ["reason": "\(reason)", "commit": "\(selected.commit?.id ?? "")"])
                let (report, newState) = await Reconciler.apply(first, options: options, runtime: runtime) { line in
                    logger.info("\(line)")
                }
                firstResults = report.results
                if let error = report.recordError {
                    logger.error("\(error.message)", metadata: ["code": "\(error.code)"])
                }
                rest.state = newState
            }
            step("changed")
        }
        let context = await Reconciler.plan(rest, options: planOptions, prober: runtime.prober, holds: holds)
        step("plan")
        if !context.plan.changes.isEmpty {
            logger.info("reconcile (\(reason)) at \(selected.commit?.shortId ?? "?"): \(PlanPrinter.summary(context.plan))",
                        metadata: ["reason": "\(reason)", "commit": "\(selected.commit?.id ?? "")"])
        }
        var (report, newState) = await Reconciler.apply(context, options: options, runtime: runtime) { line in
            logger.info("\(line)")
        }
        report.results = (firstResults + report.results).sorted { $0.bot < $1.bot }
        outcome.applied = Applied(set: selected, desired: context.desired, observed: context.observed,
                                  report: report, state: newState)
        step("apply")
        return outcome
    }

    /// Restarts one crashed gateway from the last round's rendering: observed and planned alone
    /// (no fetch, no render, no probe of the other bots), under the state lock, with the policy's
    /// `holds` for it. Returns the report and the state, or nil when the lock was not free or the
    /// state file cannot be read.
    func restart(_ desired: DesiredBot, set: ManifestSet, holds: [String: String],
                 healthFailures: [String: Int]) async -> (report: ApplyReport, state: FleetState)? {
        let name = desired.name
        let lock: StateLock
        do {
            lock = try await StateLock(path: root + "/fleet.lock", timeout: .seconds(5), command: "fleet daemon")
        } catch {
            logger.warning("cannot restart now; the next round will", metadata: ["bot": "\(name)", "error": "\(error)"])
            return nil
        }
        defer { withExtendedLifetime(lock) {} }
        let state: FleetState
        do {
            state = try FleetState.load(from: Applier.statePath(root))
        } catch {
            logger.error("cannot restart: the state file cannot be read", metadata: ["bot": "\(name)", "error": "\(error)"])
            return nil
        }
        let fleet = set.fleet
        let host = HostSettings(fleet: fleet, stateRootFlag: root, environment: ProcessInfo.processInfo.environment)
        var observer = Observer(root: host.stateRoot, probeTimeout: fleet.probeTimeout)
        observer.prober = runtime.prober
        let observed = await observer.observe(state: state, names: [name], ports: [name: desired.rendered.launch.port], only: true)
        var plan = Planner.plan(
            desired: [desired], observed: observed, commit: set.commit?.id, stateRoot: host.stateRoot,
            fingerprint: Observer.fingerprint(observed),
            options: PlanOptions(holds: holds, previousHealthFailures: healthFailures, failureThreshold: fleet.failureThreshold))
        plan.actions = plan.actions.filter { $0.bot == name }
        guard !plan.changes.isEmpty else { return (ApplyReport(results: []), state) }
        var options = Reconciler.applyOptions(for: fleet)
        options.parallelism = 1
        let context = ReconcileContext(set: set, host: host, desired: [desired], state: state, observed: observed, plan: plan)
        let logger = self.logger
        return await Reconciler.apply(context, options: options, runtime: runtime) { line in logger.info("\(line)") }
    }

    /// The bots whose rendering differs from `previous` (new ones included); none without a
    /// previous round.
    static func changed(_ desired: [DesiredBot], since previous: [String: DesiredBot.Digest]?) -> Set<String> {
        guard let previous else { return [] }
        return Set(desired.filter { previous[$0.name] != $0.digest }.map(\.name))
    }

    /// Reads the keys and the manifests of `source` on a dedicated thread.
    private static func load(_ source: ManifestSource, keyFiles: [String]) async -> Result<Loaded, SourceError> {
        await Blocking.run("fleet-git") { () -> Result<Loaded, SourceError> in
            let keys = (try? FleetSession.secretKeys(for: source, keyFiles: keyFiles)) ?? SecretKeys()
            do throws(SourceError) {
                return .success(Loaded(source: source, set: try FleetSession.load(source, keys: keys), keys: keys))
            } catch {
                return .failure(error)
            }
        }
    }
}
