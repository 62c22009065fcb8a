import CGit2

/// Owns one libgit2 object pointer (`git_commit *`, `git_tree *`, ...) and frees it in `deinit`.
///
/// Used where a pointer outlives the function that created it; short-lived pointers inside a
/// single function are freed with `defer` instead.
final class GitHandle {
    /// The owned pointer.
    let pointer: OpaquePointer
    private let release: (OpaquePointer) -> Void

    /// Takes ownership of `pointer`; `release` is called exactly once, from `deinit`.
    init(_ pointer: OpaquePointer, release: @escaping (OpaquePointer) -> Void) {
        self.pointer = pointer
        self.release = release
    }

    deinit { release(pointer) }
}
