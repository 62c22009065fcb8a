import FleetCrypto
import OpenClawConfig
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Timings and limits of an apply.
public struct ApplyOptions: Sendable {
    /// The most gateways started at once (`--parallelism`, else the Fleet's
    /// `maxConcurrentStarts`); within it the host decides how many (``StartPacer``). nil: the host
    /// alone.
    public var parallelism: Int?
    /// How long a starting gateway has to answer /healthz.
    public var startTimeout: Duration = FleetSettings().startTimeout
    /// SIGTERM to SIGKILL (to the gateway's whole session).
    public var stopGrace: Duration = FleetSettings().stopGracePeriod
    /// One probe's timeout.
    public var probeTimeout: Duration = .seconds(2)
    /// Who asked for this apply (a web console user), recorded in each journal entry.
    public var user: String?

    /// Creates options.
    public init() {}
}

/// Executes a plan: writes files atomically, starts, stops and restarts gateways, records the
/// state file and the journal after every bot. One bot's failure never stops the others.
public actor Applier {
    let root: String
    let options: ApplyOptions
    let commit: String?
    let author: String?
    let openclaw: OpenClawTarget?
    let progress: @Sendable (String) -> Void
    let runtime: GatewayRuntime
    private(set) var state: FleetState
    /// How many gateways start at once, from what the host shows while they start.
    private(set) var pacer: StartPacer
    /// The pacer's clock: time since this applier was made.
    private let pacerTime: TimeSource
    /// Start actions holding a slot (stopping an old gateway, starting the new one); read by
    /// the pacing tests.
    private(set) var slotsTaken = 0
    /// Start actions waiting for a slot, in order.
    private var slotWaiters: [(id: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var nextWaiter = 0
    /// Start actions of the apply in progress that have not had a slot yet.
    private var startsToCome = 0
    /// Gateways launched and not yet healthy: pid and when.
    private var inFlight: [Int32: Duration] = [:]
    /// The most start actions that held a slot at once (for the report and the tests).
    private(set) var mostAtOnce = 0
    /// A state write is running; callers wait in `saveWaiters` for the next one.
    private var saving = false
    private var saveWaiters: [CheckedContinuation<ApplyError?, Never>] = []
    /// The state's encoding, bot by bot, kept across this apply's writes.
    private var stateEncoder = StateEncoder()
    /// The bots recorded since the last state encoding: only these are encoded again.
    private var touched: Set<String> = []

    /// `<root>/state.json`.
    public static func statePath(_ root: String) -> String { root + "/state.json" }
    /// `<root>/journal.jsonl`.
    public static func journalPath(_ root: String) -> String { root + "/journal.jsonl" }

    /// Creates an applier over `state`.
    /// `openclaw` is the release the plan was made for, recorded in the state file.
    public init(root: String, state: FleetState, options: ApplyOptions, commit: String?, author: String?,
                openclaw: OpenClawTarget? = nil, runtime: GatewayRuntime = .system,
                progress: @escaping @Sendable (String) -> Void) {
        self.root = root
        self.state = state
        self.options = options
        self.commit = commit
        self.author = author
        self.openclaw = openclaw
        self.runtime = runtime
        self.progress = progress
        pacer = StartPacer(StartPacer.Settings(cores: runtime.host.cores(), cap: options.parallelism))
        pacerTime = runtime.time()
    }

    /// Applies `plan` for the `desired` bots as `observed`.
    public func apply(_ plan: Plan, desired: [DesiredBot], observed: [String: ObservedBot]) async -> ApplyReport {
        let byName = Dictionary(uniqueKeysWithValues: desired.map { ($0.name, $0) })
        let changes = plan.changes
        var results: [ActionResult] = []
        // Stops and destroys first (they free ports), eight at a time; then everything else at
        // once, each start (and restart) waiting for a slot from the pacer, so no more gateways
        // start at once than the host can take (reloads and no-ops need none).
        let first = changes.filter { $0.kind == .destroy || $0.kind == .stop }
        let rest = changes.filter { $0.kind != .destroy && $0.kind != .stop }
        startsToCome += rest.filter { [.create, .start, .restart].contains($0.kind) }.count
        for (batch, bound) in [(first, 8), (rest, Int.max)] {
            await withTaskGroup(of: ActionResult.self) { group in
                var running = 0
                for action in batch {
                    if running >= bound, let r = await group.next() {
                        results.append(r)
                        running -= 1
                    }
                    let desiredBot = byName[action.bot]
                    let obs = observed[action.bot]
                    group.addTask { await self.run(action, desiredBot, obs) }
                    running += 1
                }
                for await r in group { results.append(r) }
            }
        }
        // No-ops still refresh the recorded phase and health.
        for action in plan.actions where action.kind == .noop {
            if let obs = observed[action.bot], let bot = byName[action.bot] { refresh(bot, obs) }
        }
        state.appliedCommit = commit ?? state.appliedCommit
        state.appliedAt = Date()
        if let openclaw { state.openclaw = openclaw }
        var recordError: ApplyError?
        do {
            try await saveState()
        } catch {
            recordError = error
            progress("FAILED to record the apply: \(error.message)")
        }
        return ApplyReport(results: results.sorted { $0.bot < $1.bot }, recordError: recordError)
    }

    private func run(_ action: PlannedAction, _ bot: DesiredBot?, _ obs: ObservedBot?) async -> ActionResult {
        let clock = ContinuousClock()
        let started = clock.now
        var result: ActionResult
        do throws(ApplyError) {
            let pid = try await perform(action, bot, obs)
            result = .success(action.bot, action.kind, pid: pid, seconds: Self.seconds(clock.now - started))
        } catch {
            result = .failure(action.bot, action.kind, error, seconds: Self.seconds(clock.now - started))
            record(action.bot) {
                $0.phase = .Failed
                $0.lastError = BotError(error, at: Date())
            }
            progress("\(action.bot): FAILED: \(error.message)")
        }
        // What was done is recorded before anything else happens; a record that cannot be
        // written fails the action (the gateway may run, but fleet would forget it).
        do throws(ApplyError) {
            try await saveState()
        } catch {
            progress("\(action.bot): FAILED to record: \(error.message)")
            if result.ok { result = .failure(action.bot, action.kind, error, pid: result.pid, seconds: result.seconds) }
        }
        var entry = JournalEntry(
            time: Date(), commit: commit, author: author, bot: action.bot, action: action.kind.rawValue,
            reasons: action.reasons, result: result.ok ? "ok" : "failed", error: result.message, pid: result.pid)
        entry.user = options.user
        let journal = Self.journalPath(root)
        let entries = [entry]
        do throws(ApplyError) {
            try await Blocking.run("fleet-journal") { () throws(ApplyError) in try Journal.append(entries, to: journal) }
        } catch {
            progress("\(action.bot): FAILED to journal: \(error.message)")
            if result.ok { result = .failure(action.bot, action.kind, error, pid: result.pid, seconds: result.seconds) }
        }
        return result
    }

    /// Carries out one action; returns the gateway's pid afterwards.
    private func perform(_ action: PlannedAction, _ bot: DesiredBot?, _ obs: ObservedBot?) async throws(ApplyError) -> Int32? {
        func wanted() throws(ApplyError) -> DesiredBot {
            guard let bot else {
                throw ApplyError(.noManifest, "no manifest for \(action.bot)", fix: "make the plan again (fleet plan) and apply it")
            }
            return bot
        }
        switch action.kind {
        case .create, .start:
            let bot = try wanted()
            await takeSlot()
            var held = true
            defer { if held { releaseSlot() } }
            await stopStrays(obs)
            return try await start(bot, previous: obs, live: { held = false; releaseSlot() })
        case .restart:
            let bot = try wanted()
            // The slot covers the stop too: a gateway is down only while its successor starts.
            await takeSlot()
            var held = true
            defer { if held { releaseSlot() } }
            await stopAll(obs)
            record(bot.name) { $0.restarts += 1 }
            return try await start(bot, previous: obs, live: { held = false; releaseSlot() })
        case .reload:
            let bot = try wanted()
            try await writeFilesOffActor(bot.rendered)
            record(bot.name) {
                $0.applied = AppliedRecord(bot.rendered)
                $0.configHash = bot.rendered.configHash
                $0.appliedCommit = self.commit
                $0.manifest = bot.manifest
            }
            let pid = obs?.process?.pid
            progress("\(action.bot): config rewritten; the gateway applies it live (pid \(pid.map(String.init) ?? "?"))")
            return pid
        case .stop:
            await stopAll(obs)
            record(action.bot) {
                $0.phase = .Stopped
                $0.pid = nil
                $0.pidStartTime = nil
                $0.startedAt = nil
            }
            progress("\(action.bot): stopped")
            return nil
        case .destroy:
            await stopAll(obs)
            try moveAside(action.bot)
            state.bots[action.bot] = nil
            touched.insert(action.bot)
            progress("\(action.bot): stopped; data moved to \(root)/attic")
            return nil
        case .noop:
            return obs?.process?.pid
        }
    }

    /// Whole milliseconds of `d`.
    static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private func record(_ name: String, _ change: (inout BotState) -> Void) {
        var bot = state.bots[name] ?? BotState(port: 0)
        change(&bot)
        state.bots[name] = bot
        touched.insert(name)
    }

    /// Writes the state file with every change made so far, and returns once it is on disk.
    ///
    /// Group commit: one write at a time, off the actor (encoding the state of 200 bots and its
    /// fsync took most of fleet's CPU when every start wrote it twice); callers that arrive
    /// while a write runs share the next one, which starts after it and holds their changes. A
    /// write that fails fails every caller it was for.
    private func saveState() async throws(ApplyError) {
        if saving {
            let error = await withCheckedContinuation { (continuation: CheckedContinuation<ApplyError?, Never>) in
                saveWaiters.append(continuation)
            }
            if let error { throw error }
            return
        }
        saving = true
        let error = await writeState()
        if saveWaiters.isEmpty {
            saving = false
        } else {
            Task { await self.drainSaves() }
        }
        if let error { throw error }
    }

    /// Writes the state for the callers that waited, batch after batch, then lets the next
    /// caller write at once.
    private func drainSaves() async {
        while !saveWaiters.isEmpty {
            let batch = saveWaiters
            saveWaiters = []
            let error = await writeState()
            for waiter in batch { waiter.resume(returning: error) }
        }
        saving = false
    }

    /// One write of the state as it is now: encoded here (only the bots that changed), written
    /// and synced on a thread of its own.
    private func writeState() async -> ApplyError? {
        let path = Self.statePath(root)
        let snapshot = state
        let bytes: [UInt8]
        do {
            bytes = try snapshot.encoded(for: path, with: &stateEncoder, changed: touched)
            touched = []
        } catch {
            return error
        }
        return await Blocking.run("fleet-state") { () -> ApplyError? in
            do throws(ApplyError) {
                try FleetState.write(bytes, of: snapshot, to: path)
                return nil
            } catch {
                return error
            }
        }
    }

    private func refresh(_ bot: DesiredBot, _ obs: ObservedBot) {
        record(bot.name) { s in
            s.port = bot.rendered.launch.port
            s.manifest = bot.manifest
            s.suspended = bot.suspended ? true : nil
            // The gateway observed is the bot's, whatever the state file last said: a daemon
            // killed between a start's pid record and its state write leaves the record newer,
            // and the next daemon adopts that gateway without starting anything.
            if let process = obs.process {
                s.pid = process.pid
                s.pidStartTime = process.startTime
            }
            if bot.suspended { return }
            guard bot.enabled else {
                s.phase = .Stopped
                return
            }
            if let health = obs.health {
                s.health = HealthRecord(live: health.live, ready: health.ready, failing: health.failing, at: Date())
                s.phase = !health.live ? .Failed : (health.ready == false ? .Degraded : .Running)
            }
        }
    }

    /// Writes the bot's directories and every file of its rendering (unchanged files are left
    /// alone). Blocking I/O: callers on the actor use ``writeFilesOffActor(_:)``.
    static func writeFiles(_ rendered: RenderedBot) throws(ApplyError) {
        let paths = rendered.paths
        do {
            for dir in [paths.directory, paths.secrets, paths.state, paths.workspace, paths.logs] {
                try HostFiles.makeDirectory(dir)
            }
            for secret in rendered.secretFiles {
                try writeIfChanged(paths.secrets + "/" + secret.name, Array(secret.value.utf8))
            }
            for (name, bytes) in rendered.workspaceFiles {
                try writeIfChanged(paths.workspace + "/" + name, bytes)
            }
            try writeIfChanged(paths.config, Array(rendered.fileText.utf8), compareBody: true)
        } catch {
            throw ApplyError(.fileWrite, "cannot write the files of bot '\(rendered.name)': \(error)",
                             fix: "make \(paths.directory) writable (and its disk not full), then apply again")
        }
    }

    /// The bot's gateway token (`secrets/gateway-token`), made on its first start and kept.
    private static func gatewayToken(_ paths: BotPaths) throws(ApplyError) -> [UInt8] {
        do {
            // 64 hex digits, as made below; anything else is made again.
            let hex = Set("0123456789abcdef".utf8)
            return try HostFiles.readOrCreateSecret(
                paths.gatewayToken, durable: false, valid: { $0.count == 64 && $0.allSatisfy(hex.contains) }) {
                Array(Hex.encode(HostFiles.randomBytes(32)).utf8)
            }
        } catch {
            throw ApplyError(.fileWrite, "cannot create the gateway token \(paths.gatewayToken): \(error)",
                             fix: "make \(paths.directory) writable, then apply again")
        }
    }

    /// Writes the bot's files on a thread of their own: never on the actor or the cooperative pool.
    func writeFilesOffActor(_ rendered: RenderedBot) async throws(ApplyError) {
        try await Blocking.run("fleet-files") { () throws(ApplyError) in try Self.writeFiles(rendered) }
    }

    /// Rendered files are derived from git and compared with the rendering before every start
    /// and reload, so they are written without syncs (``HostFiles/writeAtomically(_:_:mode:durable:)``).
    private static func writeIfChanged(_ path: String, _ bytes: [UInt8], compareBody: Bool = false) throws(FileError) {
        if let existing = HostFiles.read(path) {
            if existing == bytes { return }
            if compareBody {
                let old = RenderedBot.body(ofFile: String(decoding: existing, as: UTF8.self))
                let new = RenderedBot.body(ofFile: String(decoding: bytes, as: UTF8.self))
                if old == new { return }
            }
        }
        try HostFiles.writeAtomically(path, bytes, mode: 0o600, durable: false)
    }

    private func stopStrays(_ obs: ObservedBot?) async {
        guard let obs, !obs.strays.isEmpty else { return }
        let root = self.root
        let name = obs.name
        let primary = obs.process
        let launcher = runtime.launcher
        // Strays only: the rescan leaves a running gateway's own session alone.
        await launcher.stopTree(obs.strays, grace: options.stopGrace) {
            let tree = launcher.botTree(root: root, name: name, leader: nil)
            let keep = primary.map { ProcessTable.sessionAndDescendants(session: $0.session == $0.pid ? $0.session : 0, of: $0.pid).map(\.pid) + [$0.pid] } ?? []
            return tree.filter { !keep.contains($0.pid) }
        }
    }

    /// Ends the bot's gateway with its whole session (a re-launched child, exec commands, a
    /// browser) and any stray: SIGTERM, the grace period, then SIGKILL.
    private func stopAll(_ obs: ObservedBot?) async {
        guard let obs else { return }
        let root = self.root
        let name = obs.name
        let leader = obs.process
        let launcher = runtime.launcher
        let targets = (leader.map { [$0] } ?? []) + obs.members + obs.strays
        if !targets.isEmpty {
            let killed = await launcher.stopTree(targets, grace: options.stopGrace) {
                launcher.botTree(root: root, name: name, leader: leader)
            }
            if killed { progress("\(name): did not stop within the grace period; killed with SIGKILL") }
        }
        unlink(BotPaths(root: root, name: name).pidRecord)
    }

    private func moveAside(_ name: String) throws(ApplyError) {
        let paths = BotPaths(root: root, name: name)
        guard HostFiles.exists(paths.directory) else { return }
        let fix = "make \(root)/attic writable, then apply again"
        do {
            try HostFiles.makeDirectory(root + "/attic")
        } catch {
            throw ApplyError(.moveAside, "cannot move \(paths.directory) aside: \(error)", fix: fix)
        }
        let stamp = Date().formatted(.iso8601).replacing(":", with: "")
        let target = "\(root)/attic/\(name)-\(stamp)"
        guard rename(paths.directory, target) == 0 else {
            throw ApplyError(.moveAside, "cannot move \(paths.directory) aside: \(String(cString: strerror(errno)))", fix: fix)
        }
        // The attic keeps a removed bot's data, not its decrypted credentials: plaintext tokens
        // live only in the secrets/ files of bots that exist (git keeps them, encrypted). A
        // removal that fails leaves plaintext behind, so it fails the action.
        let secrets = target + "/secrets"
        if HostFiles.exists(secrets) {
            do {
                try FileManager.default.removeItem(atPath: secrets)
            } catch {
                throw ApplyError(.moveAside, "moved \(name)'s data to \(target) but cannot remove its secrets/ there: \(error)",
                                 fix: "remove \(secrets) by hand")
            }
        }
    }

    /// Starts `bot`'s gateway and waits for its `/healthz`; `live` runs as soon as it answers
    /// (the start slot is free then: the readiness probe and the records need no CPU of a start).
    private func start(_ bot: DesiredBot, previous: ObservedBot?, live: () -> Void) async throws(ApplyError) -> Int32 {
        let rendered = bot.rendered
        let paths = rendered.paths
        let port = rendered.launch.port
        record(bot.name) { s in
            s.port = port
            s.phase = .Starting
            s.manifest = bot.manifest
        }
        // The files and the gateway's token, on a thread of their own (blocking I/O).
        let token = try await Blocking.run("fleet-files") { () throws(ApplyError) -> [UInt8] in
            try Self.writeFiles(rendered)
            return try Self.gatewayToken(paths)
        }
        // What an earlier session of this bot left (a command of a gateway that crashed) goes
        // first; an observation that scanned /proc found it already (its strays were stopped).
        let launcher = runtime.launcher
        let leftovers = previous?.scanned == true ? [] : launcher.botTree(root: root, name: bot.name, leader: nil)
        if !leftovers.isEmpty {
            let rootPath = root
            await launcher.stopTree(leftovers, grace: options.stopGrace) {
                launcher.botTree(root: rootPath, name: bot.name, leader: nil)
            }
            progress("\(bot.name): ended \(leftovers.count) leftover process\(leftovers.count == 1 ? "" : "es") of an earlier session (\(leftovers.map { String($0.pid) }.joined(separator: ", ")))")
        }
        let listenHost = rendered.launch.listenHost
        let connectHost = rendered.launch.connectHost
        if let holder = launcher.portHolder(port, host: listenHost) {
            var who = "another program"
            if holder.pid > 0 {
                who = "pid \(holder.pid) (\(holder.commandLine.joined(separator: " ")))"
            }
            throw ApplyError(
                .portInUse, "port \(port) is already in use by \(who)",
                fix: "stop that program, or give bot '\(bot.name)' another port (spec.gateway.port) and apply again")
        }
        var env = rendered.launch.environment
        env["OPENCLAW_GATEWAY_TOKEN"] = String(decoding: token, as: UTF8.self)
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        env["HOME"] = paths.state
        env["LANG"] = "C.UTF-8"
        let process: LaunchedGateway
        do {
            process = try runtime.launcher.launch(rendered.launch.arguments, environment: env, logFile: paths.consoleLog)
        } catch {
            throw ApplyError(.spawnFailed, error.message,
                             fix: "install OpenClaw (npm install -g openclaw) or set gatewayCommand in the Fleet manifest")
        }
        let pid = process.pid
        let startTime = process.startTime
        // Watched from now: a line written before the watch is seen by the first probe below
        // (the gateway listened already), any line after wakes the wait between probes.
        let console = runtime.consoles?.watchConsole(paths.consoleLog)
        let launchedAt = pacerTime.elapsed
        inFlight[pid] = launchedAt
        defer { inFlight[pid] = nil }
        let pidRecord = PidRecord(pid: pid, startTime: startTime, bot: bot.name, port: port, startedAt: Date())
        record(bot.name) { s in
            s.pid = pid
            s.pidStartTime = startTime
            s.startedAt = Date()
            s.applied = AppliedRecord(rendered)
            s.configHash = rendered.configHash
            s.appliedCommit = self.commit
            s.lastError = nil
        }
        // The gateway runs: both records of it are written before anything else, and a failure to
        // write either fails the start (fleet must never lose track of a process it started).
        do {
            let data = try FleetState.encoder.encode(pidRecord)
            try HostFiles.writeAtomically(paths.pidRecord, [UInt8](data), mode: 0o600, durable: false)
        } catch {
            throw ApplyError(.fileWrite, "started pid \(pid) but cannot write its pid record \(paths.pidRecord): \(error)",
                             fix: "make \(paths.directory) writable; the next apply adopts or restarts the gateway")
        }
        try await saveState()
        progress("\(bot.name): started pid \(pid) on port \(port); waiting for /healthz")
        let time = runtime.time()
        var polls = 0
        while time.elapsed < options.startTimeout {
            if let exit = runtime.launcher.exit(of: process) {
                record(bot.name) { s in
                    s.lastExit = exit
                    s.pid = nil
                    s.pidStartTime = nil
                }
                unlink(paths.pidRecord)
                let tail = Self.tail(paths.consoleLog, lines: 5)
                let lines = tail.isEmpty ? "" : ":\n    " + tail.joined(separator: "\n    ")
                let release = rendered.launch.release.flatMap(OpenClawRelease.init) ?? OpenClawReleaseTable.newestKnown
                if let code = exit.code, Int(code) == OpenClawReleaseTable.value(.configRefusalExitCode, for: release) {
                    // EX_CONFIG: the gateway refused its config (OpenClaw: docs/gateway/embedding.md).
                    // Retrying the same config cannot help; the planner holds the bot until the
                    // config, the launch or the gateway release changes.
                    throw ApplyError(
                        .configRefused,
                        "gateway \(exit.summary) during start-up: OpenClaw refused its config\(lines)",
                        fix: "fix what the gateway names above in the manifest and commit; fleet does not retry this config until the config, the launch or the gateway release changes")
                }
                throw ApplyError(
                    .startupExit,
                    "gateway \(exit.summary) during start-up\(lines)",
                    fix: "read \(paths.consoleLog); fix the manifest and apply again")
            }
            let health = await runtime.prober.probe(host: connectHost, port: port, timeout: options.probeTimeout, readiness: false)
            if health.live {
                startFinished(pid, after: pacerTime.elapsed - launchedAt)
                live()
                let full = await runtime.prober.probe(host: connectHost, port: port, timeout: options.probeTimeout, readiness: true)
                record(bot.name) { s in
                    s.health = HealthRecord(live: true, ready: full.ready, failing: full.failing, at: Date())
                    s.phase = full.ready == false ? .Degraded : .Running
                }
                progress("\(bot.name): healthy (pid \(pid), port \(port))")
                return pid
            }
            pace()
            polls += 1
            let delay = Self.healthPollDelay(polls: polls, sofar: time.elapsed, quiet: quietStart)
            if let console {
                // The gateway's next console line, or the timer of a gateway that says nothing.
                _ = await console.wait(upTo: max(delay, Self.quietGatewayPoll))
                if Task.isCancelled { break }  // cancelled: report what is known
            } else {
                do {
                    try await time.sleep(for: delay)
                } catch {
                    break  // cancelled: report what is known
                }
            }
        }
        throw ApplyError(.startTimeout, "gateway did not answer /healthz on \(connectHost):\(port) within \(options.startTimeout)",
                         fix: "read \(paths.consoleLog); raise spec.health.startTimeout in the Fleet manifest if it is only slow")
    }

    /// The longest wait between two `/healthz` polls of a starting gateway.
    static let longestHealthPoll: Duration = .milliseconds(100)

    /// The wait between two polls of a starting gateway whose console is watched, when it writes
    /// nothing: it logs as it starts listening (``ConsoleWatcher``), and the wait ends at once
    /// when it does. A release or a wrapper that says nothing is still seen within this.
    static let quietGatewayPoll: Duration = .milliseconds(250)

    /// The wait before the next `/healthz` poll of a gateway started `sofar` ago, polled `polls`
    /// times: soon at first (5, 10, 15 ms...), then every twentieth of the time it has taken so
    /// far, 25 ms to ``longestHealthPoll``. A gateway that starts in a few milliseconds (the
    /// stand-in) frees its start slot then, not a whole poll later; a slow one (Node, seconds) is
    /// asked 10 times a second, its answer seen within 5 % of its start-up, and the CPU a poll
    /// costs (a refused connect, a wake-up) stays with the gateways starting.
    ///
    /// Until `quiet` (most of the quickest start of this apply: no gateway is expected to answer
    /// sooner) the polls are ``longestHealthPoll`` apart: a 200-gateway start of Node-like gateways
    /// (1.8 s of CPU each) polled each ~57 times, most of them in its first second, and those polls
    /// were most of the daemon's CPU during the start (4.7 s against supervisord's 1.1 s).
    static func healthPollDelay(polls: Int, sofar: Duration, quiet: Duration = .zero) -> Duration {
        let ms = Int(milliseconds(sofar))
        let usual = min(longestHealthPoll, .milliseconds(max(min(5 * polls, 25), ms / 20)))
        guard sofar < quiet else { return usual }
        return min(longestHealthPoll, max(usual, quiet - sofar))
    }

    /// The part of a start no gateway is expected to answer in: 60 % of the quickest start of
    /// this apply (none before one finished).
    private var quietStart: Duration { pacer.fastestStart.map { $0 * 6 / 10 } ?? .zero }

    /// Waits for a start slot: fewer start actions than the pacer's limit hold one.
    private func takeSlot() async {
        if slotsTaken < pacer.limit && slotWaiters.isEmpty {
            startsToCome = max(0, startsToCome - 1)
            slotsTaken += 1
            mostAtOnce = max(mostAtOnce, slotsTaken)
            return
        }
        nextWaiter += 1
        let id = nextWaiter
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                slotWaiters.append((id, continuation))
                admit()
            }
        } onCancel: {
            // Cancelled (the daemon stopping): the action goes ahead as it did before pacing.
            Task { await self.admit(force: id) }
        }
    }

    private func releaseSlot() {
        slotsTaken -= 1
        admit()
    }

    /// Gives slots to waiters while the limit allows (and to `force`, cancelled, at once).
    private func admit(force: Int? = nil) {
        if let force, let index = slotWaiters.firstIndex(where: { $0.id == force }) {
            let waiter = slotWaiters.remove(at: index)
            startsToCome = max(0, startsToCome - 1)
            slotsTaken += 1
            mostAtOnce = max(mostAtOnce, slotsTaken)
            waiter.continuation.resume()
        }
        // The last starts of the round (no more to come than the host has cores) go together.
        while slotsTaken < (startsToCome <= Int(pacer.settings.cores.rounded(.up)) ? pacer.tailLimit : pacer.limit),
              !slotWaiters.isEmpty {
            let waiter = slotWaiters.removeFirst()
            startsToCome = max(0, startsToCome - 1)
            slotsTaken += 1
            mostAtOnce = max(mostAtOnce, slotsTaken)
            waiter.continuation.resume()
        }
    }

    /// Samples the host while starts wait for a slot, and lets more start when it has room.
    private func pace() {
        let now = pacerTime.elapsed
        guard !slotWaiters.isEmpty, pacer.wantsSample(at: now) else { return }
        // A steady subset of the starting gateways: the pacer compares each with its last reading.
        let pids = Array(inFlight.keys.sorted().prefix(24))
        let before = pacer.limit
        pacer.observe(runtime.host.sample(at: now, gateways: pids), inFlight: inFlight.count)
        if pacer.limit != before {
            progress("starting at most \(pacer.limit) gateways at once (\(pacer.reason))")
        }
        admit()
    }

    /// A gateway answered `/healthz` `after` its launch: what its start cost goes to the pacer.
    private func startFinished(_ pid: Int32, after: Duration) {
        let before = pacer.limit
        pacer.finished(after: after, cpu: runtime.host.cpu(of: pid), privateMemory: runtime.host.privateMemory(of: pid),
                       inFlight: max(0, inFlight.count - 1))
        if pacer.limit != before, !slotWaiters.isEmpty {
            progress("starting at most \(pacer.limit) gateways at once (\(pacer.reason))")
        }
    }

    /// The last `lines` lines of a file.
    static func tail(_ path: String, lines: Int) -> [String] {
        guard let bytes = HostFiles.read(path) else { return [] }
        return Array(String(decoding: bytes.suffix(8192), as: UTF8.self).split(separator: "\n").suffix(lines).map(String.init))
    }
}
