import CGit2
import FoundationEssentials
import Glibc

/// A bare mirror of a remote under a local directory, for a daemon that follows a branch.
///
/// Each call opens its own repository handle, so `fetch` may be called from any thread;
/// concurrent fetches into the same directory are serialised by libgit2's ref locks (one may fail
/// with a locking error and should be retried).
public enum GitMirror {
    /// Creates (bare `git_repository_init` plus a remote "origin") or opens the bare mirror at
    /// `localPath`, fetches `branch` from `url` and returns the fetched commit of
    /// `refs/remotes/origin/<branch>`.
    ///
    /// - Parameters:
    ///   - url: `file://...`, a plain path (made absolute), `https://...` (no credentials are sent),
    ///     or `ssh://...` / `user@host:path` (authenticates with the ssh agent, then the default
    ///     keys `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`). If origin's URL differs, it is updated.
    ///   - branch: the branch name on the remote, e.g. "main".
    ///   - localPath: the mirror directory; created when missing or empty.
    /// - Throws: `GitError` when the remote cannot be reached, the branch does not exist there,
    ///   or `localPath` exists but is not a git repository. libgit2 1.5 has no connect-timeout
    ///   option, so an unreachable host fails after the operating system's connect timeout.
    public static func fetch(url: String, branch: String, into localPath: String) throws(GitError) -> GitCommitInfo {
        try GitRuntime.ensureInitialized()
        let operation = "fetching branch '\(branch)' from '\(url)' into '\(localPath)'"
        let remoteRef = "refs/heads/\(branch)"
        let trackingRef = "refs/remotes/origin/\(branch)"
        try validateBranch(branch, ref: remoteRef, operation: operation)

        let remoteURL = normalizedURL(url)
        try checkLocalSource(remoteURL, operation: operation)
        let repository = try openOrCreate(localPath, operation: operation)
        let remote = try origin(in: repository, url: remoteURL, operation: operation)

        let credentials = GitCredentialState()
        var options = git_fetch_options()
        try gitCheck(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), operation)
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        options.update_fetchhead = 0
        options.callbacks.credentials = { out, url, username, allowed, payload in
            GitCredentialState.acquire(out, url: url, username: username, allowed: allowed, payload: payload)
        }
        options.callbacks.payload = Unmanaged.passUnretained(credentials).toOpaque()

        return try withExtendedLifetime(credentials) { () throws(GitError) -> GitCommitInfo in
            try gitCheck(
                git_remote_connect(remote.pointer, GIT_DIRECTION_FETCH, &options.callbacks, &options.proxy_opts, nil),
                operation)
            defer { git_remote_disconnect(remote.pointer) }
            guard var advertised = try advertisedOid(of: remoteRef, remote: remote.pointer, operation: operation) else {
                throw GitError(
                    code: GIT_ENOTFOUND.rawValue, klass: Int32(GIT_ERROR_REFERENCE.rawValue),
                    message: "branch '\(branch)' does not exist in \(url)", operation: operation)
            }
            try withRefspecs(["+\(remoteRef):\(trackingRef)"]) { (refspecs: inout git_strarray) throws(GitError) in
                try gitCheck(git_remote_download(remote.pointer, &refspecs, &options), operation)
            }
            try gitCheck(
                git_remote_update_tips(
                    remote.pointer, &options.callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE, "fleet: fetch \(branch)"),
                operation)

            var local = git_oid()
            try gitCheck(git_reference_name_to_id(&local, repository.pointer, trackingRef), operation)
            if git_oid_equal(&local, &advertised) == 0 {
                throw GitError(
                    code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_REFERENCE.rawValue),
                    message: "\(trackingRef) was not updated to the advertised \(gitOidString(&advertised))",
                    operation: operation)
            }
            var commit: OpaquePointer?
            try gitCheck(git_commit_lookup(&commit, repository.pointer, &local), operation)
            guard let commit else {
                throw GitError(
                    code: GIT_ENOTFOUND.rawValue, klass: Int32(GIT_ERROR_OBJECT.rawValue),
                    message: "commit \(gitOidString(&local)) missing after fetch", operation: operation)
            }
            defer { git_commit_free(commit) }
            return GitCommitInfo(commit: commit)
        }
    }
}

extension GitMirror {
    /// Rejects branch names that are not valid ref names (e.g. "a..b", "-x", "").
    static func validateBranch(_ branch: String, ref: String, operation: String) throws(GitError) {
        var valid: Int32 = 0
        try gitCheck(git_reference_name_is_valid(&valid, ref), operation)
        if valid == 0 || branch.isEmpty {
            throw GitError(
                code: GIT_EINVALIDSPEC.rawValue, klass: Int32(GIT_ERROR_REFERENCE.rawValue),
                message: "'\(branch)' is not a valid branch name", operation: operation)
        }
    }

    /// Opens the bare repository at `path`, or initialises one when `path` is missing or empty.
    static func openOrCreate(_ path: String, operation: String) throws(GitError) -> GitRepository {
        var repo: OpaquePointer?
        let code = git_repository_open_bare(&repo, path)
        if code == GIT_ENOTFOUND.rawValue {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            guard contents.isEmpty else {
                throw GitError(
                    code: GIT_EEXISTS.rawValue, klass: Int32(GIT_ERROR_REPOSITORY.rawValue),
                    message: "'\(path)' exists and is not a git repository; refusing to create a mirror there",
                    operation: operation)
            }
            try gitCheck(git_repository_init(&repo, path, 1), operation)
        } else {
            try gitCheck(code, operation)
        }
        guard let repo else {
            throw GitError(
                code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_REPOSITORY.rawValue),
                message: "libgit2 returned no repository", operation: operation)
        }
        return GitRepository(owning: repo, path: path)
    }

    /// The remote "origin" of `repository`, created or re-pointed so that its URL is `url`.
    static func origin(in repository: GitRepository, url: String, operation: String) throws(GitError) -> GitHandle {
        var remote: OpaquePointer?
        let code = git_remote_lookup(&remote, repository.pointer, "origin")
        if code == GIT_ENOTFOUND.rawValue {
            try gitCheck(
                git_remote_create_with_fetchspec(
                    &remote, repository.pointer, "origin", url, "+refs/heads/*:refs/remotes/origin/*"),
                operation)
        } else {
            try gitCheck(code, operation)
            if let current = remote, git_remote_url(current).map({ String(cString: $0) }) != url {
                git_remote_free(current)
                remote = nil
                try gitCheck(git_remote_set_url(repository.pointer, "origin", url), operation)
                try gitCheck(git_remote_lookup(&remote, repository.pointer, "origin"), operation)
            }
        }
        guard let remote else {
            throw GitError(
                code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_NET.rawValue),
                message: "libgit2 returned no remote", operation: operation)
        }
        return GitHandle(remote) { git_remote_free($0) }
    }

    /// The object id the connected remote advertises for `ref`, nil when it has no such ref.
    static func advertisedOid(of ref: String, remote: OpaquePointer, operation: String) throws(GitError) -> git_oid? {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try gitCheck(git_remote_ls(&heads, &count, remote), operation)
        guard let heads else { return nil }
        for index in 0..<count {
            guard let head = heads[index], let name = head.pointee.name else { continue }
            if String(cString: name) == ref { return head.pointee.oid }
        }
        return nil
    }

    /// Calls `body` with a `git_strarray` holding copies of `strings`.
    static func withRefspecs(
        _ strings: [String], _ body: (inout git_strarray) throws(GitError) -> Void
    ) throws(GitError) {
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count)
        for (index, string) in strings.enumerated() { (pointers + index).initialize(to: strdup(string)) }
        defer {
            for index in 0..<strings.count { free(pointers[index]) }
            pointers.deallocate()
        }
        var array = git_strarray(strings: pointers, count: strings.count)
        try body(&array)
    }

    /// For a local source (a plain path or `file://` URL), throws a clear error when it does not
    /// exist (libgit2 would only say "unsupported URL protocol").
    static func checkLocalSource(_ url: String, operation: String) throws(GitError) {
        let localPath: String
        if url.hasPrefix("file://") {
            localPath = URL(string: url)?.path ?? String(url.dropFirst("file://".count))
        } else if url.hasPrefix("/") {
            localPath = url
        } else {
            return
        }
        if !FileManager.default.fileExists(atPath: localPath) {
            throw GitError(
                code: GIT_ENOTFOUND.rawValue, klass: Int32(GIT_ERROR_NET.rawValue),
                message: "source repository '\(localPath)' does not exist", operation: operation)
        }
    }

    /// Plain paths become absolute standardised paths; URLs and scp-like `user@host:path` stay as they are.
    static func normalizedURL(_ url: String) -> String {
        if url.contains("://") { return url }
        if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") { return url }
        return URL(fileURLWithPath: url).standardizedFileURL.path
    }
}
