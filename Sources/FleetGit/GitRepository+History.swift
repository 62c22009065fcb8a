import CGit2

extension GitRepository {
    /// The signature and signed payload of a commit (`git_commit_extract_signature`), nil if unsigned.
    ///
    /// Works for any signature stored in the `gpgsig` header: OpenPGP, SSH ("BEGIN SSH
    /// SIGNATURE") or X.509. Verifying the signature is up to the caller.
    public func commitSignature(_ commitId: String) throws(GitError) -> (signature: String, signedData: String)? {
        let operation = "reading the signature of '\(commitId)'"
        var oid = try commitOid(commitId, operation: operation)
        var signature = git_buf()
        var signedData = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signedData)
        }
        let code = git_commit_extract_signature(&signature, &signedData, pointer, &oid, nil)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, operation)
        return (String(gitBuffer: signature), String(gitBuffer: signedData))
    }

    /// Whether `ancestor` is an ancestor of (or equal to) `descendant` (`git_graph_descendant_of`).
    /// Both accept any revision `resolve(_:)` accepts.
    public func isAncestor(_ ancestor: String, of descendant: String) throws(GitError) -> Bool {
        let operation = "checking whether '\(ancestor)' is an ancestor of '\(descendant)'"
        var ancestorOid = try commitOid(ancestor, operation: operation)
        var descendantOid = try commitOid(descendant, operation: operation)
        if git_oid_equal(&ancestorOid, &descendantOid) != 0 { return true }
        let result = git_graph_descendant_of(pointer, &descendantOid, &ancestorOid)
        try gitCheck(result, operation)
        return result == 1
    }

    /// Up to `limit` commits reachable from `ref`, newest first (by commit time).
    ///
    /// - Parameter path: when given, only commits whose tree differs from their first parent's
    ///   at `path` (a file or directory) are listed; a root commit counts when `path` exists in it.
    public func log(from ref: String, limit: Int, touching path: String? = nil) throws(GitError) -> [GitCommitInfo] {
        let operation = "reading history from '\(ref)'"
        guard limit > 0 else { return [] }
        var start = try commitOid(ref, operation: operation)
        var walker: OpaquePointer?
        try gitCheck(git_revwalk_new(&walker, pointer), operation)
        guard let walker else { return [] }
        defer { git_revwalk_free(walker) }
        try gitCheck(git_revwalk_sorting(walker, GIT_SORT_TIME.rawValue), operation)
        try gitCheck(git_revwalk_push(walker, &start), operation)
        let relative = path.map(GitRepository.normalizedTreePath)

        var commits: [GitCommitInfo] = []
        var next = git_oid()
        while commits.count < limit {
            let code = git_revwalk_next(&next, walker)
            if code == GIT_ITEROVER.rawValue { break }
            try gitCheck(code, operation)
            var commit: OpaquePointer?
            try gitCheck(git_commit_lookup(&commit, pointer, &next), operation)
            guard let commit else { continue }
            defer { git_commit_free(commit) }
            if let relative, !relative.isEmpty, try !touches(commit, path: relative, operation: operation) {
                continue
            }
            commits.append(GitCommitInfo(commit: commit))
        }
        return commits
    }

    /// Whether `commit` changed the entry at `path` compared with its first parent.
    private func touches(_ commit: OpaquePointer, path: String, operation: String) throws(GitError) -> Bool {
        let mine = try entryOid(of: commit, path: path, operation: operation)
        guard git_commit_parentcount(commit) > 0 else { return mine != nil }
        var parent: OpaquePointer?
        try gitCheck(git_commit_parent(&parent, commit, 0), operation)
        guard let parent else { return mine != nil }
        defer { git_commit_free(parent) }
        let theirs = try entryOid(of: parent, path: path, operation: operation)
        switch (mine, theirs) {
        case (nil, nil): return false
        case (var lhs?, var rhs?): return git_oid_equal(&lhs, &rhs) == 0
        default: return true
        }
    }

    /// The object id at `path` in the tree of `commit`, nil when absent.
    private func entryOid(of commit: OpaquePointer, path: String, operation: String) throws(GitError) -> git_oid? {
        var tree: OpaquePointer?
        try gitCheck(git_commit_tree(&tree, commit), operation)
        guard let tree else { return nil }
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, operation)
        guard let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        return git_tree_entry_id(entry)?.pointee
    }
}

extension String {
    /// Decodes a libgit2 `git_buf` as UTF-8 (invalid bytes are repaired).
    init(gitBuffer buffer: git_buf) {
        guard let ptr = buffer.ptr, buffer.size > 0 else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: ptr, count: buffer.size), as: UTF8.self)
    }
}
