import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet state`: the state file's recovery.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Look after this host's state file (state.json).",
        subcommands: [StateRebuildCommand.self])
}

/// `fleet state rebuild`: a new state file from the running gateways and their pid records.
struct StateRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild state.json from the running gateways (/proc) and their pid records.",
        discussion: """
            For a state file fleet cannot read (error R010): the old file is kept beside it as
            state.json.corrupt-<hash>, and a new one records every bot directory under the state
            root, its live gateway (pid and start time from /proc), its port and the hash of its
            config on disk. What cannot be rebuilt (restart counts, the last errors, the record of
            what was applied) starts empty: `fleet plan` then shows what apply would do (a bot
            whose config on disk differs from the manifests is restarted). Running gateways are
            not touched.

            Examples:
              fleet state rebuild --state-root /var/openclaw
              fleet state rebuild --force      # also when state.json is readable
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    @Flag(name: .long, help: "Rebuild even when state.json is readable (it is kept as a copy first).")
    var force = false

    func run() async throws {
        let root = resolveRoot(source: source, state: state)
        let lock = await state.lock(root: root)
        let path = Applier.statePath(root)
        if !force, HostFiles.exists(path), (try? FleetState.load(from: path)) != nil {
            CLIError(message: "\(path) is readable; nothing to rebuild (use --force to rebuild it anyway)", exitCode: 1).exit()
        }
        let result: (found: [StateRebuild.Found], kept: String?)
        do {
            result = try StateRebuild.write(root: root)
        } catch {
            CLIError(message: error.description, exitCode: 1).exit()
        }
        withExtendedLifetime(lock) {}
        if let kept = result.kept { Output.out("\(path): \(kept)\n") }
        let width = result.found.map(\.bot.count).max() ?? 0
        for bot in result.found {
            var line = "  \(bot.bot.padded(to: width))"
            if let skipped = bot.skipped {
                line += "  not recorded: \(skipped)"
            } else {
                line += "  port \(bot.port.map(String.init) ?? "?")  " + (bot.pid.map { "running, pid \($0)" } ?? "not running")
            }
            Output.out(line + "\n")
        }
        let running = result.found.filter { $0.pid != nil && $0.skipped == nil }.count
        Output.out("Rebuilt \(path): \(result.found.count) bot\(result.found.count == 1 ? "" : "s"), \(running) running. Next: fleet plan\n")
    }
}
