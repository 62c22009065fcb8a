import FoundationEssentials
import Glibc

/// The settings of this host: what the Fleet manifest says, overridden by the environment
/// (`OPENCLAW_BASE_PATH`, `OPENCLAW_BASE_PORT`, `OPENCLAW_MAX_BOTS`) and by flags.
public struct HostSettings: Sendable {
    /// The state root.
    public var stateRoot: String
    /// The first port.
    public var basePort: Int
    /// The most bots.
    public var maxBots: Int

    /// Resolves the settings: flag, then environment, then the Fleet manifest, then the default
    /// (`/var/openclaw` for root, `$XDG_STATE_HOME/fleet` or `~/.local/state/fleet` otherwise).
    public init(fleet: FleetSettings, stateRootFlag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let flag = stateRootFlag {
            stateRoot = flag
        } else if let env = environment["OPENCLAW_BASE_PATH"], !env.isEmpty {
            stateRoot = env
        } else if let fromGit = fleet.stateRoot {
            stateRoot = fromGit
        } else {
            stateRoot = Self.defaultStateRoot(environment: environment)
        }
        stateRoot = URL(fileURLWithPath: stateRoot).standardizedFileURL.path
        basePort = environment["OPENCLAW_BASE_PORT"].flatMap(Int.init) ?? fleet.basePort
        maxBots = environment["OPENCLAW_MAX_BOTS"].flatMap(Int.init) ?? fleet.maxBots
    }

    /// The default state root for this user.
    public static func defaultStateRoot(environment: [String: String]) -> String {
        if getuid() == 0 { return "/var/openclaw" }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/fleet" }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + "/.local/state/fleet"
    }
}
