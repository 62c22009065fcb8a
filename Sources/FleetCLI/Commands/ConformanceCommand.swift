import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet conformance`: fleet's contract with a gateway binary, run against it.
struct ConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Check a gateway binary against everything fleet relies on (run it before upgrading OpenClaw).",
        discussion: """
            Asks the gateway command for its release (--version), renders a bot for that release into a \\
            scratch directory, starts the gateway as fleet does (its own session, the token in the \\
            environment) and checks health, readiness, the protocol handshake and each method fleet uses, \\
            the refusals (unknown client, wrong token, device-less client, unknown params, older protocol), \\
            the log line format, a hot reload that keeps the pid, a restart-class change, a stop within \\
            the shutdown budget and refused configs. Each check names the OpenClaw source of its rule. \\
            Exit 0: the gateway keeps the contract; 1: a check failed (the report says which and why).

            Examples:
              fleet conformance --gateway-command "openclaw gateway run"
              fleet conformance --gateway-command "/opt/openclaw-next/bin/openclaw gateway run" --json
              FLEET_CONFORMANCE_GATEWAY=/path/to/openclaw make conformance
            """)

    @Option(name: .long, help: "The gateway command, words separated by spaces (default: openclaw gateway run).")
    var gatewayCommand: String = "openclaw gateway run"

    @Option(name: .long, help: "How long a start may take (default 120s).")
    var startTimeout: String = "120s"

    @Flag(name: .long, help: "Keep the scratch directory (/tmp/fleet-conformance-*) for a look after a failure.")
    var keep = false

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if gatewayCommand.split(separator: " ").isEmpty { throw ValidationError("--gateway-command is empty") }
        if Duration.parseFleetDuration(startTimeout) == nil { throw ValidationError("--start-timeout must be a duration like 120s") }
    }

    func run() async throws {
        var options = ConformanceOptions(gatewayCommand: gatewayCommand.split(separator: " ").map(String.init))
        options.startTimeout = Duration.parseFleetDuration(startTimeout) ?? .seconds(120)
        options.keep = keep
        let quiet = json
        let report = await ConformanceSuite.run(options) { line in
            if !quiet { Output.err("fleet: conformance: \(line)\n") }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Output.out(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
        } else {
            Output.out(report.text(style: Output.style()))
        }
        if !report.passed { throw ExitCode(1) }
    }
}
