/// OpenClaw's hot-reload rules for `gateway.reload.mode: hybrid` (the default): which config
/// changes the gateway applies live and which need a process restart.
///
/// Applied live: `channels`, `agents`, `models`, `bindings`, `session`, `messages`, `tools`,
/// `skills`, `hooks`, `cron`, `logging`, `plugins`, the paths OpenClaw reads live or ignores
/// (`meta`, `identity`, `wizard`, `gateway.remote`, `gateway.reload`), the channel health
/// monitor settings (`gateway.channelHealthCheckMinutes`, `gateway.channelStaleEventThresholdMinutes`,
/// `gateway.channelMaxRestartsPerHour`), and `gateway.auth.token` / `gateway.auth.password` when
/// `gateway.auth.mode` is unchanged. Everything else (other `gateway.*`, `discovery`, `browser`,
/// any path matching no rule) needs a restart.
public enum ReloadRules {
    /// Top-level keys whose changes are applied live.
    static let hotRoots: Set<String> = [
        "channels", "agents", "models", "bindings", "session", "messages", "tools", "skills",
        "hooks", "cron", "logging", "plugins", "meta", "identity", "wizard",
    ]

    /// `gateway.*` prefixes that are applied live (or need no action at all).
    static let hotGatewayPrefixes: [[String]] = [
        ["gateway", "remote"],
        ["gateway", "reload"],
        ["gateway", "channelHealthCheckMinutes"],
        ["gateway", "channelStaleEventThresholdMinutes"],
        ["gateway", "channelMaxRestartsPerHour"],
    ]

    /// Secrets that can rotate live as long as the auth mode stays the same.
    static let rotatableSecrets: [[String]] = [
        ["gateway", "auth", "token"],
        ["gateway", "auth", "password"],
    ]

    /// Classifies the change from `old` to `new`.
    ///
    /// - Returns: the most disruptive class among the changed paths, and the paths that decided
    ///   it (the restart paths for `.restart`, the hot paths for `.reload`, none for `.none`).
    public static func classify(old: JSONValue, new: JSONValue) -> (ReloadClass, decidingPaths: [String]) {
        let changed = changedPathSegments(old: old, new: new)
        let authModeUnchanged = old["gateway"]?["auth"]?["mode"] == new["gateway"]?["auth"]?["mode"]
        var hot: [String] = []
        var restart: [String] = []
        for path in changed {
            let dotted = path.joined(separator: ".")
            if isHot(path, authModeUnchanged: authModeUnchanged) {
                hot.append(dotted)
            } else {
                restart.append(dotted)
            }
        }
        if !restart.isEmpty { return (.restart, restart) }
        if !hot.isEmpty { return (.reload, hot) }
        return (.none, [])
    }

    /// The class of one changed path (segments), as ``classify(old:new:)`` decides it.
    public static func classify(path: [String], authModeUnchanged: Bool = true) -> ReloadClass {
        isHot(path, authModeUnchanged: authModeUnchanged) ? .reload : .restart
    }

    static func isHot(_ path: [String], authModeUnchanged: Bool) -> Bool {
        guard let root = path.first else { return false }
        if hotRoots.contains(root) { return true }
        if hotGatewayPrefixes.contains(where: { path.starts(with: $0) }) { return true }
        if authModeUnchanged, rotatableSecrets.contains(where: { path.starts(with: $0) }) { return true }
        return false
    }

    /// The dotted paths that differ between `old` and `new`, sorted.
    ///
    /// Objects are compared key by key down to the leaves; arrays, and values whose type
    /// changed or that exist on one side only, are reported at their own path (as OpenClaw's
    /// `diffConfigPaths` does). Array elements are not split by index.
    public static func changedPaths(old: JSONValue, new: JSONValue) -> [String] {
        changedPathSegments(old: old, new: new).map { $0.joined(separator: ".") }
    }

    static func changedPathSegments(old: JSONValue, new: JSONValue) -> [[String]] {
        var out: [[String]] = []
        diff(old, new, path: [], into: &out)
        return out
    }

    private static func diff(_ old: JSONValue?, _ new: JSONValue?, path: [String], into out: inout [[String]]) {
        if old == new { return }
        if case .object(let a)? = old, case .object(let b)? = new {
            let keys = Set(a.keys).union(b.keys)
            let sorted = keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for key in sorted {
                diff(a[key], b[key], path: path + [key], into: &out)
            }
            return
        }
        out.append(path.isEmpty ? ["<root>"] : path)
    }
}
