import FleetGit

extension FleetSession {
    /// For a command about to read manifests from git: starts libgit2's initialisation (a few
    /// milliseconds of CA certificates) in the background while the command line is parsed.
    public static func startReadingSoon() {
        GitLibrary.startInitializing()
    }
}
