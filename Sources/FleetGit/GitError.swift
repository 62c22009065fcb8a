import CGit2

/// An error reported by libgit2 (or by FleetGit itself) while performing a git operation.
///
/// Every failing libgit2 call is turned into a `GitError` that records the libgit2 error
/// code and class, a human-readable message, and what FleetGit was doing at the time.
public struct GitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The libgit2 error code (a `git_error_code`, e.g. `GIT_ENOTFOUND` = -3).
    public var code: Int32
    /// The libgit2 error class (a `git_error_t`, e.g. `GIT_ERROR_REFERENCE`), 0 when unknown.
    public var klass: Int32
    /// What went wrong, in words. Usually the text of `git_error_last()`; for common cases
    /// (an unknown ref, a missing path) a clearer sentence written by FleetGit.
    public var message: String
    /// What FleetGit was doing, e.g. "resolving ref 'v2'".
    public var operation: String

    /// Creates an error from its parts.
    public init(code: Int32, klass: Int32, message: String, operation: String) {
        self.code = code
        self.klass = klass
        self.message = message
        self.operation = operation
    }

    /// `"<operation>: <message>"`.
    public var description: String { "\(operation): \(message)" }

    /// Whether libgit2 reported that something (a ref, an object, a path, a repository) was not found.
    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
}

extension GitError {
    /// Builds an error from a failing libgit2 return code and `git_error_last()`.
    static func fromLast(code: Int32, operation: String) -> GitError {
        var klass: Int32 = 0
        var message = "libgit2 error \(code)"
        if let last = git_error_last() {
            klass = last.pointee.klass
            if let text = last.pointee.message {
                let decoded = String(cString: text)
                if !decoded.isEmpty { message = decoded }
            }
        }
        return GitError(code: code, klass: klass, message: message, operation: operation)
    }
}

/// Throws a `GitError` built from `git_error_last()` when a libgit2 call returned a negative code.
/// The operation text is only built on failure.
@inline(__always)
func gitCheck(_ code: Int32, _ operation: @autoclosure () -> String) throws(GitError) {
    if code < 0 {
        throw GitError.fromLast(code: code, operation: operation())
    }
}
