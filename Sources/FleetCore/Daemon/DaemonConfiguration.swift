/// How a daemon runs: its source, its timers, and its safety settings.
public struct DaemonConfiguration: Sendable {
    /// A local repository path, or a remote URL (`file://`, `https://`, `ssh://`).
    public var location: String
    /// The branch (remote) or ref (local) followed.
    public var ref: String
    /// The manifest directory inside the repository.
    public var path: String
    /// The state root from the command line, if given.
    public var stateRootFlag: String?
    /// Key files for the secrets.
    public var keyFiles: [String] = []
    /// The interval between reconciles (nil: the Fleet manifest's `reconcileInterval`).
    public var interval: Duration?
    /// ± this fraction of random jitter on every interval.
    public var jitter: Double = 0.1
    /// Stop the gateways when the daemon stops (by default they keep running).
    public var stopGatewaysOnExit = false
    /// Apply only signed commits (also turned on by the Fleet's `requireSignedCommits`).
    public var requireSignedCommits = false
    /// The allowed-signers file for SSH signatures.
    public var allowedSigners: String?
    /// A GnuPG home holding the allowed keys for GPG signatures.
    public var gnupgHome: String?
    /// `host:port` of the Prometheus endpoint.
    public var metricsListen: String?
    /// Restart backoff and budget.
    public var policy = RestartPolicy()
    /// The most gateways started at once (nil: the Fleet's `maxConcurrentStarts`, within it the host decides).
    public var parallelism: Int?
    /// Narrows the manifests to this host's bots (a label selector; another host runs the rest).
    public var selectBots: @Sendable (ManifestSet) -> ManifestSet = { $0 }

    /// Creates a configuration.
    public init(location: String, ref: String, path: String, stateRootFlag: String?) {
        self.location = location
        self.ref = ref
        self.path = path
        self.stateRootFlag = stateRootFlag
    }
}
