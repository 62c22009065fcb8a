import FleetCrypto
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Timings and limits of an apply.
public struct ApplyOptions: Sendable {
    /// Gateways started at once.
    public var parallelism: Int = 8
    /// How long a starting gateway has to answer /healthz.
    public var startTimeout: Duration = .seconds(30)
    /// SIGTERM to SIGKILL.
    public var stopGrace: Duration = .seconds(10)
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
    let progress: @Sendable (String) -> Void
    private(set) var state: FleetState

    /// `<root>/state.json`.
    public static func statePath(_ root: String) -> String { root + "/state.json" }
    /// `<root>/journal.jsonl`.
    public static func journalPath(_ root: String) -> String { root + "/journal.jsonl" }

    /// Creates an applier over `state`.
    public init(root: String, state: FleetState, options: ApplyOptions, commit: String?, author: String?,
                progress: @escaping @Sendable (String) -> Void) {
        self.root = root
        self.state = state
        self.options = options
        self.commit = commit
        self.author = author
        self.progress = progress
    }

    /// Applies `plan` for the `desired` bots as `observed`.
    public func apply(_ plan: Plan, desired: [DesiredBot], observed: [String: ObservedBot]) async -> ApplyReport {
        let byName = Dictionary(uniqueKeysWithValues: desired.map { ($0.name, $0) })
        let changes = plan.changes
        var results: [ActionResult] = []
        // Stops and destroys first (they free ports), then everything else in parallel.
        let first = changes.filter { $0.kind == .destroy || $0.kind == .stop }
        let rest = changes.filter { $0.kind != .destroy && $0.kind != .stop }
        for batch in [first, rest] {
            await withTaskGroup(of: ActionResult.self) { group in
                var running = 0
                for action in batch {
                    if running >= options.parallelism, let r = await group.next() {
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
        saveState()
        return ApplyReport(results: results.sorted { $0.bot < $1.bot })
    }

    private func run(_ action: PlannedAction, _ bot: DesiredBot?, _ obs: ObservedBot?) async -> ActionResult {
        let clock = ContinuousClock()
        let started = clock.now
        var result: ActionResult
        do {
            let pid: Int32?
            switch action.kind {
            case .create, .start:
                guard let bot else { throw ApplyError("no manifest for \(action.bot)") }
                try await stopStrays(obs)
                pid = try await start(bot, previous: obs)
            case .restart:
                guard let bot else { throw ApplyError("no manifest for \(action.bot)") }
                try await stopAll(obs)
                record(bot.name) { $0.restarts += 1 }
                pid = try await start(bot, previous: obs)
            case .reload:
                guard let bot else { throw ApplyError("no manifest for \(action.bot)") }
                try writeFiles(bot.rendered)
                record(bot.name) {
                    $0.applied = AppliedRecord(bot.rendered)
                    $0.configHash = bot.rendered.configHash
                    $0.appliedCommit = self.commit
                    $0.manifest = bot.manifest
                }
                pid = obs?.process?.pid
                progress("\(action.bot): config rewritten; the gateway applies it live (pid \(pid.map(String.init) ?? "?"))")
            case .stop:
                try await stopAll(obs)
                record(action.bot) {
                    $0.phase = .Stopped
                    $0.pid = nil
                    $0.pidStartTime = nil
                    $0.startedAt = nil
                }
                pid = nil
                progress("\(action.bot): stopped")
            case .destroy:
                try await stopAll(obs)
                try moveAside(action.bot)
                state.bots[action.bot] = nil
                pid = nil
                progress("\(action.bot): stopped; data moved to \(root)/attic")
            case .noop:
                pid = obs?.process?.pid
            }
            result = ActionResult(bot: action.bot, kind: action.kind, ok: true, pid: pid,
                                  seconds: Self.seconds(clock.now - started))
        } catch let error as ApplyError {
            result = ActionResult(bot: action.bot, kind: action.kind, ok: false, message: error.message, fix: error.fix,
                                  seconds: Self.seconds(clock.now - started))
            record(action.bot) {
                $0.phase = .Failed
                $0.lastError = BotError(message: error.message, fix: error.fix, at: Date())
            }
            progress("\(action.bot): FAILED: \(error.message)")
        } catch {
            result = ActionResult(bot: action.bot, kind: action.kind, ok: false, message: "\(error)",
                                  seconds: Self.seconds(clock.now - started))
            record(action.bot) {
                $0.phase = .Failed
                $0.lastError = BotError(message: "\(error)", fix: nil, at: Date())
            }
            progress("\(action.bot): FAILED: \(error)")
        }
        saveState()
        var entry = JournalEntry(
            time: Date(), commit: commit, author: author, bot: action.bot, action: action.kind.rawValue,
            reasons: action.reasons, result: result.ok ? "ok" : "failed", error: result.message, pid: result.pid)
        entry.user = options.user
        try? Journal.append([entry], to: Self.journalPath(root))
        return result
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private func record(_ name: String, _ change: (inout BotState) -> Void) {
        var bot = state.bots[name] ?? BotState(port: 0)
        change(&bot)
        state.bots[name] = bot
    }

    private func saveState() {
        try? state.save(to: Self.statePath(root))
    }

    private func refresh(_ bot: DesiredBot, _ obs: ObservedBot) {
        record(bot.name) { s in
            s.port = bot.rendered.launch.port
            s.manifest = bot.manifest
            s.suspended = bot.suspended ? true : nil
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

    /// Writes every file of a rendering; unchanged files are left alone.
    func writeFiles(_ rendered: RenderedBot) throws {
        let paths = rendered.paths
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
    }

    private func writeIfChanged(_ path: String, _ bytes: [UInt8], compareBody: Bool = false) throws {
        if let existing = HostFiles.read(path) {
            if existing == bytes { return }
            if compareBody {
                let old = RenderedBot.body(ofFile: String(decoding: existing, as: UTF8.self))
                let new = RenderedBot.body(ofFile: String(decoding: bytes, as: UTF8.self))
                if old == new { return }
            }
        }
        try HostFiles.writeAtomically(path, bytes, mode: 0o600)
    }

    private func stopStrays(_ obs: ObservedBot?) async throws {
        for stray in obs?.strays ?? [] {
            await GatewayProcess.stop(stray.pid, startTime: stray.startTime, grace: options.stopGrace)
        }
    }

    private func stopAll(_ obs: ObservedBot?) async throws {
        try await stopStrays(obs)
        if let process = obs?.process {
            let killed = await GatewayProcess.stop(process.pid, startTime: process.startTime, grace: options.stopGrace)
            if killed { progress("\(obs?.name ?? "?"): did not stop within the grace period; killed with SIGKILL") }
        }
        if let name = obs?.name { unlink(BotPaths(root: root, name: name).pidRecord) }
    }

    private func moveAside(_ name: String) throws {
        let paths = BotPaths(root: root, name: name)
        guard HostFiles.exists(paths.directory) else { return }
        try HostFiles.makeDirectory(root + "/attic")
        let stamp = Date().formatted(.iso8601).replacing(":", with: "")
        let target = "\(root)/attic/\(name)-\(stamp)"
        guard rename(paths.directory, target) == 0 else {
            throw ApplyError("cannot move \(paths.directory) aside: \(String(cString: strerror(errno)))")
        }
        // The attic keeps a removed bot's data, not its decrypted credentials: plaintext tokens
        // live only in the secrets/ files of bots that exist (git keeps them, encrypted).
        try? FileManager.default.removeItem(atPath: target + "/secrets")
    }

    private func start(_ bot: DesiredBot, previous: ObservedBot?) async throws -> Int32 {
        let rendered = bot.rendered
        let paths = rendered.paths
        let port = rendered.launch.port
        record(bot.name) { s in
            s.port = port
            s.phase = .Starting
            s.manifest = bot.manifest
        }
        try writeFiles(rendered)
        if !ProcessTable.isPortFree(port) {
            let holder = ProcessTable.listener(on: port)
            var who = "another program"
            if let holder, holder.pid > 0 {
                who = "pid \(holder.pid) (\(holder.commandLine.joined(separator: " ")))"
            }
            throw ApplyError(
                "port \(port) is already in use by \(who)",
                fix: "stop that program, or give bot '\(bot.name)' another port (spec.gateway.port) and apply again")
        }
        let token = try HostFiles.readOrCreateSecret(paths.gatewayToken) {
            Array(Hex.encode(HostFiles.randomBytes(32)).utf8)
        }
        var env = rendered.launch.environment
        env["OPENCLAW_GATEWAY_TOKEN"] = String(decoding: token, as: UTF8.self)
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        env["HOME"] = paths.state
        env["LANG"] = "C.UTF-8"
        let pid: Int32
        do {
            pid = try GatewayProcess.spawn(rendered.launch.arguments, environment: env, logFile: paths.consoleLog)
        } catch {
            throw ApplyError(error.message, fix: "install OpenClaw (npm install -g openclaw) or set gatewayCommand in the Fleet manifest")
        }
        let startTime = ProcessTable.process(pid)?.startTime ?? 0
        let pidRecord = PidRecord(pid: pid, startTime: startTime, bot: bot.name, port: port, startedAt: Date())
        if let data = try? FleetState.encoder.encode(pidRecord) {
            try HostFiles.writeAtomically(paths.pidRecord, [UInt8](data), mode: 0o600)
        }
        record(bot.name) { s in
            s.pid = pid
            s.pidStartTime = startTime
            s.startedAt = Date()
            s.applied = AppliedRecord(rendered)
            s.configHash = rendered.configHash
            s.appliedCommit = self.commit
            s.lastError = nil
        }
        saveState()
        progress("\(bot.name): started pid \(pid) on port \(port); waiting for /healthz")
        let clock = ContinuousClock()
        let deadline = clock.now + options.startTimeout
        while clock.now < deadline {
            if let exit = GatewayProcess.reap(pid) ?? (ProcessTable.isAlive(pid, startTime: startTime) ? nil : ExitInfo(code: nil, signal: nil, at: Date())) {
                record(bot.name) { s in
                    s.lastExit = exit
                    s.pid = nil
                    s.pidStartTime = nil
                }
                unlink(paths.pidRecord)
                let tail = Self.tail(paths.consoleLog, lines: 5)
                throw ApplyError(
                    "gateway \(exit.summary) during start-up\(tail.isEmpty ? "" : ":\n    " + tail.joined(separator: "\n    "))",
                    fix: "read \(paths.consoleLog); fix the manifest and apply again")
            }
            let health = GatewayHealth.probe(port: port, timeout: options.probeTimeout, readiness: false)
            if health.live {
                let full = GatewayHealth.probe(port: port, timeout: options.probeTimeout)
                record(bot.name) { s in
                    s.health = HealthRecord(live: true, ready: full.ready, failing: full.failing, at: Date())
                    s.phase = full.ready == false ? .Degraded : .Running
                }
                progress("\(bot.name): healthy (pid \(pid), port \(port))")
                return pid
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
        throw ApplyError("gateway did not answer /healthz on port \(port) within \(options.startTimeout)",
                         fix: "read \(paths.consoleLog); raise spec.health.startTimeout in the Fleet manifest if it is only slow")
    }

    /// The last `lines` lines of a file.
    static func tail(_ path: String, lines: Int) -> [String] {
        guard let bytes = HostFiles.read(path) else { return [] }
        return Array(String(decoding: bytes.suffix(8192), as: UTF8.self).split(separator: "\n").suffix(lines).map(String.init))
    }
}

/// A per-bot apply failure with its fix.
struct ApplyError: Error {
    var message: String
    var fix: String?

    init(_ message: String, fix: String? = nil) {
        self.message = message
        self.fix = fix
    }
}
