import CFleetSystem
#if canImport(Glibc)
import Glibc
#endif

/// The `posix_spawn` attributes of every child fleet starts: an empty signal mask and default
/// handlers for the signals fleet itself handles or ignores, so the child starts clean.
enum SpawnAttributes {
    /// glibc's `POSIX_SPAWN_SETSID`.
    static let setsidFlag: Int32 = fleet_spawn_setsid_flag()

    /// Runs `body` with the attributes; `newSession` also puts the child in its own session (a
    /// gateway that must outlive fleet and its terminal).
    static func with<T>(newSession: Bool, _ body: (inout posix_spawnattr_t) -> T) -> T {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16((newSession ? setsidFlag : 0) | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return body(&attr)
    }
}
