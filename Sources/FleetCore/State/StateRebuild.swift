import FoundationEssentials
import OpenClawConfig

/// Rebuilds the state file from what the host still knows when `state.json` is lost or corrupt:
/// each bot's directory, its pid record, the gateways alive in `/proc` (matched by pid and start
/// time, or found by their `OPENCLAW_CONFIG_PATH`), and the config on disk.
///
/// What cannot be rebuilt is left out, and the next plan says so: the record of what was applied
/// (a bot whose config on disk differs from the manifests is restarted, "no record of what was
/// applied"), restart counts, the last exit and error, the daemon's source.
public enum StateRebuild {
    /// One bot as found.
    public struct Found: Sendable, Hashable {
        /// The bot.
        public var bot: String
        /// The live gateway, when one runs.
        public var pid: Int32?
        /// Its port, when known.
        public var port: Int?
        /// Why the bot could not be recorded, when it could not.
        public var skipped: String?
    }

    /// The state rebuilt from the host under `root`, and what was found per bot.
    public static func rebuild(root: String) -> (state: FleetState, found: [Found]) {
        var names = Set<String>()
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: root + "/bots") {
            for entry in entries where !entry.hasPrefix(".") { names.insert(entry) }
        }
        let running = ProcessTable.gateways(under: root)
        names.formUnion(running.keys)
        var state = FleetState()
        var found: [Found] = []
        for name in names.sorted() {
            let paths = BotPaths(root: root, name: name)
            let record = Observer.pidRecord(paths)
            let alive = running[name] ?? []
            // The recorded gateway if it is alive; else the one gateway running for this bot.
            let process = alive.first { $0.pid == record?.pid && $0.startTime == record?.startTime }
                ?? (alive.count == 1 ? alive.first : nil)
            let config = Observer.readConfig(paths.config)
            guard let port = (process != nil ? record?.port : nil) ?? configPort(config) ?? record?.port else {
                found.append(Found(bot: name, pid: process?.pid, skipped: "no pid record and no port in \(paths.config)"))
                continue
            }
            var bot = BotState(port: port)
            bot.configHash = config?.hash
            if let process {
                bot.pid = process.pid
                bot.pidStartTime = process.startTime
                bot.startedAt = record?.pid == process.pid ? record?.startedAt : nil
                bot.phase = .Running
            }
            state.bots[name] = bot
            found.append(Found(bot: name, pid: process?.pid, port: port))
        }
        return (state, found)
    }

    /// `gateway.port` of a config on disk.
    static func configPort(_ config: ConfigOnDisk?) -> Int? {
        guard case .int(let port)? = config?.json?["gateway"]?["port"] else { return nil }
        return Int(exactly: port)
    }

    /// Rebuilds and writes `<root>/state.json`. An existing file is kept first as
    /// `state.json.corrupt-<hash>` (the same bytes keep one copy); returns what was found and
    /// where the old file was kept.
    public static func write(root: String) throws(ApplyError) -> (found: [Found], kept: String?) {
        let path = Applier.statePath(root)
        var kept: String?
        if let bytes = HostFiles.read(path) {
            kept = FleetState.keepCopy(of: path, bytes)
        }
        let (state, found) = rebuild(root: root)
        try state.save(to: path)
        return (found, kept)
    }
}
