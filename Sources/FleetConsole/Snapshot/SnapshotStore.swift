import FleetCore
import FoundationEssentials
import Glibc
import ServiceLifecycle

/// What a subscriber hears.
public enum SnapshotEvent: Sendable {
    /// What pages show changed.
    case snapshot(FleetSnapshot)
    /// Nothing changed for a while (streams write a comment, which also tells them whether the
    /// client is still there).
    case heartbeat
}

/// Keeps the console's snapshot fresh: looks at `state.json` and the gateways' processes a few
/// times a second (cheap), asks the gateways for channels and sessions on an interval (at most
/// `gatewayConcurrency` at once), and tells subscribers (the SSE streams) when what a page shows
/// changed. Pages never cause a gateway call.
public actor SnapshotStore: Service {
    let config: ConsoleConfiguration
    /// The current snapshot.
    public private(set) var snapshot: FleetSnapshot = .empty
    private var subscribers: [Int: AsyncStream<SnapshotEvent>.Continuation] = [:]
    private var lastBroadcast = ContinuousClock.now
    /// How often an idle stream hears a heartbeat (so a client that went away is noticed).
    let heartbeat: Duration = .seconds(15)
    private var nextSubscriber = 0
    private var details: [String: Detail] = [:]
    private var stateStamp: FileStamp?
    private var cachedState: FleetState?
    private var users: Set<String>?
    private var manifestKey: String?
    private var manifestCache: (set: ManifestSet?, error: String?) = (nil, nil)
    private var lastFull: ContinuousClock.Instant?
    private var changeKey: [String] = []
    private var stopped = false

    /// What a full refresh learned about one bot, kept between the cheap looks.
    struct Detail: Sendable {
        var channels: [ChannelStatus]?
        var sessions: SessionSummary?
        var sessionList: [GatewaySessionEntry]
        var figures: BotFigures?
        var health: HealthRecord?
        var observedVia: String?
        var messages: [Int]
        var errors: [Int]
    }

    struct FileStamp: Equatable, Sendable {
        var inode: UInt64
        var size: Int64
        var mtime: Int64
        var mtimeNanos: Int
    }

    /// A store for `config`.
    public init(config: ConsoleConfiguration) {
        self.config = config
    }

    /// Refreshes until the service group shuts down, then ends every subscription.
    public func run() async throws {
        // The state file, users and manifests first (fast), then the gateways.
        await refresh(full: false)
        await refresh(full: true)
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.config.pollInterval)
                await self.tick()
            }
        }
        stop()
    }

    /// Ends every subscription (their SSE responses finish).
    public func stop() {
        stopped = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }

    /// A stream of snapshots: the current one first, then one per visible change, and a
    /// heartbeat when nothing changed for a while.
    public func subscribe() -> AsyncStream<SnapshotEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SnapshotEvent.self, bufferingPolicy: .bufferingNewest(1))
        guard !stopped else {
            continuation.finish()
            return stream
        }
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.yield(.snapshot(snapshot))
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return stream
    }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }

    /// How many SSE streams are open (for tests and the benchmark).
    public var subscriberCount: Int { subscribers.count }

    private func tick() async {
        let now = ContinuousClock.now
        if let lastFull, now - lastFull < config.refreshInterval {
            await refresh(full: false)
        } else {
            await refresh(full: true)
        }
    }

    /// Reads everything again now (`full`: also asks the gateways); after an action and in tests.
    public func refresh(full: Bool) async {
        let root = config.root
        let statePath = Applier.statePath(root)
        let previousStamp = stateStamp, cached = cachedState, cachedUsers = full ? nil : users
        let read = await Blocking.run { () -> (FleetState, FileStamp?, Int32?, Set<String>) in
            let stamp = Self.stamp(statePath)
            var state = FleetState()
            if !full, stamp == previousStamp, let cached {
                state = cached
            } else if let loaded = try? FleetState.load(from: statePath) {
                state = loaded
            }
            let users = cachedUsers ?? (try? ConsoleUsers.load(root: root)).map { Set($0.users.keys) } ?? []
            return (state, stamp, DaemonControl.runningPid(root: root), users)
        }
        let (loaded, stamp, daemonPid, users) = read
        var state = loaded
        stateStamp = stamp
        cachedState = state
        self.users = users
        if full {
            lastFull = ContinuousClock.now
            await fullRefresh(state)
        }
        await loadManifests(state)
        // The processes: a gateway that died shows at once, without waiting for the daemon.
        let bots = state.bots
        let alive = await Blocking.run { () -> [String: Bool] in
            var out: [String: Bool] = [:]
            for (name, bot) in bots { if let pid = bot.pid { out[name] = ProcessTable.isAlive(pid, startTime: bot.pidStartTime) } }
            return out
        }
        var out: [String: BotSnapshot] = [:]
        for (name, record) in state.bots {
            var b = record
            let detail = details[name]
            if let detail {
                b.channels = detail.channels
                b.sessions = detail.sessions
                b.figures = detail.figures
                b.observedVia = detail.observedVia
                if b.pid != nil, let health = detail.health, health.at >= (b.health?.at ?? .distantPast) { b.health = health }
            }
            if b.pid != nil, alive[name] == false, b.phase != .Stopped {
                b.phase = .Failed
                b.lastError = BotError(message: "gateway process is not running", fix: "fleet restart \(name) (or run fleet daemon, which restarts it)", at: Date())
                b.pid = nil
            } else if b.pid != nil, alive[name] == true, let health = detail?.health, b.phase == .Running || b.phase == .Degraded || b.phase == .Failed,
                      health.at >= (record.health?.at ?? .distantPast) {
                b.phase = !health.live ? .Failed : (health.ready == false ? .Degraded : .Running)
            }
            let manifest = manifestCache.set?.bot(named: name)
            out[name] = BotSnapshot(
                name: name, displayName: manifest?.displayName, labels: manifest?.labels ?? [:], state: b,
                sessions: detail?.sessionList ?? [],
                messagesPerHour: detail?.messages ?? [Int](repeating: 0, count: 24),
                errorsPerHour: detail?.errors ?? [Int](repeating: 0, count: 24))
        }
        state.bots = out.mapValues(\.state)
        let conditions = SourceCondition.of(state, root: root, daemonPid: daemonPid)
        let key = Self.changeKey(out, conditions: conditions, users: users, access: manifestCache.set?.fleet.access ?? [])
        let changed = key != changeKey
        changeKey = key
        snapshot = FleetSnapshot(
            version: snapshot.version + (changed ? 1 : 0), takenAt: Date(), state: state, conditions: conditions,
            daemonPid: daemonPid, bots: out, manifests: manifestCache.set, access: manifestCache.set?.fleet.access ?? [],
            passwordUsers: users, manifestError: manifestCache.error)
        if changed {
            lastBroadcast = .now
            for continuation in subscribers.values { continuation.yield(.snapshot(snapshot)) }
        } else if ContinuousClock.now - lastBroadcast >= heartbeat {
            lastBroadcast = .now
            for continuation in subscribers.values { continuation.yield(.heartbeat) }
        }
    }

    /// Health, channels, sessions and figures of every recorded bot, a window of gateways at once.
    private func fullRefresh(_ state: FleetState) async {
        let root = config.root
        let names = state.bots.keys.sorted()
        let width = max(1, config.gatewayConcurrency)
        var results: [String: Detail] = [:]
        await withTaskGroup(of: (String, Detail).self) { group in
            var next = 0
            func add() {
                guard next < names.count else { return }
                let name = names[next]
                next += 1
                let record = state.bots[name]
                group.addTask {
                    // FleetCore's probes: /proc (a blocking read, on a thread of its own), /healthz
                    // and /readyz at the address the gateway listens on (non-blocking), then the
                    // gateway's channels.status and sessions.list (else the log and the session store).
                    let alive = await Blocking.run { () -> Bool in
                        guard let record, let pid = record.pid else { return false }
                        return ProcessTable.isAlive(pid, startTime: record.pidStartTime)
                    }
                    var health: HealthRecord?
                    if alive, let record {
                        let host = record.applied?.launch.connectHost ?? "127.0.0.1"
                        let h = await GatewayHealth.probe(host: host, port: record.port, timeout: .seconds(1))
                        health = HealthRecord(live: h.live, ready: h.ready, failing: h.failing, at: Date())
                    }
                    let paths = BotPaths(root: root, name: name)
                    let running = health?.live == true
                    let insight = await BotInsight.gather(paths, port: record?.port ?? 0, running: running, timeout: .milliseconds(1500))
                    let activity = await Blocking.run { BotActivity.hourly(paths) }
                    let summary = SessionStoreReader.summary(insight.sessions)
                    let figures = BotFigures(
                        messagesLastHour: activity.messages.last ?? 0, messagesLastDay: activity.messages.reduce(0, +),
                        activeSessions: summary.active, errorsLastHour: activity.errors.last ?? 0)
                    let recent = insight.sessions.sorted { ($0.updatedAt ?? 0) > ($1.updatedAt ?? 0) }.prefix(200)
                    return (name, Detail(channels: insight.channels, sessions: summary, sessionList: Array(recent), figures: figures,
                                         health: health, observedVia: insight.via,
                                         messages: activity.messages, errors: activity.errors))
                }
            }
            for _ in 0..<width { add() }
            for await (name, detail) in group {
                results[name] = detail
                add()
            }
        }
        details = results
    }

    /// The manifests at the applied commit (read again only when that commit changes).
    private func loadManifests(_ state: FleetState) async {
        let source: ManifestSource
        if let recorded = state.source {
            let follower = SourceFollower(location: recorded.url, ref: recorded.ref, path: recorded.path ?? config.source.path, root: config.root)
            source = follower.source(at: state.appliedCommit ?? recorded.ref)
        } else {
            source = ManifestSource(repository: config.source.repository, ref: state.appliedCommit ?? config.source.ref, path: config.source.path)
        }
        let key = "\(source.repository)|\(source.ref)|\(source.path)"
        // A moving ref (HEAD) is read again on every full refresh; a commit id only once.
        if key == manifestKey, state.appliedCommit != nil { return }
        let loaded = await Blocking.run { () -> (ManifestSet?, String?) in
            do {
                return (try FleetSession.load(source), nil)
            } catch {
                return (nil, "\(error)")
            }
        }
        manifestKey = key
        manifestCache = loaded
    }

    /// The manifest source of the snapshot (for restart and Test connection).
    public func manifestSource() -> ManifestSource {
        let state = snapshot.state
        if let recorded = state.source {
            let follower = SourceFollower(location: recorded.url, ref: recorded.ref, path: recorded.path ?? config.source.path, root: config.root)
            return follower.source(at: state.appliedCommit ?? recorded.ref)
        }
        return ManifestSource(repository: config.source.repository, ref: state.appliedCommit ?? config.source.ref, path: config.source.path)
    }

    static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(inode: UInt64(info.st_ino), size: Int64(info.st_size), mtime: Int64(info.st_mtim.tv_sec), mtimeNanos: Int(info.st_mtim.tv_nsec))
    }

    /// What pages show, as text; a different key means subscribers hear of it.
    static func changeKey(_ bots: [String: BotSnapshot], conditions: [SourceCondition], users: Set<String>, access: [AccessRule]) -> [String] {
        var key = conditions.map { "\($0.kind.rawValue)|\($0.message)|\($0.detail ?? "")" }
        key.append(users.sorted().joined(separator: ","))
        key.append(access.map(\.summary).joined(separator: ";"))
        for name in bots.keys.sorted() {
            guard let b = bots[name] else { continue }
            key.append(botKey(b))
        }
        return key
    }

    static func botKey(_ b: BotSnapshot) -> String {
        let s = b.state
        let channels: [String] = (s.channels ?? []).map { c in "\(c.channel)/\(c.accountId):\(c.state):\(c.lastError ?? "")" }
        let labels: [String] = b.labels.keys.sorted().map { k in "\(k)=\(b.labels[k] ?? "")" }
        var parts: [String] = [b.name, s.phase.rawValue, s.pid.map { String($0) } ?? "-", String(s.restarts)]
        parts.append(channels.joined(separator: ","))
        parts.append(s.sessions.map { "\($0.count)/\($0.active)" } ?? "-")
        parts.append(b.messagesPerHour.map { String($0) }.joined(separator: ","))
        parts.append(b.errorsPerHour.map { String($0) }.joined(separator: ","))
        parts.append(s.lastError?.message ?? "")
        parts.append(s.appliedCommit ?? "")
        parts.append(b.lastActivity.map { String(Int($0.timeIntervalSince1970)) } ?? "")
        parts.append(labels.joined(separator: ","))
        return parts.joined(separator: "|")
    }
}
