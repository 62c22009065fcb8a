import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet status`: the state file, refreshed by a live probe and a look at each gateway's channels.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every bot's phase, pid, port, uptime, restarts, health, channels and sessions on this host.",
        discussion: """
            The source's condition comes first: the commit applied, or why the fetched one is not \
            (invalid manifests, with the fleet validate command; an unsigned commit; a failing fetch), \
            and whether the daemon runs. In --json it is the first key, `condition` (a list, worst first).

            Channels and sessions come from each gateway's channels.status and sessions.list (WebSocket \
            protocol, short timeouts, all bots at once); when a gateway does not answer, from its log and \
            its on-disk session store. A channel error is shown with its fix. --json adds the figures \
            (messages in the last hour and day, active sessions, errors in the last hour).

            --watch redraws in place on a terminal and prints one block (or one JSON line) per round \
            otherwise; Ctrl-C stops it.

            Examples:
              fleet status
              fleet status --json
              fleet status --watch --interval 5s
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    @Flag(name: .long, help: "Print JSON (with the figures).")
    var json = false

    @Flag(name: .shortAndLong, help: "Refresh until interrupted (Ctrl-C).")
    var watch = false

    @Option(name: .long, help: "Seconds between refreshes with --watch (2s, 500ms, 1m).")
    var interval: String = "2s"

    func validate() throws {
        guard let seconds = parseSpan(interval), seconds >= 0.1 else {
            throw ValidationError("--interval must be a duration of at least 100ms, like 2s or 500ms")
        }
    }

    func run() async throws {
        let root = resolveRoot(source: source, state: state)
        let seconds = parseSpan(interval) ?? 2
        guard watch else {
            let live = await refreshed(root: root)
            let conditions = SourceCondition.of(live, root: root, daemonPid: DaemonControl.runningPid(root: root))
            Output.out(json ? StatusReport.json(live, conditions: conditions) + "\n"
                : StatusReport.table(live, root: root, style: Output.style(), conditions: conditions))
            return
        }
        let terminal = isatty(STDOUT_FILENO) == 1
        Interrupt.exitOnSIGINT { if terminal { Output.out("\n") } }
        while true {
            let live = await refreshed(root: root)
            let conditions = SourceCondition.of(live, root: root, daemonPid: DaemonControl.runningPid(root: root))
            let stamp = ISOTime.local(Date()).prefix(19)
            if json {
                Output.out(StatusReport.compactJSON(live, conditions: conditions) + "\n")
            } else if terminal {
                // Home, clear screen, then the table: a redraw in place.
                Output.out("\u{1B}[H\u{1B}[2J" + "Every \(interval): fleet status    \(stamp)\n\n"
                           + StatusReport.table(live, root: root, style: Output.style(), conditions: conditions))
            } else {
                Output.out("--- \(stamp)\n" + StatusReport.table(live, root: root, style: .plain, conditions: conditions))
            }
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        }
    }

    private func refreshed(root: String) async -> FleetState {
        let fleetState: FleetState
        do {
            fleetState = try FleetState.load(from: Applier.statePath(root))
        } catch {
            CLIError(message: "cannot read \(Applier.statePath(root)): \(error)", exitCode: 2).exit()
        }
        return await StatusReport.refresh(fleetState, root: root, probeTimeout: .seconds(1), detail: json ? .full : .channels)
    }
}

/// The state root from the flag, the environment, or the Fleet manifest when it can be read.
func resolveRoot(source: SourceOptions, state: StateOptions) -> String {
    let fleet = (try? FleetSession.load(source.source))?.fleet ?? FleetSettings()
    return HostSettings(fleet: fleet, stateRootFlag: state.stateRoot).stateRoot
}
