/// Where one bot's files live under the state root (`<root>/bots/<name>/...`).
public struct BotPaths: Sendable, Hashable {
    /// The state root.
    public var root: String
    /// The bot's name.
    public var name: String

    /// Creates the paths of `name` under `root`.
    public init(root: String, name: String) {
        self.root = root
        self.name = name
    }

    /// `<root>/bots/<name>`.
    public var directory: String { "\(root)/bots/\(name)" }
    /// The rendered OpenClaw config.
    public var config: String { "\(directory)/config.json5" }
    /// One file per secret value (0600, directory 0700).
    public var secrets: String { "\(directory)/secrets" }
    /// The gateway's `OPENCLAW_STATE_DIR`.
    public var state: String { "\(directory)/state" }
    /// The agent workspace (bootstrap files, avatar).
    public var workspace: String { "\(directory)/workspace" }
    /// Logs: OpenClaw's JSON log and the process's stdout/stderr.
    public var logs: String { "\(directory)/logs" }
    /// OpenClaw's JSON log file (`logging.file`).
    public var logFile: String { "\(logs)/openclaw.log" }
    /// The gateway's stdout and stderr.
    public var consoleLog: String { "\(logs)/gateway.out" }
    /// The pid record.
    public var pidRecord: String { "\(directory)/gateway.pid" }
    /// The gateway auth token (0600), generated once.
    public var gatewayToken: String { "\(secrets)/gateway-token" }
}
