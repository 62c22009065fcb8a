import FoundationEssentials
import Glibc

/// Finding and signalling the daemon of a state root: shared by `fleet reconcile`,
/// `fleet status` and the web console, so they agree on whether one runs.
public enum DaemonControl {
    /// The pid of the daemon running for `root` (from `<root>/daemon.pid`), or nil when none
    /// runs: no pid file, a dead or zombie process, or a pid reused by another program.
    public static func runningPid(root: String) -> Int32? {
        guard let bytes = HostFiles.read(Daemon<ContinuousClock>.pidFile(root)),
              let pid = Int32(String(decoding: bytes, as: UTF8.self).trimmed),
              let process = ProcessTable.process(pid), !process.isZombie,
              process.commandLine.contains("daemon") else { return nil }
        return pid
    }

    /// Asks the daemon of `root` to reconcile now (SIGHUP); returns its pid, or nil when no
    /// daemon runs (the caller decides whether to apply once instead).
    public static func requestReconcile(root: String) -> Int32? {
        guard let pid = runningPid(root: root) else { return nil }
        return kill(pid, SIGHUP) == 0 ? pid : nil
    }

    /// Asks the daemon to reconcile now for a person (the web console) and records it in the
    /// journal (bot `*`, action `reconcile`) with their name. Returns the daemon's pid, nil when
    /// none runs (nothing is journaled then); throws when the journal cannot be written (the
    /// daemon has been asked all the same).
    public static func requestReconcile(root: String, askedBy user: String) throws -> Int32? {
        guard let pid = requestReconcile(root: root) else { return nil }
        let state = try? FleetState.load(from: Applier.statePath(root))
        var entry = JournalEntry(time: Date(), commit: state?.appliedCommit, author: nil, bot: "*", action: "reconcile",
                                 reasons: ["reconcile now asked by \(user)"], result: "ok", error: nil, pid: pid)
        entry.user = user
        try Journal.append([entry], to: Applier.journalPath(root))
        return pid
    }
}
