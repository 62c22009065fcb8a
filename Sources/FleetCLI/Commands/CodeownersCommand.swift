import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet codeowners`: a CODEOWNERS file from each bot's `metadata.owners`.
struct CodeownersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codeowners",
        abstract: "Write a CODEOWNERS file mapping each bot's manifest to its metadata.owners.",
        discussion: """
            The git host then asks a bot's owners to review every change to its manifest. The output is \
            deterministic (sorted by path), so CI can check it is up to date.

            Examples:
              fleet codeowners --out .github/CODEOWNERS
              fleet codeowners --worktree | diff - .github/CODEOWNERS
            """)

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "Write the file here (directories made) instead of printing it.")
    var out: String?

    func run() throws {
        let set: ManifestSet
        do {
            set = try FleetSession.load(source.source)
        } catch {
            CLIError(message: error.description, exitCode: 2).exit()
        }
        if !set.isValid {
            Output.err(DiagnosticRenderer.human(set.diagnostics, texts: set.texts, style: Output.style(for: STDERR_FILENO)))
            CLIError(message: "the manifests are invalid; CODEOWNERS not written", exitCode: 1).exit()
        }
        let text = Codeowners.text(for: set.bots)
        guard let out else {
            Output.out(text)
            return
        }
        let dir = out.deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try HostFiles.writeAtomically(out, text: text, mode: 0o644)
        Output.err("wrote \(out) (\(set.bots.filter { !$0.owners.isEmpty }.count) of \(set.bots.count) bots have owners)\n")
    }
}
