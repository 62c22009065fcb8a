import ArgumentParser
import CFleetSystem
import FleetConsoleOptions
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet serve`: the web console, a process of its own (`fleet-console`, found beside `fleet`
/// or on PATH) so that `fleet`, which the daemon runs, stays free of the web stack.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the web console: a live dashboard, bot pages, logs and history in the browser.",
        discussion: """
            Reads what fleet already knows (the state file, the manifests at the applied commit, the \
            journal, the gateways, the logs) and never becomes a second source of truth. Who may do \
            what is spec.access in the Fleet manifest; passwords are set with fleet users set. \
            SIGTERM shuts it down gracefully. See docs/console.md (TLS through a reverse proxy, roles).

            Examples:
              fleet serve --state-root /var/openclaw --repo /srv/fleet
              fleet serve --listen 127.0.0.1:8790 --auth-header X-Forwarded-User
            """)

    @OptionGroup var options: ServeOptions

    func run() throws {
        guard let executable = GatewayProcess.resolveExecutable("fleet-console") else {
            CLIError(message: "fleet-console not found beside fleet or on PATH; install it with make install", exitCode: 2).exit()
        }
        let argv = [executable] + options.arguments
        var cargs = argv.map { strdup($0) } + [nil]
        // The console runs for days: it keeps none of the descriptors `fleet serve` was started
        // with (a shell's or a test runner's pipes and sockets would stay open as long as it runs).
        fleet_cloexec_from(3)
        execv(executable, &cargs)
        CLIError(message: "cannot run \(executable): \(String(cString: strerror(errno)))", exitCode: 2).exit()
    }
}
