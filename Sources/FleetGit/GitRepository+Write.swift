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

/// A person for a commit: the author (and committer) of a change made through the console.
public struct GitPerson: Sendable, Hashable {
    /// The name.
    public var name: String
    /// The e-mail address.
    public var email: String

    /// Creates a person.
    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}

/// Writing, for the web console: commits built in an in-memory index on top of a parent commit
/// (no working tree is read or written), compare-and-swap ref updates, and push.
extension GitRepository {
    /// Makes a commit whose tree is `parent`'s tree with `changes` applied (a path mapped to its
    /// new bytes, or to nil to delete it) and returns its id. No ref is moved: see
    /// ``updateReference(_:to:expected:message:)``.
    ///
    /// - Parameters:
    ///   - parent: the parent commit (any revision `resolve(_:)` accepts), nil for a root commit.
    ///   - author: the author and committer.
    public func commit(changes: [String: [UInt8]?], parent: String?, author: GitPerson, message: String) throws(GitError) -> String {
        let operation = "committing \(changes.count) file\(changes.count == 1 ? "" : "s")"
        var index: OpaquePointer?
        try gitCheck(git_index_new(&index), operation)
        defer { git_index_free(index) }
        let parentCommit = try parent.map { (spec) throws(GitError) -> GitHandle in try lookupCommit(spec, operation: operation) }
        if let parentCommit {
            let tree = try tree(of: parentCommit, operation: operation)
            try gitCheck(git_index_read_tree(index, tree.pointer), operation)
        }
        for path in changes.keys.sorted() {
            let relative = GitRepository.normalizedTreePath(path)
            guard !relative.isEmpty, !relative.split(separator: "/").contains("..") else {
                throw invalidPath("'\(path)' is not a file path inside the repository", operation: operation)
            }
            guard let bytes = changes[path] ?? nil else {
                try gitCheck(git_index_remove_bypath(index, relative), "\(operation): removing '\(relative)'")
                continue
            }
            // The blob first, then its entry (an in-memory index cannot write blobs itself).
            var blobId = git_oid()
            try gitCheck(bytes.withUnsafeBytes { git_blob_create_from_buffer(&blobId, pointer, $0.baseAddress, $0.count) },
                         "\(operation): writing '\(relative)'")
            var entry = git_index_entry()
            entry.mode = GIT_FILEMODE_BLOB.rawValue
            entry.id = blobId
            entry.file_size = UInt32(truncatingIfNeeded: bytes.count)
            let code = relative.withCString { cPath -> Int32 in
                entry.path = cPath
                return git_index_add(index, &entry)
            }
            try gitCheck(code, "\(operation): adding '\(relative)'")
        }
        var treeId = git_oid()
        try gitCheck(git_index_write_tree_to(&treeId, index, pointer), operation)
        var tree: OpaquePointer?
        try gitCheck(git_tree_lookup(&tree, pointer, &treeId), operation)
        defer { git_tree_free(tree) }
        var signature: UnsafeMutablePointer<git_signature>?
        try gitCheck(git_signature_now(&signature, author.name, author.email), "\(operation): the author '\(author.name) <\(author.email)>'")
        defer { git_signature_free(signature) }
        var commitId = git_oid()
        var parents: [OpaquePointer?] = parentCommit.map { [$0.pointer] } ?? []
        let code = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitId, pointer, nil, signature, signature, "UTF-8", message, tree, buffer.count, buffer.baseAddress)
        }
        try gitCheck(code, operation)
        return withExtendedLifetime(parentCommit) { gitOidString(&commitId) }
    }

    /// Points the reference `name` (`refs/heads/main`) at commit `id`, only if it still points at
    /// `expected` (nil: it must not exist yet). A reference that moved meanwhile is an error with
    /// code `GIT_EMODIFIED` (see ``GitError/isModified``): someone else wrote first.
    public func updateReference(_ name: String, to id: String, expected: String?, message: String) throws(GitError) {
        let operation = "moving '\(name)' to \(id.prefix(12))"
        var newId = try commitOid(id, operation: operation)
        var reference: OpaquePointer?
        let code: Int32
        if let expected {
            var old = try commitOid(expected, operation: operation)
            code = git_reference_create_matching(&reference, pointer, name, &newId, 1, &old, message)
        } else {
            code = git_reference_create(&reference, pointer, name, &newId, 0, message)
        }
        if let reference { git_reference_free(reference) }
        if code == GIT_EEXISTS.rawValue || code == GIT_EMODIFIED.rawValue {
            throw GitError(code: GIT_EMODIFIED.rawValue, klass: Int32(GIT_ERROR_REFERENCE.rawValue),
                           message: "'\(name)' moved while the change was made", operation: operation)
        }
        try gitCheck(code, operation)
    }

    /// The branch HEAD points at (`main` for `refs/heads/main`), nil when HEAD is detached.
    public var headBranch: String? {
        var reference: OpaquePointer?
        guard git_reference_lookup(&reference, pointer, "HEAD") == 0, let reference else { return nil }
        defer { git_reference_free(reference) }
        guard git_reference_type(reference) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(reference) else { return nil }
        let name = String(cString: target)
        return name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : nil
    }

    /// Pushes local references to `url` (`refs/heads/x:refs/heads/main`; no `+`: a remote branch
    /// that moved is refused with `GIT_ENONFASTFORWARD`, see ``GitError/isNotFastForward``).
    /// Authenticates as fetches do (ssh agent, default keys); `https` remotes get no credentials.
    public func push(url: String, refspecs: [String]) throws(GitError) {
        let remoteURL = GitMirror.normalizedURL(url)
        let operation = "pushing \(refspecs.joined(separator: ", ")) to '\(remoteURL)'"
        try GitMirror.checkLocalSource(remoteURL, operation: operation)
        var remote: OpaquePointer?
        try gitCheck(git_remote_create_anonymous(&remote, pointer, remoteURL), operation)
        guard let remote else { return }
        defer { git_remote_free(remote) }
        let credentials = GitCredentialState()
        let status = PushStatus()
        var options = git_push_options()
        try gitCheck(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), operation)
        options.callbacks.credentials = { out, url, username, allowed, payload in
            guard let payload else { return GIT_PASSTHROUGH.rawValue }
            let box = Unmanaged<PushStatus>.fromOpaque(payload).takeUnretainedValue()
            return GitCredentialState.acquire(out, url: url, username: username, allowed: allowed,
                                              payload: Unmanaged.passUnretained(box.credentials).toOpaque())
        }
        options.callbacks.push_update_reference = { refname, message, payload in
            guard let payload, let message else { return 0 }
            let box = Unmanaged<PushStatus>.fromOpaque(payload).takeUnretainedValue()
            box.rejected.append("\(refname.map { String(cString: $0) } ?? "?"): \(String(cString: message))")
            return 0
        }
        status.credentials = credentials
        options.callbacks.payload = Unmanaged.passUnretained(status).toOpaque()
        try withExtendedLifetime(status) { () throws(GitError) in
            try GitMirror.withRefspecs(refspecs) { (array: inout git_strarray) throws(GitError) in
                let code = git_remote_push(remote, &array, &options)
                if code == GIT_ENONFASTFORWARD.rawValue {
                    throw GitError(code: code, klass: Int32(GIT_ERROR_REFERENCE.rawValue),
                                   message: "the remote branch moved (not a fast-forward)", operation: operation)
                }
                try gitCheck(code, operation)
            }
            if let first = status.rejected.first {
                throw GitError(code: GIT_ENONFASTFORWARD.rawValue, klass: Int32(GIT_ERROR_REFERENCE.rawValue),
                               message: "the remote refused \(first)", operation: operation)
            }
        }
    }
}

/// What one push's callbacks learned (passed to libgit2 as the payload).
final class PushStatus {
    var credentials = GitCredentialState()
    var rejected: [String] = []
}

extension GitError {
    /// A reference moved while it was being updated (compare-and-swap failed).
    public var isModified: Bool { code == GIT_EMODIFIED.rawValue }
    /// A push was refused because the remote branch moved.
    public var isNotFastForward: Bool { code == GIT_ENONFASTFORWARD.rawValue }
}

extension GitRepository {
    /// Points the reference `name` at commit `id`, whatever it pointed at before (a ref only this
    /// process uses, such as the console's outgoing commit).
    public func forceReference(_ name: String, to id: String, message: String) throws(GitError) {
        let operation = "moving '\(name)' to \(id.prefix(12))"
        var newId = try commitOid(id, operation: operation)
        var reference: OpaquePointer?
        try gitCheck(git_reference_create(&reference, pointer, name, &newId, 1, message), operation)
        if let reference { git_reference_free(reference) }
    }
}
