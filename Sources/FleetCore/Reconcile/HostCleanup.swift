import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Stopping everything under a state root.
public enum HostCleanup {
    /// Stops every gateway fleet started under `root` (pid records and a /proc scan), marks the
    /// bots Stopped in the state file and journals it. Returns how many were stopped.
    ///
    /// A state file that cannot be read stops nothing (R010); a state file or journal that cannot
    /// be written is reported after the gateways are stopped (R006, R007).
    public static func stopAll(root: String, grace: Duration, progress: @Sendable (String) -> Void) async throws(ApplyError) -> Int {
        var state = try FleetState.load(from: Applier.statePath(root))
        var targets: [String: [ProcessInfoRecord]] = ProcessTable.gateways(under: root)
        for name in state.bots.keys {
            if let record = Observer.pidRecord(BotPaths(root: root, name: name)),
               let info = ProcessTable.process(record.pid), info.startTime == record.startTime, !info.isZombie,
               !(targets[name] ?? []).contains(info) {
                targets[name, default: []].append(info)
            }
        }
        var stopped = 0
        var entries: [JournalEntry] = []
        for name in targets.keys.sorted() {
            // The whole session of the bot's gateway (a re-launched child, exec commands, a
            // browser) and anything else carrying its config path: nothing of the bot survives.
            let found = targets[name] ?? []
            let pidRecord = Observer.pidRecord(BotPaths(root: root, name: name))
            let sorted = BotProcesses.classify(found, pidRecord: pidRecord) { ProcessTable.process($0)?.parentPid }
            let leader = sorted.primary
            let killed = await GatewayProcess.stopTree(found, grace: grace) {
                GatewayProcess.botTree(root: root, name: name, leader: leader)
            }
            // One gateway per session leader (the re-launched child and commands are its session).
            let gateways = leader.map { [$0] + sorted.strays } ?? sorted.strays
            for process in gateways {
                stopped += 1
                progress("\(name): stopped pid \(process.pid)\(killed ? " (SIGKILL after the grace period)" : "")")
                entries.append(JournalEntry(time: Date(), commit: state.appliedCommit, author: nil, bot: name, action: "stop",
                                            reasons: ["fleet destroy"], result: "ok", error: nil, pid: process.pid))
            }
            unlink(BotPaths(root: root, name: name).pidRecord)
        }
        for name in state.bots.keys {
            state.bots[name]?.phase = .Stopped
            state.bots[name]?.pid = nil
            state.bots[name]?.pidStartTime = nil
        }
        var failure: ApplyError?
        do { try state.save(to: Applier.statePath(root)) } catch { failure = error }
        do { try Journal.append(entries, to: Applier.journalPath(root)) } catch { failure = failure ?? error }
        if let failure { throw failure }
        return stopped
    }
}
