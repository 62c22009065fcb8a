import ArgumentParser
import FleetCore

/// Where manifests are read from; shared by every command that reads them.
struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: "The git repository: a working copy or a bare repository.")
    var repo: String = "."

    @Option(name: .long, help: "The branch, tag or commit to read.")
    var ref: String = "HEAD"

    @Option(name: .long, help: "The directory of manifests inside the repository.")
    var path: String = "fleet"

    @Flag(name: .long, help: "Read the files on disk instead of a commit (for pre-commit hooks).")
    var worktree = false

    var source: ManifestSource { ManifestSource(repository: repo, ref: ref, path: path, worktree: worktree) }

    /// Reads and validates the manifests; a source that cannot be read exits 2.
    func loadOrExit() -> ManifestSet {
        do {
            return try FleetSession.load(source)
        } catch {
            CLIError(message: error.description, exitCode: 2).exit()
        }
    }

    func validate() throws {
        if worktree && ref != "HEAD" {
            throw ValidationError("--worktree reads the files on disk; it cannot be combined with --ref")
        }
    }
}
