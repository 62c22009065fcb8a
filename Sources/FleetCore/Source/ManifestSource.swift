import FleetGit
import FoundationEssentials
import Glibc

/// Where manifests are read from: a repository at a ref, or the files on disk.
public struct ManifestSource: Sendable, Hashable {
    /// A working copy or a bare repository.
    public var repository: String
    /// Branch, tag, commit id or `HEAD`.
    public var ref: String
    /// The directory inside the tree (default `fleet`).
    public var path: String
    /// Read the working tree instead of a commit (for pre-commit hooks).
    public var worktree: Bool

    /// The largest manifest file read.
    public static let maxFileSize = 1 << 20

    /// Creates a source.
    public init(repository: String = ".", ref: String = "HEAD", path: String = "fleet", worktree: Bool = false) {
        self.repository = repository
        self.ref = ref
        self.path = path
        self.worktree = worktree
    }
}

/// One file read from a source.
public struct SourceFile: Sendable {
    /// The path relative to the repository root.
    public var path: String
    /// Its bytes.
    public var bytes: [UInt8]

    /// Creates a file.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// The manifest files of a source at one commit, plus the problems met reading them.
public struct SourceSnapshot: Sendable {
    /// The commit read (nil for `--worktree` outside a repository).
    public var commit: GitCommitInfo?
    /// The manifest files (`*.yaml`, `*.yml`), sorted by path.
    public var files: [SourceFile]
    /// Problems with entries that could not be read.
    public var diagnostics: [Diagnostic]
    /// The source it was read from.
    public var source: ManifestSource

    /// Creates a snapshot.
    public init(commit: GitCommitInfo?, files: [SourceFile], diagnostics: [Diagnostic], source: ManifestSource) {
        self.commit = commit
        self.files = files
        self.diagnostics = diagnostics
        self.source = source
    }
}

/// A failure to read a source at all (no repository, unknown ref, missing path).
public struct SourceError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// How to fix it.
    public var fix: String?

    public var description: String { fix.map { "\(message)\n  fix: \($0)" } ?? message }
}

extension ManifestSource {
    /// Whether a tree path is a manifest file.
    static func isManifest(_ path: String) -> Bool { path.hasSuffix(".yaml") || path.hasSuffix(".yml") }

    var normalizedPath: String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        while p.hasSuffix("/") { p.removeLast() }
        return p == "." ? "" : p
    }

    /// Reads the manifest files.
    public func read() throws(SourceError) -> SourceSnapshot {
        worktree ? try readWorktree() : try readCommit()
    }

    private func readCommit() throws(SourceError) -> SourceSnapshot {
        let repo: GitRepository
        do {
            repo = try GitRepository(path: repository)
        } catch {
            throw SourceError(message: "cannot open git repository at '\(repository)': \(error.message)",
                              fix: "pass --repo with the path of a git repository (a working copy or a bare repository)")
        }
        let commit: GitCommitInfo
        do {
            commit = try repo.resolve(ref)
        } catch {
            throw SourceError(message: "cannot resolve '\(ref)' in \(repository): \(error.message)",
                              fix: "pass --ref with a branch, tag or commit id that exists (git log shows them)")
        }
        let entries: [GitTreeFile]
        do {
            entries = try repo.files(at: commit.id, under: normalizedPath, maxBlobSize: Self.maxFileSize)
        } catch {
            throw SourceError(message: "cannot read '\(normalizedPath)' at commit \(commit.shortId): \(error.message)",
                              fix: "commit the manifests under '\(normalizedPath)', or pass --path with the directory that holds them")
        }
        var files: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        for entry in entries {
            switch entry.kind {
            case .tree:
                continue
            case .symlink:
                diagnostics.append(Diagnostic(
                    .unsupportedEntry, "'\(entry.path)' is a symlink; fleet reads only regular files from git",
                    at: SourceLocation(file: entry.path), fix: "replace the symlink with the file itself"))
            case .submodule:
                diagnostics.append(Diagnostic(
                    .unsupportedEntry, "'\(entry.path)' is a submodule; fleet does not read submodules",
                    at: SourceLocation(file: entry.path), fix: "move the manifests into this repository"))
            case .blob, .executable:
                guard Self.isManifest(entry.path) else { continue }
                guard let data = entry.data, entry.size <= Self.maxFileSize else {
                    diagnostics.append(Self.tooLarge(entry.path, size: entry.size))
                    continue
                }
                files.append(SourceFile(path: entry.path, bytes: data))
            }
        }
        return SourceSnapshot(commit: commit, files: files.sorted { $0.path < $1.path }, diagnostics: diagnostics, source: self)
    }

    static func tooLarge(_ path: String, size: Int) -> Diagnostic {
        Diagnostic(.fileTooLarge, "'\(path)' is \(size) bytes; manifests may be at most 1 MiB",
                   at: SourceLocation(file: path), fix: "split it into several files, one bot per file")
    }

    private func readWorktree() throws(SourceError) -> SourceSnapshot {
        let fm = FileManager.default
        var root = URL(fileURLWithPath: repository).standardizedFileURL.path
        var commit: GitCommitInfo?
        if let repo = try? GitRepository(path: repository), let workdir = repo.workdir {
            root = URL(fileURLWithPath: workdir).standardizedFileURL.path
            commit = try? repo.resolve("HEAD")
        }
        let base = normalizedPath.isEmpty ? root : root + "/" + normalizedPath
        var isDirectory = false
        guard fm.fileExists(atPath: base, isDirectory: &isDirectory) else {
            throw SourceError(message: "path '\(normalizedPath)' does not exist in \(root)",
                              fix: "pass --path with the directory that holds the manifests")
        }
        var files: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        var relatives: [String] = []
        if isDirectory {
            guard access(base, R_OK | X_OK) == 0 else {
                throw SourceError(message: "cannot list '\(base)'", fix: nil)
            }
            relatives = DirectoryWalk.relativePaths(under: base)
        } else {
            relatives = [""]
        }
        for relative in relatives.sorted() {
            let full = relative.isEmpty ? base : base + "/" + relative
            let repoPath = String(full.dropFirst(root.count + 1))
            guard let attributes = try? fm.attributesOfItem(atPath: full),
                  let type = attributes[.type] as? FileAttributeType else { continue }
            if repoPath.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if type == .typeSymbolicLink {
                diagnostics.append(Diagnostic(
                    .unsupportedEntry, "'\(repoPath)' is a symlink; fleet reads only regular files",
                    at: SourceLocation(file: repoPath), fix: "replace the symlink with the file itself"))
                continue
            }
            guard type == .typeRegular, Self.isManifest(repoPath) else { continue }
            let size = (attributes[.size] as? Int) ?? (attributes[.size] as? UInt64).map(Int.init) ?? 0
            if size > Self.maxFileSize {
                diagnostics.append(Self.tooLarge(repoPath, size: size))
                continue
            }
            guard let data = fm.contents(atPath: full) else { continue }
            files.append(SourceFile(path: repoPath, bytes: [UInt8](data)))
        }
        return SourceSnapshot(commit: commit, files: files, diagnostics: diagnostics, source: self)
    }
}
