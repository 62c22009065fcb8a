import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet`: run a fleet of OpenClaw gateways from YAML manifests kept in git.
@main
struct Fleet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Run a fleet of OpenClaw bot gateways from YAML manifests kept in git.",
        discussion: """
            Git is the only source of truth: fleet reads the manifests at a commit, renders each \
            bot's OpenClaw config, and converges the gateways on this host.

            Exit codes: 0 success, 1 invalid manifests or a failed action, 2 usage or I/O error.
            """,
        version: FleetVersion.string,
        subcommands: [Validate.self, PlanCommand.self, ApplyCommand.self, DaemonCommand.self, ReconcileCommand.self, StatusCommand.self, DescribeCommand.self, LogsCommand.self, SessionsCommand.self, HistoryCommand.self, DestroyCommand.self, RestartCommand.self, StateCommand.self, Render.self, SchemaCommand.self, Secrets.self, Import.self, Check.self, InitCommand.self, NewCommand.self, LoginCommand.self, CodeownersCommand.self, ConformanceCommand.self, ServeCommand.self, UsersCommand.self])

    /// Runs the command; usage errors exit 2 as the README documents.
    static func main() async {
        // The commands that read a fleet from git start libgit2 while the arguments are parsed.
        if let name = CommandLine.arguments.dropFirst().first, ["validate", "plan", "apply", "render"].contains(name) {
            FleetSession.startReadingSoon()
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Output.err(fullMessage(for: error) + "\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
