import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc
import OpenClawConfig

/// `fleet validate`: check the manifests at a commit and report every problem.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the manifests and report every problem.",
        discussion: """
            Without the decryption key (a pull-request check in CI), encrypted values are checked for \
            their form and key id and listed as not opened (warning W011, exit 0); with the key they \
            are opened as well. render, plan and apply always need the key.

            Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage or I/O error.

            Examples:
              fleet validate                      # the fleet/ directory at HEAD
              fleet validate --ref origin/main    # another commit
              fleet validate --worktree --json    # files on disk, as JSON (pre-commit hook)
            """)

    @OptionGroup var source: SourceOptions

    @Flag(name: .long, help: "Print the diagnostics as a JSON array.")
    var json = false

    func run() async throws {
        ProcessLifetime.growHeapsInLargeSteps()
        let set = source.loadOrExit(keysRequired: false)
        defer { ProcessLifetime.keep(set) }  // freed by the exit, not one allocation at a time
        if json {
            Output.out(DiagnosticRenderer.json(set.diagnostics).json(pretty: true) + "\n")
        } else {
            let style = Output.style(for: STDERR_FILENO)
            Output.err(DiagnosticRenderer.human(set.diagnostics, texts: set.texts, style: style))
            let commit = set.commit.map { " at \($0.shortId) (\($0.summary))" } ?? ""
            let verdict = set.isValid ? style.green("valid") : style.red("invalid")
            Output.err("\(set.bots.count) bot\(set.bots.count == 1 ? "" : "s")\(commit): \(verdict); \(DiagnosticRenderer.summary(set.diagnostics))\n")
        }
        if !set.isValid { throw ExitCode(1) }
    }
}
