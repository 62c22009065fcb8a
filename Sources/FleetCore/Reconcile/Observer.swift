import FleetCrypto
import FoundationEssentials
import Glibc
import OpenClawConfig

/// Looks at this host: the state file, pid records, /proc, the configs on disk, and probes
/// every running gateway's /healthz and /readyz concurrently.
public struct Observer: Sendable {
    /// The state root.
    public var root: String
    /// One probe's timeout.
    public var probeTimeout: Duration
    /// How gateways are probed.
    public var prober: any GatewayProber = LoopbackProber()

    /// Creates an observer.
    public init(root: String, probeTimeout: Duration) {
        self.root = root
        self.probeTimeout = probeTimeout
    }

    /// The config body's hash and value, from the file on disk.
    public static func readConfig(_ path: String) -> ConfigOnDisk? {
        guard let bytes = HostFiles.read(path) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let body = RenderedBot.body(ofFile: text)
        return ConfigOnDisk(hash: SHA256Digest.hexDigest(Array(body.utf8)), json: try? JSON5.parse(body))
    }

    /// Observes every bot in `names` plus every bot found in the state file or on disk.
    ///
    /// `only` observes just those bots, from their pid records, without the `/proc` scan for
    /// strays and orphans (the daemon restarting one crashed gateway; the next full round scans).
    /// `launches` says how each bot is (to be) launched, for the address its gateway listens on
    /// (else the launch recorded in the state file, else loopback).
    public func observe(state: FleetState, names: [String], ports: [String: Int], only: Bool = false,
                        launches: [String: GatewayLaunch] = [:]) async -> [String: ObservedBot] {
        var all = Set(names)
        var scanned: [String: [ProcessInfoRecord]] = [:]
        var parents: [Int32: Int32] = [:]
        // The bot directories there are (nil: not known): a bot without one has no pid record
        // and no config on disk, and is not asked for them (3,000 failed look-ups at 1,000 bots).
        var directories: Set<String>?
        if !only {
            all.formUnion(state.bots.keys)
            let botsDir = root + "/bots"
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: botsDir) {
                for entry in entries where !entry.hasPrefix(".") { all.insert(entry) }
                directories = Set(entries)
            } else if access(botsDir, F_OK) != 0 && errno == ENOENT {
                directories = []
            }
            scanned = ProcessTable.gateways(under: root)
            for name in scanned.keys { all.insert(name) }
            for process in scanned.values.joined() { parents[process.pid] = process.parentPid }
        }
        // Each bot's look (pid record, /proc, config on disk, a bind test of its port) is a
        // dozen system calls: on every core for a large fleet.
        let scannedNow = scanned, parentsNow = parents, directoriesNow = directories
        let looks = ParallelMap.map(Array(all)) { name in
            look(at: name, state: state, scanned: scannedNow, parents: parentsNow, ports: ports, only: only, launches: launches,
                 hasDirectory: directoriesNow.map { $0.contains(name) })
        }
        // Who holds the ports found taken: the socket tables and /proc read once for all of them.
        let holders = ProcessTable.listeners(on: Set(looks.compactMap { $0.takenPort }))
        var result: [String: ObservedBot] = [:]
        result.reserveCapacity(looks.count)
        for (found, taken) in looks {
            var obs = found
            if let taken { obs.portHolder = holders[taken] }
            result[obs.name] = obs
        }
        await withTaskGroup(of: (String, GatewayHealth).self) { group in
            for (name, obs) in result {
                guard obs.process != nil, let port = obs.record?.port ?? ports[name] else { continue }
                let timeout = probeTimeout
                let host = (obs.record?.applied?.launch ?? launches[name])?.connectHost ?? "127.0.0.1"
                let prober = self.prober
                group.addTask { (name, await prober.probe(host: host, port: port, timeout: timeout, readiness: true)) }
            }
            for await (name, health) in group { result[name]?.health = health }
        }
        return result
    }

    /// What is on this host for the bot `name`, without probing its gateway, and its port when
    /// a gateway could not bind it (its holder is looked up after every bot's look).
    private func look(at name: String, state: FleetState, scanned: [String: [ProcessInfoRecord]], parents: [Int32: Int32],
                      ports: [String: Int], only: Bool, launches: [String: GatewayLaunch],
                      hasDirectory: Bool?) -> (ObservedBot, takenPort: Int?) {
        let paths = BotPaths(root: root, name: name)
        let record = state.bots[name]
        var processes = scanned[name] ?? []
        let absent = hasDirectory == false
        // A process is its pid and start time: the rest of the record (the state letter,
        // R or S) can change between the scan and this second read, and a full-record
        // comparison then took the recorded gateway for a stray of itself and restarted it.
        let pidRecord = absent ? nil : Self.pidRecord(paths)
        if let pidRecord, let info = ProcessTable.process(pidRecord.pid),
           info.startTime == pidRecord.startTime, !info.isZombie,
           !processes.contains(where: { $0.pid == info.pid && $0.startTime == info.startTime }) {
            processes.append(info)
        }
        // The gateway's own session (a re-launched child, exec commands, a browser) belongs to
        // it; only processes of other sessions are strays.
        let sorted = BotProcesses.classify(processes, pidRecord: pidRecord) { parents[$0] ?? ProcessTable.process($0)?.parentPid }
        var obs = ObservedBot(
            name: name, record: record, directoryExists: !absent && HostFiles.exists(paths.directory), process: sorted.primary,
            strays: sorted.strays, configOnDisk: absent ? nil : Self.readConfig(paths.config))
        obs.members = sorted.members
        obs.scanned = !only
        let port = ports[name] ?? record?.port
        let launch = launches[name] ?? record?.applied?.launch
        if let port, sorted.primary == nil, !ProcessTable.isPortFree(port, host: launch?.listenHost ?? "127.0.0.1") {
            return (obs, port)
        }
        return (obs, nil)
    }

    /// The bot's pid record, if any.
    public static func pidRecord(_ paths: BotPaths) -> PidRecord? {
        guard let bytes = HostFiles.read(paths.pidRecord) else { return nil }
        return try? FleetState.decoder.decode(PidRecord.self, from: Data(bytes))
    }

    /// A fingerprint of what was observed: plans made against another state are stale.
    public static func fingerprint(_ observed: [String: ObservedBot]) -> String {
        var text = ""
        for name in observed.keys.sorted() {
            guard let o = observed[name] else { continue }
            text += "\(name)|\(o.process?.pid ?? 0)|\(o.process?.startTime ?? 0)|\(o.configOnDisk?.hash ?? "-")|"
            text += "\(o.record?.configHash ?? "-")|\(o.directoryExists)|\(o.strays.map(\.pid))|\(o.record?.port ?? 0)\n"
        }
        return String(ConfigDigest.sha256Hex(Array(text.utf8)).prefix(16))
    }
}

extension RenderedBot {
    /// The body of a config file: the text after the leading `//` header lines.
    public static func body(ofFile text: String) -> String {
        var rest = Substring(text)
        while rest.hasPrefix("//") {
            guard let newline = rest.firstIndex(of: "\n") else { return "" }
            rest = rest[rest.index(after: newline)...]
        }
        if rest.hasPrefix("\n") { rest = rest.dropFirst() }
        return String(rest)
    }
}
