import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet init [DIR]`: a new fleet repository.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new fleet repository (manifests, schemas, a key, a first commit).",
        discussion: """
            The key is written to DIR/.fleet/keys/fleet.key (mode 0600, git-ignored); fleet finds it there. \
            The sample bot's token is an encrypted placeholder; replace it with \
            fleet secrets set hello channels.telegram.default.botToken.

            Examples:
              fleet init my-fleet
              fleet init . --gateway-command "openclaw-sim gateway run"
            """)

    @Argument(help: "The directory (made if missing; default: the current one).")
    var directory: String = "."

    @Option(name: .long, help: "The fleet's name (default: the directory's name as a slug).")
    var name: String?

    @Option(name: .long, help: "The gateway command, space-separated.")
    var gatewayCommand: String = "openclaw gateway run"

    @Option(name: .long, help: "The first gateway port.")
    var basePort: Int = 18789

    func validate() throws {
        if gatewayCommand.split(separator: " ").isEmpty { throw ValidationError("--gateway-command must not be empty") }
        if !(1024...65_000).contains(basePort) { throw ValidationError("--base-port must be between 1024 and 65000") }
    }

    func run() throws {
        let result: FleetScaffold.Result
        do {
            result = try FleetScaffold.create(in: directory, name: name, gatewayCommand: gatewayCommand.split(separator: " ").map(String.init),
                                              basePort: basePort)
        } catch {
            CLIError(message: "\(error)", exitCode: 1).exit()
        }
        let style = Output.style()
        var out = "Created a fleet repository in \(result.directory) (commit \(result.commit.prefix(7))):\n"
        for file in result.files { out += "  \(file)\n" }
        out += """

            The key \(result.keyId) is in \(result.keyFile) (0600, git-ignored): keep a copy somewhere safe.

            \(style.bold("Next:"))
              cd \(result.directory)
              fleet new bot                 # add a bot (asks for its token, stores it encrypted)
              fleet secrets set hello channels.telegram.default.botToken   # or give the sample bot a real token
              fleet apply                   # start the gateways

            """
        Output.out(out)
    }
}
