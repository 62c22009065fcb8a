/// The processes of one bot, sorted into its gateway, the rest of that gateway's session, and
/// strays.
///
/// A gateway is more than one process: the OpenClaw CLI may re-launch itself and run the gateway
/// as its child, the exec tool runs commands, the browser tool a browser (OpenClaw: src/entry.ts,
/// src/entry.respawn.ts). fleet starts each gateway as the leader of a session of its own, and
/// every process it starts inherits `OPENCLAW_CONFIG_PATH`; so everything in the gateway's session,
/// or descended from it, belongs to the bot (``members``) and is never a stray, an orphan or a
/// reason to restart. What else carries the bot's config path is a stray: a gateway of another
/// session, or what an earlier session left behind when its gateway died.
public struct BotProcesses: Sendable, Hashable {
    /// The gateway: the process of the pid record, or a lone session leader found without one.
    public var primary: ProcessInfoRecord?
    /// The other processes of the gateway's session or descended from it.
    public var members: [ProcessInfoRecord]
    /// Processes with the bot's config path outside that session.
    public var strays: [ProcessInfoRecord]

    /// Sorts `found` (the live processes carrying the bot's config path, plus the pid record's
    /// process when it lives), given the pid record and each process's parent (`parentOf`, for
    /// descendants that left the session).
    public static func classify(_ found: [ProcessInfoRecord], pidRecord: PidRecord?,
                                parentOf: (Int32) -> Int32? = { _ in nil }) -> BotProcesses {
        var primary = found.first { $0.pid == pidRecord?.pid && $0.startTime == pidRecord?.startTime }
        if primary == nil {
            // Adopt a gateway started without a record only when it is unambiguous: one session
            // leader, and everything else of the bot belongs to it. A process that is no leader
            // (what a dead gateway's session left) is never taken for a gateway.
            let leaders = found.filter { $0.pid == $0.session && $0.session > 0 }
            if leaders.count == 1, let leader = leaders.first,
               found.allSatisfy({ $0.pid == leader.pid || belongs($0, to: leader, parentOf: parentOf) }) {
                primary = leader
            }
        }
        guard let primary else { return BotProcesses(primary: nil, members: [], strays: found) }
        var members: [ProcessInfoRecord] = []
        var strays: [ProcessInfoRecord] = []
        for process in found where !(process.pid == primary.pid && process.startTime == primary.startTime) {
            if belongs(process, to: primary, parentOf: parentOf) { members.append(process) } else { strays.append(process) }
        }
        return BotProcesses(primary: primary, members: members, strays: strays)
    }

    /// In `leader`'s session, or a descendant of it.
    static func belongs(_ process: ProcessInfoRecord, to leader: ProcessInfoRecord, parentOf: (Int32) -> Int32?) -> Bool {
        // The session counts only when the gateway leads it, as every gateway fleet starts does.
        if leader.session > 0 && leader.session == leader.pid && process.session == leader.session { return true }
        var current = process.parentPid
        var steps = 0
        while current > 1 && steps < 64 {
            if current == leader.pid { return true }
            current = parentOf(current) ?? 0
            steps += 1
        }
        return false
    }
}
