import FoundationEssentials
import Glibc
import OpenClawConfig

/// Everything `plan` and `apply` need: the manifests, this host, the rendering, what was
/// observed, and the plan.
public struct ReconcileContext: Sendable {
    /// The manifests.
    public var set: ManifestSet
    /// This host's settings.
    public var host: HostSettings
    /// The bots as the manifests want them.
    public var desired: [DesiredBot]
    /// The state file as read.
    public var state: FleetState
    /// What was observed.
    public var observed: [String: ObservedBot]
    /// The plan.
    public var plan: Plan
}

/// The manifests rendered for this host, before anything is observed (see
/// ``Reconciler/render(set:source:stateRootFlag:environment:createKey:)``).
public struct RenderedFleet: Sendable {
    /// The manifests.
    public var set: ManifestSet
    /// This host's settings.
    public var host: HostSettings
    /// The state file as read.
    public var state: FleetState
    /// The OpenClaw release rendered for.
    public var target: OpenClawTarget
    /// Every bot's gateway port.
    public var ports: [String: Int]
    /// The bots as the manifests want them.
    public var desired: [DesiredBot]
}

/// Why a reconcile could not even be planned.
public enum ReconcileError: Error, Sendable, CustomStringConvertible {
    /// The source could not be read (exit 2).
    case source(SourceError)
    /// The manifests are invalid (exit 1); nothing was changed.
    case invalid(ManifestSet)
    /// Rendering failed (a secret could not be opened...).
    case render(String)
    /// The state file cannot be read (R010); nothing was changed.
    case state(ApplyError)

    public var description: String {
        switch self {
        case .source(let e): return e.description
        case .invalid(let set): return "the manifests are invalid (\(DiagnosticRenderer.summary(set.diagnostics))); nothing was changed"
        case .render(let m): return m
        case .state(let e): return e.description
        }
    }
}

/// The loop: desired (manifests at a commit) → render → observe → plan → apply → record.
public enum Reconciler {
    /// `<root>/fingerprint.key`: the host-local key of secret fingerprints.
    public static func fingerprintKey(root: String, create: Bool) throws -> [UInt8] {
        let path = root + "/fingerprint.key"
        if let key = HostFiles.read(path), !key.isEmpty { return key }
        guard create else { return [] }
        try HostFiles.makeDirectory(root)
        return try HostFiles.readOrCreateSecret(path) { HostFiles.randomBytes(32) }
    }

    /// Reads, validates (opening every secret with `keys`) and renders the manifests, observes
    /// this host and plans.
    public static func prepare(
        source: ManifestSource, keys: SecretKeys, stateRootFlag: String?, options: PlanOptions = PlanOptions(),
        environment: [String: String] = ProcessInfo.processInfo.environment, createKey: Bool = false
    ) async throws(ReconcileError) -> ReconcileContext {
        let set: ManifestSet
        do {
            set = try FleetSession.load(source, keys: keys)
        } catch {
            throw .source(error)
        }
        return try await prepare(set: set, source: source, stateRootFlag: stateRootFlag, options: options,
                                 environment: environment, createKey: createKey)
    }

    /// Plans already-loaded manifests: ``render(set:source:stateRootFlag:environment:createKey:)``,
    /// then ``plan(_:options:prober:holds:only:)``.
    ///
    /// `holds` adds holds for the rendered bots (the daemon's healing policy: backoff, failed
    /// starts) to `options.holds` before planning, so the planner alone decides every action.
    public static func prepare(
        set: ManifestSet, source: ManifestSource, stateRootFlag: String?, options: PlanOptions = PlanOptions(),
        environment: [String: String] = ProcessInfo.processInfo.environment, createKey: Bool = false,
        prober: any GatewayProber = LoopbackProber(), holds: (@Sendable ([DesiredBot]) -> [String: String])? = nil
    ) async throws(ReconcileError) -> ReconcileContext {
        let rendered = try await render(set: set, source: source, stateRootFlag: stateRootFlag, environment: environment,
                                        createKey: createKey)
        return await plan(rendered, options: options, prober: prober, holds: holds)
    }

    /// The first half of a plan: the manifests checked for this host and rendered (ports, the
    /// OpenClaw release, every bot's files), with the state file as read; nothing observed yet.
    public static func render(
        set: ManifestSet, source: ManifestSource, stateRootFlag: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment, createKey: Bool = false
    ) async throws(ReconcileError) -> RenderedFleet {
        guard set.isValid else { throw .invalid(set) }
        let host = HostSettings(fleet: set.fleet, stateRootFlag: stateRootFlag, environment: environment)
        let enabled = set.bots.filter(\.enabled).count
        if enabled > host.maxBots {
            throw .render("the manifests enable \(enabled) bots but this host allows \(host.maxBots) (OPENCLAW_MAX_BOTS or the Fleet's maxBots); nothing was changed")
        }
        let state: FleetState
        do {
            state = try FleetState.load(from: Applier.statePath(host.stateRoot))
        } catch {
            throw .state(error)
        }
        let previous = state.bots.mapValues(\.port)
        let ports = FleetSession.ports(for: set, host: host, previous: previous)
        // Each gateway uses ports up to base+derivedPortSpan; past 65535 there are none (a fleet
        // of 5,000 bots from 20000 at stride 20 got there, and plan trapped converting the port).
        let lastPort = FleetValidator.lastGatewayPort
        if let (name, port) = ports.filter({ $0.value > lastPort }).min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
            throw .render("bot '\(name)' would get port \(port), past the last usable gateway port \(lastPort) (\(set.bots.count) bots from basePort \(host.basePort) at portStride \(set.fleet.portStride)); nothing was changed. Lower basePort, or split the fleet across hosts (spec.hosts) and run fleet with --selector on each")
        }
        let key: [UInt8]
        do {
            key = try fingerprintKey(root: host.stateRoot, create: createKey)
        } catch {
            throw .render("cannot create \(host.stateRoot)/fingerprint.key: \(error)")
        }
        // The OpenClaw release: the pin, else `<gatewayCommand> --version`, asked once per plan.
        let target: OpenClawTarget
        switch await OpenClawVersionProbe.target(for: set.fleet, recorded: state.openclaw) {
        case .success(let found): target = found
        case .failure(let error): throw .render(error.message + "; nothing was changed")
        }
        // Raw keys that release refuses stop the plan, as they would stop the gateways.
        let keyProblems = set.openclawKeyProblems(for: target.release)
        if keyProblems.hasErrors {
            var refused = set
            refused.diagnostics = (set.diagnostics.filter { $0.code != .openclawLegacyKeyLater } + keyProblems).sortedByLocation()
            throw .invalid(refused)
        }
        var configured = FleetSession.renderer(for: set, host: host, source: source, fingerprintKey: key.isEmpty ? HostFiles.randomBytes(32) : key)
        configured.release = target.release
        let renderer = configured
        let basePort = host.basePort
        let suspendAll = set.fleet.suspend
        let rendered = ParallelMap.map(set.bots) { bot -> Result<DesiredBot, ReconcileError> in
            do {
                let output = try renderer.render(bot, port: ports[bot.name] ?? basePort)
                return .success(DesiredBot(
                    name: bot.name, enabled: bot.enabled, suspended: bot.suspend || suspendAll,
                    rendered: output, manifest: bot.origin.file))
            } catch {
                return .failure(.render("bot '\(bot.name)': \(error)"))
            }
        }
        var desired: [DesiredBot] = []
        for result in rendered {
            switch result {
            case .success(let bot): desired.append(bot)
            case .failure(let error): throw error
            }
        }
        return RenderedFleet(set: set, host: host, state: state, target: target, ports: ports, desired: desired)
    }

    /// The second half: observes this host and plans. With `only`, observes and plans those bots
    /// alone (no scan of the host's processes, no probe of the others): the daemon applies the
    /// bots a commit changed this way first, then plans the whole fleet.
    public static func plan(
        _ rendered: RenderedFleet, options: PlanOptions = PlanOptions(), prober: any GatewayProber = LoopbackProber(),
        holds: (@Sendable ([DesiredBot]) -> [String: String])? = nil, only: Set<String>? = nil
    ) async -> ReconcileContext {
        let set = rendered.set, host = rendered.host, state = rendered.state
        let desired = only.map { names in rendered.desired.filter { names.contains($0.name) } } ?? rendered.desired
        var observer = Observer(root: host.stateRoot, probeTimeout: set.fleet.probeTimeout)
        observer.prober = prober
        let launches = Dictionary(desired.map { ($0.name, $0.rendered.launch) }, uniquingKeysWith: { a, _ in a })
        let observed = await observer.observe(state: state, names: desired.map(\.name), ports: rendered.ports,
                                              only: only != nil, launches: launches)
        var options = options
        if let holds { options.holds.merge(holds(desired)) { first, _ in first } }
        var plan = Planner.plan(
            desired: desired, observed: observed, commit: set.commit?.id, stateRoot: host.stateRoot,
            fingerprint: Observer.fingerprint(observed), options: options)
        if let only { plan.actions = plan.actions.filter { only.contains($0.bot) } }
        plan.openclaw = rendered.target
        return ReconcileContext(set: set, host: host, desired: desired, state: state, observed: observed, plan: plan)
    }

    /// Applies the context's plan; returns the report and the state as recorded.
    @discardableResult
    public static func apply(_ context: ReconcileContext, options: ApplyOptions, runtime: GatewayRuntime = .system,
                             progress: @escaping @Sendable (String) -> Void) async -> (report: ApplyReport, state: FleetState) {
        let applier = Applier(
            root: context.host.stateRoot, state: context.state, options: options, commit: context.set.commit?.id,
            author: context.set.commit.map { "\($0.author.name) <\($0.author.email)>" }, openclaw: context.plan.openclaw,
            runtime: runtime, progress: progress)
        let report = await applier.apply(context.plan, desired: context.desired, observed: context.observed)
        return (report, await applier.state)
    }

    /// Apply options from the Fleet manifest's health settings.
    public static func applyOptions(for fleet: FleetSettings) -> ApplyOptions {
        var options = ApplyOptions()
        options.startTimeout = fleet.startTimeout
        options.stopGrace = fleet.stopGracePeriod
        options.probeTimeout = fleet.probeTimeout
        options.parallelism = fleet.maxConcurrentStarts
        return options
    }
}
