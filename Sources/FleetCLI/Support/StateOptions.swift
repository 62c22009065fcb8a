import FoundationEssentials
import Glibc
import ArgumentParser
import FleetCore

/// Where this host keeps its state, and how long to wait for another fleet's lock.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "The state root (default: OPENCLAW_BASE_PATH, the Fleet manifest, then /var/openclaw for root or ~/.local/state/fleet).")
    var stateRoot: String?

    @Option(name: .long, help: "Seconds to wait for another fleet holding the state lock.")
    var lockTimeout: Double = 60

    func validate() throws {
        if lockTimeout < 0 { throw ValidationError("--lock-timeout must be zero or more seconds") }
    }

    /// Takes the state lock of `root`, or exits 1 saying who holds it.
    func lock(root: String) async -> StateLock {
        do {
            try HostFiles.makeDirectory(root)
            return try await StateLock(
                path: root + "/fleet.lock", timeout: .milliseconds(Int(lockTimeout * 1000)),
                command: CommandLine.arguments.joined(separator: " "))
        } catch {
            CLIError(message: "\(error)", exitCode: 1).exit()
        }
    }
}

/// Turns a failed prepare into output and an exit code.
func exitFor(_ error: ReconcileError) -> Never {
    switch error {
    case .source(let e):
        CLIError(message: e.description, exitCode: 2).exit()
    case .invalid(let set):
        Output.err(DiagnosticRenderer.human(set.diagnostics, texts: set.texts, style: Output.style(for: STDERR_FILENO)))
        CLIError(message: error.description, exitCode: 1).exit()
    case .render, .state:
        CLIError(message: error.description, exitCode: 1).exit()
    }
}
