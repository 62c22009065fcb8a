import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

extension GatewayProcess {
    /// Ends every process of a bot: `targets` (its gateway, the rest of its session, strays) and
    /// whatever `rescan` finds later (a process started while stopping, a command that left the
    /// session). SIGTERM to each target and to each process group a target leads, up to `grace`
    /// for them to exit, then SIGKILL to everything `rescan` still finds. Our own children are
    /// reaped. Returns true when it had to use SIGKILL.
    @discardableResult
    public static func stopTree(_ targets: [ProcessInfoRecord], grace: Duration,
                                rescan: @Sendable () -> [ProcessInfoRecord]) async -> Bool {
        let live = targets.filter { ProcessTable.isAlive($0.pid, startTime: $0.startTime) }
        for process in live {
            // A gateway fleet started leads its process group: the group gets the signal at once.
            if process.processGroup == process.pid && process.pid > 1 { kill(-process.pid, SIGTERM) }
            kill(process.pid, SIGTERM)
        }
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        var remaining = live
        while !remaining.isEmpty && clock.now < deadline {
            for process in remaining { _ = reap(process.pid) }
            remaining = remaining.filter { ProcessTable.isAlive($0.pid, startTime: $0.startTime) }
            if remaining.isEmpty { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        var killed = false
        // Whatever is left of the bot, including what appeared meanwhile.
        for _ in 0..<250 {
            var left = (remaining + rescan()).filter { ProcessTable.isAlive($0.pid, startTime: $0.startTime) }
            var seen = Set<Int32>()
            left = left.filter { seen.insert($0.pid).inserted }
            if left.isEmpty { break }
            for process in left {
                if process.processGroup == process.pid && process.pid > 1 { kill(-process.pid, SIGKILL) }
                kill(process.pid, SIGKILL)
                _ = reap(process.pid)
            }
            killed = true
            remaining = []
            try? await Task.sleep(for: .milliseconds(20))
        }
        return killed
    }

    /// Every live process of bot `name` under `root`: those carrying its config path, and the
    /// session (and descendants) of `leader` when given.
    public static func botTree(root: String, name: String, leader: ProcessInfoRecord?) -> [ProcessInfoRecord] {
        var found = ProcessTable.gateways(under: root)[name] ?? []
        if let leader {
            // The session only when the gateway leads it (fleet starts it so), never fleet's own.
            let session = leader.session == leader.pid && leader.session != getsid(0) ? leader.session : 0
            for p in ProcessTable.sessionAndDescendants(session: session, of: leader.pid) where !found.contains(where: { $0.pid == p.pid }) {
                found.append(p)
            }
            if ProcessTable.isAlive(leader.pid, startTime: leader.startTime), !found.contains(where: { $0.pid == leader.pid }) {
                found.append(leader)
            }
        }
        return found
    }
}
