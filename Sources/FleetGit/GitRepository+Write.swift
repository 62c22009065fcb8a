import CGit2
import FoundationEssentials
import Glibc

/// Writing, for `fleet init`: a new repository and a commit of the working tree.
extension GitRepository {
    /// Creates a working-copy repository at `path` (directories made as needed) whose HEAD
    /// points at `initialBranch`.
    public static func initialize(at path: String, initialBranch: String = "main") throws(GitError) -> GitRepository {
        try GitRuntime.ensureInitialized()
        var options = git_repository_init_options()
        try gitCheck(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)), "preparing git init")
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue
        var repo: OpaquePointer?
        let code = initialBranch.withCString { branch -> Int32 in
            options.initial_head = branch
            return git_repository_init_ext(&repo, path, &options)
        }
        try gitCheck(code, "creating a repository at '\(path)'")
        guard let repo else {
            throw GitError(code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_REPOSITORY.rawValue),
                           message: "libgit2 returned no repository", operation: "git init")
        }
        return GitRepository(owning: repo, path: path)
    }

    /// Stages every file of the working tree (`.gitignore` respected) and commits it on HEAD.
    /// The author is `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, else git's `user.name`/`user.email`,
    /// else `fleet <fleet@localhost>`. Returns the new commit id.
    @discardableResult
    public func commitAll(message: String) throws(GitError) -> String {
        var index: OpaquePointer?
        try gitCheck(git_repository_index(&index, pointer), "opening the index")
        defer { git_index_free(index) }
        try gitCheck(git_index_add_all(index, nil, 0, nil, nil), "staging files")
        try gitCheck(git_index_write(index), "writing the index")
        var treeId = git_oid()
        try gitCheck(git_index_write_tree(&treeId, index), "writing the tree")
        var tree: OpaquePointer?
        try gitCheck(git_tree_lookup(&tree, pointer, &treeId), "reading the tree")
        defer { git_tree_free(tree) }
        let signature = try self.signature()
        defer { git_signature_free(signature) }
        var parentId = git_oid()
        var parent: OpaquePointer?
        if git_reference_name_to_id(&parentId, pointer, "HEAD") == 0 {
            try gitCheck(git_commit_lookup(&parent, pointer, &parentId), "reading HEAD")
        }
        defer { if let parent { git_commit_free(parent) } }
        var commitId = git_oid()
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        let code = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitId, pointer, "HEAD", signature, signature, "UTF-8", message, tree,
                              buffer.count, buffer.baseAddress)
        }
        try gitCheck(code, "committing")
        return gitOidString(&commitId)
    }

    private func signature() throws(GitError) -> UnsafeMutablePointer<git_signature>? {
        var sig: UnsafeMutablePointer<git_signature>?
        let env = ProcessInfo.processInfo.environment
        if let name = env["GIT_AUTHOR_NAME"], !name.isEmpty, let email = env["GIT_AUTHOR_EMAIL"],
           git_signature_now(&sig, name, email) == 0 {
            return sig
        }
        if git_signature_default(&sig, pointer) == 0 { return sig }
        try gitCheck(git_signature_now(&sig, "fleet", "fleet@localhost"), "making a signature")
        return sig
    }
}
