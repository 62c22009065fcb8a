import CGit2

extension GitRepository {
    /// Resolves a revision to the commit it names.
    ///
    /// Accepts anything `git rev-parse` does: "HEAD", a branch ("main"), a remote-tracking
    /// branch ("origin/main"), a tag (annotated tags are peeled to their commit), a full or
    /// abbreviated commit id, "HEAD~1", ...
    /// - Throws: `GitError`; for an unknown ref the message reads "ref 'nope' not found in /path".
    public func resolve(_ ref: String) throws(GitError) -> GitCommitInfo {
        let commit = try lookupCommit(ref, operation: "resolving ref '\(ref)'")
        return GitCommitInfo(commit: commit.pointer)
    }

    /// Resolves `spec` to a loaded `git_commit *`, owned by the returned handle.
    func lookupCommit(_ spec: String, operation: @autoclosure () -> String) throws(GitError) -> GitHandle {
        var object: OpaquePointer?
        let code = spec.isEmpty ? GIT_EINVALIDSPEC.rawValue : git_revparse_single(&object, pointer, spec)
        if code < 0 {
            var error = GitError.fromLast(code: code, operation: operation())
            if code == GIT_ENOTFOUND.rawValue {
                error.message = "ref '\(spec)' not found in \(displayPath)"
                if git_repository_is_empty(pointer) == 1 { error.message += " (the repository has no commits yet)" }
            } else if code == GIT_EAMBIGUOUS.rawValue {
                error.message = "ref '\(spec)' is ambiguous in \(displayPath); use more characters of the id or a full ref name"
            } else if code == GIT_EINVALIDSPEC.rawValue {
                error.message = "'\(spec)' is not a valid ref or revision"
            }
            throw error
        }
        guard let object else {
            throw GitError(
                code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_REFERENCE.rawValue),
                message: "libgit2 returned no object for '\(spec)'", operation: operation())
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        let peelCode = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        if peelCode < 0 {
            var error = GitError.fromLast(code: peelCode, operation: operation())
            error.message = "ref '\(spec)' does not point to a commit (\(error.message))"
            throw error
        }
        guard let commit else {
            throw GitError(
                code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_OBJECT.rawValue),
                message: "libgit2 returned no commit for '\(spec)'", operation: operation())
        }
        return GitHandle(commit) { git_commit_free($0) }
    }

    /// Resolves `spec` to the id of the commit it names.
    func commitOid(_ spec: String, operation: @autoclosure () -> String) throws(GitError) -> git_oid {
        let commit = try lookupCommit(spec, operation: operation())
        return git_commit_id(commit.pointer).pointee
    }

    /// The root tree of a loaded commit, owned by the returned handle.
    func tree(of commit: GitHandle, operation: @autoclosure () -> String) throws(GitError) -> GitHandle {
        var tree: OpaquePointer?
        try gitCheck(git_commit_tree(&tree, commit.pointer), operation())
        guard let tree else {
            throw GitError(
                code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_TREE.rawValue),
                message: "libgit2 returned no tree", operation: operation())
        }
        return GitHandle(tree) { git_tree_free($0) }
    }
}
