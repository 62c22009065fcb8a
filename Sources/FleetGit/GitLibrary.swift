import Dispatch

/// libgit2 as a whole, for callers outside FleetGit.
public enum GitLibrary {
    /// Starts libgit2's one-time initialisation on another thread and returns at once. It takes a
    /// few milliseconds (the TLS backend parses the system's CA certificates); a command that is
    /// about to read a repository calls this first thing, so the work overlaps its argument
    /// parsing and key loading. The first libgit2 call waits for it to finish (a Swift static
    /// initialiser runs once, and others wait for it).
    public static func startInitializing() {
        DispatchQueue.global().async { _ = try? GitRuntime.ensureInitialized() }
    }
}
