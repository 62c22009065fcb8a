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
        let report: ApplyReport
        do {
            report = try await BotRestart.run(
                bot: bot, set: set, source: source.source, stateRootFlag: state.stateRoot,
                lockTimeout: .milliseconds(Int(state.lockTimeout * 1000)),
                command: CommandLine.arguments.joined(separator: " ")) { Output.out("  \($0)\n") }
        } catch {
            switch error {
            case .prepare(let e): exitFor(e)
            case .unknownBot, .locked: CLIError(message: error.description, exitCode: 1).exit()
            }
        }
        for r in report.results where !r.ok {
            Output.err("fleet: \(r.bot): \(r.message ?? "failed")\n")
            if let fix = r.fix { Output.err("  fix: \(fix)\n") }
        }
        if !report.ok { throw ExitCode(1) }
    }
}
