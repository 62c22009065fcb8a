import CGit2

/// A git repository (working copy or bare) opened with libgit2.
///
/// All reads go through the object database at a commit, never through the working tree, so
/// uncommitted edits are invisible.
///
/// Thread safety: a `GitRepository` is **not** `Sendable`. libgit2 repository handles must not
/// be used from several threads at once; open one `GitRepository` per task or thread instead
/// (opening is cheap).
public final class GitRepository {
    /// The owned `git_repository *`.
    let pointer: OpaquePointer
    /// The path the repository was opened from, as given.
    public let path: String

    /// Opens the repository containing `path`: a working copy (the `.git` directory is found
    /// from `path` or any parent, like `git` does) or a bare repository.
    /// - Throws: `GitError` when no repository is found or it cannot be opened.
    public init(path: String) throws(GitError) {
        try GitRuntime.ensureInitialized()
        var repo: OpaquePointer?
        let code = git_repository_open_ext(&repo, path, 0, nil)
        let operation = "opening repository at '\(path)'"
        if code == GIT_ENOTFOUND.rawValue {
            var error = GitError.fromLast(code: code, operation: operation)
            error.message = "no git repository at or above '\(path)'"
            throw error
        }
        try gitCheck(code, operation)
        guard let repo else {
            throw GitError(
                code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_REPOSITORY.rawValue),
                message: "libgit2 returned no repository", operation: operation)
        }
        self.pointer = repo
        self.path = path
    }

    /// Takes ownership of an already opened `git_repository *`.
    init(owning pointer: OpaquePointer, path: String) {
        self.pointer = pointer
        self.path = path
    }

    deinit { git_repository_free(pointer) }

    /// Whether the repository is bare (has no working tree).
    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// The working tree directory (with a trailing '/'), or nil for a bare repository.
    public var workdir: String? { git_repository_workdir(pointer).map { String(cString: $0) } }

    /// The git directory (`.../.git/` for a working copy, the repository itself when bare).
    public var gitDirectory: String { git_repository_path(pointer).map { String(cString: $0) } ?? path }

    /// The directory named in error messages: the working tree, else the git directory.
    var displayPath: String {
        var dir = workdir ?? gitDirectory
        while dir.count > 1, dir.hasSuffix("/") { dir.removeLast() }
        return dir
    }
}

/// A repository handle must stay on one thread at a time; it is deliberately not `Sendable`.
@available(*, unavailable)
extension GitRepository: Sendable {}
