import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet destroy`: stop every gateway of this state root; all data is kept.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Stop every gateway of this state root (configs, sessions and credentials are kept).",
        discussion: "The next `fleet apply` starts them again.")

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let root = resolveRoot(source: source, state: state)
        let lock = await state.lock(root: root)
        // The Fleet's stop grace (25 s, OpenClaw's shutdown budget, unless the manifest says otherwise).
        let grace = ((try? FleetSession.load(source.source))?.fleet ?? FleetSettings()).stopGracePeriod
        let stopped: Int
        do {
            stopped = try await HostCleanup.stopAll(root: root, grace: grace) { Output.out("  \($0)\n") }
        } catch {
            CLIError(message: error.description, exitCode: 1).exit()
        }
        withExtendedLifetime(lock) {}
        Output.out("Stopped \(stopped) gateway\(stopped == 1 ? "" : "s") under \(root); data kept.\n")
    }
}

/// `fleet restart BOT`: a one-off restart of one bot's gateway.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Restart one bot's gateway now (with the config of the manifests at the ref).")

    @Argument(help: "The bot.")
    var bot: String

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let set = source.loadOrExit()
        guard set.isValid else { exitFor(.invalid(set)) }
        guard set.bot(named: bot) != nil else {
            CLIError(message: "no bot named '\(bot)'; bots: \(set.bots.map(\.name).joined(separator: ", "))", exitCode: 1).exit()
        }
        let root = HostSettings(fleet: set.fleet, stateRootFlag: state.stateRoot).stateRoot
        let lock = await state.lock(root: root)
        var context: ReconcileContext
        do {
            context = try await Reconciler.prepare(set: set, source: source.source, stateRootFlag: state.stateRoot, createKey: true)
        } catch {
            exitFor(error)
        }
        let running = context.observed[bot]?.process != nil
        context.plan.actions = [PlannedAction(bot: bot, kind: running ? .restart : .start, reasons: ["fleet restart"])]
        let (report, _) = await Reconciler.apply(context, options: Reconciler.applyOptions(for: set.fleet)) { Output.out("  \($0)\n") }
        withExtendedLifetime(lock) {}
        for r in report.results where !r.ok {
            Output.err("fleet: \(r.bot): \(r.message ?? "failed")\n")
            if let fix = r.fix { Output.err("  fix: \(fix)\n") }
        }
        if !report.ok { throw ExitCode(1) }
    }
}
