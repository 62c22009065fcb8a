import FoundationEssentials
import Glibc
import FleetGit
import OpenClawConfig

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

    /// Reads and validates the manifests of `source`, and opens every credential with `keys`:
    /// plain text (E050), a malformed envelope (E052), a value no key opens (E051) and one token
    /// used by two bots (E053) are diagnostics, so `isValid` is false and nothing may be applied
    /// from the commit. A bot whose model's provider has no key is a warning (W010). The returned
    /// set's `secrets` opens the values for the renderer.
    /// This is the load every command that renders, plans or applies must use.
    ///
    /// With `keysRequired: false` (`fleet validate` in a pull-request check, where keys must not
    /// be), a value sealed with a key that is not loaded is a warning (W011) instead of E051; its
    /// envelope form and key id are still checked. Never render or apply from such a set.
    public static func load(_ source: ManifestSource, keys: SecretKeys, keysRequired: Bool = true) throws(SourceError) -> ManifestSet {
        audited(try load(source), keys: keys, keysRequired: keysRequired)
    }

    /// Reads and validates files already in memory (the web console's edit before it is
    /// committed), with the same checks as ``load(_:keys:keysRequired:)``: the snapshot's files
    /// replace the source's, `fileExists` answers for avatars.
    public static func load(snapshot: SourceSnapshot, keys: SecretKeys, fileExists: (@Sendable (String) -> Bool)? = nil) -> ManifestSet {
        audited(ManifestLoader.load(snapshot, fileExists: fileExists), keys: keys, keysRequired: true)
    }

    /// Opens every credential of `loaded` with `keys` and adds what the secret audit finds.
    static func audited(_ loaded: ManifestSet, keys: SecretKeys, keysRequired: Bool) -> ManifestSet {
        var set = loaded
        set.secrets = SecretOpener(keys: keys)
        let audit = SecretAudit(opener: set.secrets, missingKeysAreWarnings: !keysRequired)
        let keyless = FleetValidator(fleet: set.fleet, bots: set.bots, fileExists: nil).providerKeyProblems()
        set.diagnostics = (set.diagnostics + audit.diagnostics(for: set) + keyless).sortedByLocation()
        // The texts only serve to show offending lines: mask plaintext secrets in the files that
        // have something to show.
        let shown = Set(set.diagnostics.compactMap { $0.location?.file })
        if !shown.isEmpty { set.texts = SecretAudit.maskingPlaintext(in: set, files: shown) }
        return set
    }

    /// The keys from `--key-file` options, the environment and `<repository>/.fleet/keys/*.key`
    /// (see ``SecretKeys/resolve(keyFiles:environment:repository:)``).
    public static func secretKeys(for source: ManifestSource, keyFiles: [String] = []) throws(SecretKeyError) -> SecretKeys {
        try SecretKeys.resolve(keyFiles: keyFiles, repository: source.repository)
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
    /// Credentials are opened with `opener` (default: the set's own, see ``load(_:keys:)``).
    public static func renderer(for set: ManifestSet, host: HostSettings, source: ManifestSource, fingerprintKey: [UInt8] = [],
                                opener: SecretOpener? = nil) -> Renderer {
        let commit = set.commit?.id
        let reader = RepositoryReader(source: source, commit: commit)
        let secrets = opener ?? set.secrets
        return Renderer(
            fleet: set.fleet, stateRoot: host.stateRoot, commit: set.commit?.shortId,
            fingerprinter: Fingerprinter(key: fingerprintKey), repositoryFile: { reader.read($0) },
            openSecret: { bot, field, raw in try secrets.open(bot: bot, field: field, raw: raw) })
    }

    /// Renders one bot of `set` with the port the allocator gives it.
    /// The release is `release` (default: the newest release fleet knows).
    public static func render(_ bot: BotManifest, in set: ManifestSet, host: HostSettings, source: ManifestSource,
                              previous: [String: Int] = [:], release: OpenClawRelease? = nil) throws -> RenderedBot {
        let port = ports(for: set, host: host, previous: previous)[bot.name] ?? host.basePort
        var renderer = renderer(for: set, host: host, source: source)
        if let release { renderer.release = release }
        return try renderer.render(bot, port: port)
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
