import FleetCore
import FoundationEssentials

/// Everything the console needs to start: where to listen, the state root, where the manifests
/// are, how users are authenticated.
public struct ConsoleConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port (0: any free port).
    public var port: Int
    /// The state root.
    public var root: String
    /// The repository, ref and path used when no daemon has recorded its source.
    public var source: ManifestSource
    /// Key files for the encrypted credentials.
    public var keyFiles: [String]
    /// A header a loopback reverse proxy sets to the logged-in user, instead of passwords.
    public var authHeader: String?
    /// Between full refreshes (channels, sessions, figures).
    public var refreshInterval: Duration
    /// Between looks at state.json and the processes.
    public var pollInterval: Duration
    /// Gateways asked at once during a refresh.
    public var gatewayConcurrency: Int
    /// How long a login session lasts without use.
    public var sessionIdleTimeout: Duration
    /// Failed logins allowed per user name and per client address within `loginWindow`.
    public var loginAttempts: Int
    /// The window of `loginAttempts`.
    public var loginWindow: Duration
    /// Where changes made in the browser are committed.
    public var commitTo: CommitTarget = .main
    /// Whether to ask a running daemon to reconcile right after a commit to its branch.
    public var reconcileAfterCommit = true
    /// Where Test connection asks Telegram, Discord and Slack (`FLEET_*_API` override them).
    public var checkEndpoints: ProviderEndpoints = .from()

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8790, root: String, source: ManifestSource,
                keyFiles: [String] = [], authHeader: String? = nil, refreshInterval: Duration = .seconds(10),
                pollInterval: Duration = .milliseconds(250), gatewayConcurrency: Int = 4,
                sessionIdleTimeout: Duration = .seconds(12 * 3600), loginAttempts: Int = 5, loginWindow: Duration = .seconds(60)) {
        self.host = host
        self.port = port
        self.root = root
        self.source = source
        self.keyFiles = keyFiles
        self.authHeader = authHeader
        self.refreshInterval = refreshInterval
        self.pollInterval = pollInterval
        self.gatewayConcurrency = gatewayConcurrency
        self.sessionIdleTimeout = sessionIdleTimeout
        self.loginAttempts = loginAttempts
        self.loginWindow = loginWindow
    }

    /// Where the console's commits go (`fleet serve --commit-to`).
    public enum CommitTarget: String, Sendable, CaseIterable {
        /// The branch the daemon follows: a change is live at the daemon's next round.
        case main
        /// A new branch `fleet/USER/WHAT` per change, pushed for a pull request.
        case branch
    }

    /// Whether the listen address is loopback only (cookies need not be `Secure` then).
    public var isLoopback: Bool { Self.isLoopback(host) }

    /// `127.x.x.x`, `::1` or `localhost`.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
