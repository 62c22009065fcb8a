import FleetGit
import FoundationEssentials
import Glibc

/// Follows the daemon's source: a local repository (resolved each tick) or a remote URL of
/// which it keeps a bare mirror under the state root (fetched each tick).
public struct SourceFollower: Sendable {
    /// A local path or a `file://`, `https://` or `ssh://` URL.
    public var location: String
    /// The branch (remote) or ref (local) to follow.
    public var ref: String
    /// The directory of manifests inside the repository.
    public var path: String
    /// The state root (the mirror lives at `<root>/mirror.git`).
    public var root: String

    /// Creates a follower.
    public init(location: String, ref: String, path: String, root: String) {
        self.location = location
        self.ref = ref
        self.path = path
        self.root = root
    }

    /// Whether the source is a remote URL.
    public var isRemote: Bool {
        location.hasPrefix("file://") || location.hasPrefix("https://") || location.hasPrefix("http://")
            || location.hasPrefix("ssh://") || location.hasPrefix("git@")
    }

    /// The local mirror of a remote source.
    public var mirror: String { root + "/mirror.git" }

    /// Fetches (remote) or resolves (local) the followed ref; returns the commit and the source to
    /// read it from.
    public func fetch() throws(GitError) -> (commit: GitCommitInfo, source: ManifestSource) {
        if isRemote {
            let commit = try GitMirror.fetch(url: location, branch: ref, into: mirror)
            return (commit, ManifestSource(repository: mirror, ref: commit.id, path: path))
        }
        let repo = try GitRepository(path: location)
        let commit = try repo.resolve(ref)
        return (commit, ManifestSource(repository: location, ref: commit.id, path: path))
    }

    /// The source at an earlier commit (the last applied one), if it is still readable.
    public func source(at commit: String) -> ManifestSource {
        ManifestSource(repository: isRemote ? mirror : location, ref: commit, path: path)
    }
}

/// Verifies commit signatures the way git does: `ssh-keygen -Y verify` against an allowed-signers
/// file (kept outside the repository), or `gpg --verify` against a keyring.
public struct SignatureVerifier: Sendable {
    /// The allowed-signers file (SSH) — git's `gpg.ssh.allowedSignersFile` format.
    public var allowedSigners: String?
    /// A GnuPG home whose keyring holds the allowed keys.
    public var gnupgHome: String?

    /// Creates a verifier.
    public init(allowedSigners: String?, gnupgHome: String? = nil) {
        self.allowedSigners = allowedSigners
        self.gnupgHome = gnupgHome
    }

    /// nil when `commit` carries a valid signature from an allowed signer; otherwise why not.
    public func problem(with commit: String, in repository: String) -> String? {
        let signed: (signature: String, signedData: String)?
        do {
            signed = try GitRepository(path: repository).commitSignature(commit)
        } catch {
            return "cannot read the signature of \(commit.prefix(12)): \(error.message)"
        }
        guard let signed else { return "commit \(commit.prefix(12)) is not signed" }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-sig-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sigFile = dir + "/commit.sig"
        guard FileManager.default.createFile(atPath: sigFile, contents: Data(signed.signature.utf8)) else {
            return "cannot write the signature of \(commit.prefix(12)) to \(sigFile) for verification"
        }
        let payload = Data(signed.signedData.utf8)
        if signed.signature.contains("BEGIN SSH SIGNATURE") {
            guard let allowedSigners else { return "commit \(commit.prefix(12)) is SSH-signed but no allowed-signers file was given (--allowed-signers)" }
            let principals = Self.run(["ssh-keygen", "-Y", "find-principals", "-s", sigFile, "-f", allowedSigners], input: nil)
            guard principals.status == 0, let principal = principals.output.split(separator: "\n").first else {
                return "commit \(commit.prefix(12)) is signed by a key that is not in \(allowedSigners)"
            }
            let verify = Self.run(["ssh-keygen", "-Y", "verify", "-f", allowedSigners, "-I", String(principal), "-n", "git", "-s", sigFile], input: payload)
            return verify.status == 0 ? nil : "the signature of commit \(commit.prefix(12)) does not verify: \(verify.output.trimmed)"
        }
        if signed.signature.contains("BEGIN PGP SIGNATURE") {
            var args = ["gpg", "--batch", "--status-fd", "1", "--verify", sigFile, "-"]
            if let gnupgHome { args.insert(contentsOf: ["--homedir", gnupgHome], at: 1) }
            let verify = Self.run(args, input: payload)
            return verify.status == 0 && verify.output.contains("VALIDSIG") ? nil : "the GPG signature of commit \(commit.prefix(12)) is not from a trusted key"
        }
        return "commit \(commit.prefix(12)) has a signature of an unknown kind"
    }

    static func run(_ args: [String], input: Data?) -> (status: Int32, output: String) {
        let result = ChildProcess.run(args, input: input.map { Array($0) })
        return (result.status, result.output)
    }
}
