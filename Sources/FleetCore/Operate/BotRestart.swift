import FoundationEssentials

/// Why a one-off restart did not run.
public enum BotRestartError: Error, Sendable, CustomStringConvertible {
    /// No bot of that name in the manifests (exit 1).
    case unknownBot(String, known: [String])
    /// Another fleet holds the state lock.
    case locked(String)
    /// The manifests could not be read, validated or rendered.
    case prepare(ReconcileError)

    public var description: String {
        switch self {
        case .unknownBot(let name, let known):
            return "no bot named '\(name)'; bots: \(known.joined(separator: ", "))"
        case .locked(let message): return message
        case .prepare(let error): return error.description
        }
    }
}

/// A one-off restart of one bot's gateway with the config of the manifests at the ref: what
/// `fleet restart BOT` and the web console's Restart button run (not desired state, so it is
/// journaled with who asked).
public enum BotRestart {
    /// Takes the state lock, plans `restart` (or `start` when no process runs) for `bot` alone
    /// and applies it; the journal entry carries `user` when one is given.
    public static func run(
        bot: String, set: ManifestSet, source: ManifestSource, stateRootFlag: String?,
        lockTimeout: Duration, command: String, user: String? = nil,
        progress: @escaping @Sendable (String) -> Void
    ) async throws(BotRestartError) -> ApplyReport {
        guard set.isValid else { throw .prepare(.invalid(set)) }
        guard set.bot(named: bot) != nil else { throw .unknownBot(bot, known: set.bots.map(\.name)) }
        let root = HostSettings(fleet: set.fleet, stateRootFlag: stateRootFlag).stateRoot
        let lock: StateLock
        do {
            try HostFiles.makeDirectory(root)
            lock = try await StateLock(path: root + "/fleet.lock", timeout: lockTimeout, command: command)
        } catch {
            throw .locked("\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        var context: ReconcileContext
        do {
            context = try await Reconciler.prepare(set: set, source: source, stateRootFlag: stateRootFlag, createKey: true)
        } catch {
            throw .prepare(error)
        }
        let running = context.observed[bot]?.process != nil
        let reason = user.map { "restart asked by \($0)" } ?? "fleet restart"
        context.plan.actions = [PlannedAction(bot: bot, kind: running ? .restart : .start, reasons: [reason])]
        var options = Reconciler.applyOptions(for: set.fleet)
        options.user = user
        return await Reconciler.apply(context, options: options, progress: progress).report
    }
}
