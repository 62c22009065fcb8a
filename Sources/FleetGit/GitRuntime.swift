import CGit2

/// Process-wide libgit2 initialisation, performed exactly once, lazily.
enum GitRuntime {
    /// The result of the single `git_libgit2_init()` call (Swift initialises static lets once, thread-safely).
    private static let initResult: Int32 = git_libgit2_init()

    /// Makes sure libgit2 is initialised; call before any other libgit2 function.
    @inline(__always)
    static func ensureInitialized() throws(GitError) {
        if initResult < 0 {
            throw GitError.fromLast(code: initResult, operation: "initialising libgit2")
        }
    }
}
