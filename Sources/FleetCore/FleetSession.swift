import Glibc
import FleetGit

/// The version of fleet.
public enum FleetVersion {
    /// `0.1.0`.
    public static let string = "0.1.0"
}

/// Entry points the CLI and the daemon share.
public enum FleetSession {
    /// Reads and validates the manifests of `source`.
    public static func load(_ source: ManifestSource) throws(SourceError) -> ManifestSet {
        let snapshot = try source.read()
        let exists = AvatarLookup(source: source, commit: snapshot.commit?.id)
        return ManifestLoader.load(snapshot, fileExists: { exists.contains($0) })
    }
}

/// Tells whether a repository path exists at the snapshot's commit (or on disk).
struct AvatarLookup: Sendable {
    let source: ManifestSource
    let commit: String?

    func contains(_ path: String) -> Bool {
        if source.worktree {
            let root = (try? GitRepository(path: source.repository))?.workdir ?? source.repository
            return access(root + "/" + path, F_OK) == 0
        }
        guard let commit, let repo = try? GitRepository(path: source.repository) else { return false }
        return ((try? repo.blob(at: commit, path: path)) ?? nil) != nil
    }
}
