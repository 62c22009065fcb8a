import ArgumentParser
import FleetCore
import Foundation

/// `fleet status`: the state file, refreshed by a live probe.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every bot's phase, pid, port, uptime, restarts and health on this host.")

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let root = resolveRoot(source: source, state: state)
        let fleetState: FleetState
        do {
            fleetState = try FleetState.load(from: Applier.statePath(root))
        } catch {
            CLIError(message: "cannot read \(Applier.statePath(root)): \(error)", exitCode: 2).exit()
        }
        let live = await StatusReport.refresh(fleetState, root: root, probeTimeout: .seconds(1))
        if json {
            Output.out(StatusReport.json(live) + "\n")
            return
        }
        Output.out(StatusReport.table(live, root: root, style: Output.style()))
    }
}

/// The state root from the flag, the environment, or the Fleet manifest when it can be read.
func resolveRoot(source: SourceOptions, state: StateOptions) -> String {
    let fleet = (try? FleetSession.load(source.source))?.fleet ?? FleetSettings()
    return HostSettings(fleet: fleet, stateRootFlag: state.stateRoot).stateRoot
}
