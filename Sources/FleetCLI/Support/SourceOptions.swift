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

    @Option(name: .long, help: "A key file for the encrypted credentials (mode 0600); repeatable. Also: FLEET_KEY_FILE, ENCRYPTION_KEY, FLEET_ENCRYPTION_KEYS, <repo>/.fleet/keys/*.key.")
    var keyFile: [String] = []

    var source: ManifestSource { ManifestSource(repository: repo, ref: ref, path: path, worktree: worktree) }

    /// The encryption keys; a bad key file (or one readable by others) exits 2.
    func keysOrExit() -> SecretKeys {
        do {
            return try FleetSession.secretKeys(for: source, keyFiles: keyFile)
        } catch {
            CLIError(message: error.description, exitCode: 2).exit()
        }
    }

    /// Reads and validates the manifests and opens every secret (E050-E053 make the set
    /// invalid); a source that cannot be read exits 2. `keysRequired: false` (validate only)
    /// turns a value whose key is not loaded into a warning; see ``FleetSession/load(_:keys:keysRequired:)``.
    func loadOrExit(keysRequired: Bool = true) -> ManifestSet {
        let keys = keysOrExit()
        do {
            return try FleetSession.load(source, keys: keys, keysRequired: keysRequired)
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
