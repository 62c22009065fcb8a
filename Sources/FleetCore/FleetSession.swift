import Foundation
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

extension FleetSession {
    /// Ports for every bot of `set`, keeping `previous` allocations.
    public static func ports(for set: ManifestSet, host: HostSettings, previous: [String: Int] = [:]) -> [String: Int] {
        PortAllocator(basePort: host.basePort, stride: set.fleet.portStride).allocate(set.bots, previous: previous)
    }

    /// A renderer for `set` on this host.
    public static func renderer(for set: ManifestSet, host: HostSettings, source: ManifestSource, fingerprintKey: [UInt8] = []) -> Renderer {
        let commit = set.commit?.id
        let reader = RepositoryReader(source: source, commit: commit)
        return Renderer(
            fleet: set.fleet, stateRoot: host.stateRoot, commit: set.commit?.shortId,
            fingerprinter: Fingerprinter(key: fingerprintKey), repositoryFile: { reader.read($0) })
    }

    /// Renders one bot of `set` with the port the allocator gives it.
    public static func render(_ bot: BotManifest, in set: ManifestSet, host: HostSettings, source: ManifestSource,
                              previous: [String: Int] = [:]) throws -> RenderedBot {
        let port = ports(for: set, host: host, previous: previous)[bot.name] ?? host.basePort
        return try renderer(for: set, host: host, source: source).render(bot, port: port)
    }
}

/// Reads repository files at a commit (or from disk in worktree mode).
struct RepositoryReader: Sendable {
    let source: ManifestSource
    let commit: String?

    func read(_ path: String) -> [UInt8]? {
        if source.worktree || commit == nil {
            let root = (try? GitRepository(path: source.repository))?.workdir ?? source.repository
            return FileManager.default.contents(atPath: root + "/" + path).map { [UInt8]($0) }
        }
        guard let commit, let repo = try? GitRepository(path: source.repository) else { return nil }
        return (try? repo.blob(at: commit, path: path)) ?? nil
    }
}
