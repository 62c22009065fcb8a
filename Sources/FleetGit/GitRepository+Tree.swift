import CGit2

extension GitRepository {
    /// Every entry below `path` in the tree of the commit `commitId` (recursively, in path order),
    /// with blobs read when their size is at most `maxBlobSize` bytes.
    ///
    /// - Parameters:
    ///   - commitId: a commit id, or any revision `resolve(_:)` accepts.
    ///   - path: a repo-relative directory, '/'-separated; "" or "." means the root. When it
    ///     names a file rather than a directory, just that file is returned.
    ///   - maxBlobSize: the largest blob, in bytes, whose content is read; bigger blobs come
    ///     back with `size` set and `data` nil (they are never loaded).
    /// - Throws: `GitError`, e.g. "path 'fleet' does not exist at commit abc1234".
    public func files(at commitId: String, under path: String, maxBlobSize: Int) throws(GitError) -> [GitTreeFile] {
        let operation = "reading files under '\(path)' at '\(commitId)'"
        let commit = try lookupCommit(commitId, operation: operation)
        let root = try tree(of: commit, operation: operation)
        let odb = try objectDatabase(operation: operation)
        var reader = GitTreeReader(repository: pointer, odb: odb.pointer, maxBlobSize: maxBlobSize)
        let relative = GitRepository.normalizedTreePath(path)
        if relative.isEmpty {
            try reader.walk(root.pointer, prefix: "")
            return try reader.readFiles()
        }
        let entry = try treeEntry(root, path: relative, commit: commit, operation: operation)
        if git_tree_entry_filemode(entry.pointer) == GIT_FILEMODE_TREE {
            try reader.walkSubtree(entry.pointer, path: relative)
        } else {
            reader.add(entry.pointer, path: relative)
        }
        return try reader.readFiles()
    }

    /// The content of the file at `path` in the commit `commitId`, or nil when there is no
    /// entry at that path. A symlink yields its target text.
    /// - Throws: `GitError` when the commit cannot be resolved or `path` is a directory or submodule.
    public func blob(at commitId: String, path: String) throws(GitError) -> [UInt8]? {
        let operation = "reading '\(path)' at '\(commitId)'"
        let commit = try lookupCommit(commitId, operation: operation)
        let root = try tree(of: commit, operation: operation)
        let relative = GitRepository.normalizedTreePath(path)
        guard !relative.isEmpty else {
            throw invalidPath("path '\(path)' is the root directory, not a file", operation: operation)
        }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, root.pointer, relative)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, operation)
        guard let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        switch GitEntryKind(git_tree_entry_filemode(entry)) {
        case .tree:
            throw invalidPath("path '\(relative)' is a directory, not a file", operation: operation)
        case .submodule:
            throw invalidPath("path '\(relative)' is a submodule, not a file", operation: operation)
        case .blob, .executable, .symlink:
            guard let oid = git_tree_entry_id(entry) else { return nil }
            let odb = try objectDatabase(operation: operation)
            return try GitTreeReader.readBlob(odb: odb.pointer, oid: oid, path: relative)
        }
    }

    /// The tree entry at `path` below `root`, owned by the returned handle.
    func treeEntry(
        _ root: GitHandle, path: String, commit: GitHandle, operation: @autoclosure () -> String
    ) throws(GitError) -> GitHandle {
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, root.pointer, path)
        if code == GIT_ENOTFOUND.rawValue {
            var error = GitError.fromLast(code: code, operation: operation())
            let shortId = String(gitOidString(git_commit_id(commit.pointer)).prefix(7))
            error.message = "path '\(path)' does not exist at commit \(shortId)"
            throw error
        }
        try gitCheck(code, operation())
        guard let entry else {
            throw GitError(
                code: GIT_ENOTFOUND.rawValue, klass: Int32(GIT_ERROR_TREE.rawValue),
                message: "libgit2 returned no entry for '\(path)'", operation: operation())
        }
        return GitHandle(entry) { git_tree_entry_free($0) }
    }

    /// The repository's object database, owned by the returned handle.
    func objectDatabase(operation: @autoclosure () -> String) throws(GitError) -> GitHandle {
        var odb: OpaquePointer?
        try gitCheck(git_repository_odb(&odb, pointer), operation())
        guard let odb else {
            throw GitError(
                code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_ODB.rawValue),
                message: "libgit2 returned no object database", operation: operation())
        }
        return GitHandle(odb) { git_odb_free($0) }
    }

    /// A "wrong kind of path" error.
    func invalidPath(_ message: String, operation: String) -> GitError {
        GitError(code: GIT_EINVALID.rawValue, klass: Int32(GIT_ERROR_TREE.rawValue), message: message, operation: operation)
    }

    /// `path` without empty or "." components and without leading or trailing '/'; "" is the root.
    static func normalizedTreePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true)
            .filter { $0 != "." }
            .joined(separator: "/")
    }
}
