/// The paths a rendered config refers to: on this host (under the state root) or inside a
/// Kubernetes container (fixed mount points).
public struct RenderLayout: Sendable, Hashable {
    /// The config file (`OPENCLAW_CONFIG_PATH`).
    public var config: String
    /// The directory of secret files.
    public var secrets: String
    /// `OPENCLAW_STATE_DIR`.
    public var state: String
    /// The agent workspace.
    public var workspace: String
    /// OpenClaw's JSON log (`logging.file`).
    public var logFile: String

    /// The host layout of `paths` (`<root>/bots/<name>/...`).
    public init(host paths: BotPaths) {
        config = paths.config
        secrets = paths.secrets
        state = paths.state
        workspace = paths.workspace
        logFile = paths.logFile
    }

    /// Explicit paths.
    public init(config: String, secrets: String, state: String, workspace: String, logFile: String) {
        self.config = config
        self.secrets = secrets
        self.state = state
        self.workspace = workspace
        self.logFile = logFile
    }

    /// Inside a pod: the config (ConfigMap) at `/etc/openclaw/config.json5`, the secrets
    /// (Secret) in `/etc/openclaw/secrets/`, the state (persistent volume) at
    /// `/var/lib/openclaw`, with the workspace and the log on it.
    public static let container = RenderLayout(
        config: "/etc/openclaw/config.json5", secrets: "/etc/openclaw/secrets", state: "/var/lib/openclaw",
        workspace: "/var/lib/openclaw/workspace", logFile: "/var/lib/openclaw/logs/openclaw.log")
}

/// Where a rendering is meant to run.
public enum RenderTarget: Sendable, Hashable {
    /// A gateway process on this host, with files under the state root.
    case host
    /// A container: ``RenderLayout/container`` paths, and the gateway bound to the pod's
    /// network (`bind: lan`), since the Service, not loopback, reaches it.
    case container
}
