import OpenClawConfig

/// What fleet last applied for a bot: enough to classify the next change without secrets.
public struct AppliedRecord: Sendable, Hashable, Codable {
    /// SHA-256 of the config body.
    public var configHash: String
    /// SHA-256 over the workspace files.
    public var workspaceHash: String
    /// Keyed fingerprints of the secret values, by field.
    public var secretFingerprints: [String: String]
    /// How the gateway was launched.
    public var launch: GatewayLaunch

    /// Creates a record.
    public init(configHash: String, workspaceHash: String, secretFingerprints: [String: String], launch: GatewayLaunch) {
        self.configHash = configHash
        self.workspaceHash = workspaceHash
        self.secretFingerprints = secretFingerprints
        self.launch = launch
    }

    /// The record of a rendering.
    public init(_ rendered: RenderedBot) {
        self.init(configHash: rendered.configHash, workspaceHash: rendered.workspaceHash,
                  secretFingerprints: rendered.secretFingerprints, launch: rendered.launch)
    }
}

/// The verdict on a change between two renderings of one bot.
public struct ChangeVerdict: Sendable, Hashable {
    /// none, reload (hot-applied, process kept) or restart.
    public var kind: ReloadClass
    /// Why, in words: "port 18809 -> 18829", "model changed".
    public var reasons: [String]
    /// The config paths that decided it.
    public var paths: [String]
}

/// Compares what was applied with a new rendering, following OpenClaw's hot-reload rules.
public enum ChangeClassifier {
    /// Classifies the change from (`oldConfig`, `old`) to `new`.
    public static func classify(oldConfig: JSONValue?, old: AppliedRecord, new: RenderedBot) -> ChangeVerdict {
        var kind = ReloadClass.none
        var reasons: [String] = []
        var paths: [String] = []
        let launch = new.launch
        if old.launch.port != launch.port {
            kind = .restart
            reasons.append("port \(old.launch.port) -> \(launch.port)")
        }
        if old.launch.bind != launch.bind {
            kind = .restart
            reasons.append("bind \(old.launch.bind) -> \(launch.bind)")
        }
        if old.launch.arguments.prefix(while: { !$0.hasPrefix("--") }) != launch.arguments.prefix(while: { !$0.hasPrefix("--") }) {
            kind = .restart
            reasons.append("gateway command changed")
        } else if old.launch.arguments != launch.arguments && old.launch.port == launch.port && old.launch.bind == launch.bind {
            kind = .restart
            reasons.append("gateway arguments changed")
        }
        // A new OpenClaw release is a new gateway binary: only a restart runs it. A record from
        // before fleet knew releases (nil) says nothing.
        if let before = old.launch.release, let after = launch.release, before != after {
            kind = .restart
            reasons.append("OpenClaw \(before) -> \(after) (the gateway binary changed)")
        }
        if old.launch.environment != launch.environment {
            kind = .restart
            let keys = Set(old.launch.environment.keys).union(launch.environment.keys)
                .filter { old.launch.environment[$0] != launch.environment[$0] }.sorted()
            reasons.append("environment changed (\(keys.joined(separator: ", ")))")
        }
        let secretFields = Set(old.secretFingerprints.keys).union(new.secretFingerprints.keys)
            .filter { old.secretFingerprints[$0] != new.secretFingerprints[$0] }.sorted()
        if !secretFields.isEmpty {
            kind = .restart
            reasons.append("credentials changed (\(secretFields.joined(separator: ", ")))")
        }
        if old.configHash != new.configHash {
            if let oldConfig {
                let (configKind, _) = ReloadRules.classify(old: oldConfig, new: new.config)
                kind = max(kind, configKind)
                let authModeUnchanged = oldConfig["gateway"]?["auth"]?["mode"] == new.config["gateway"]?["auth"]?["mode"]
                let fine = finePaths(oldConfig, new.config)
                paths = fine.filter {
                    ReloadRules.classify(path: $0.split(separator: ".").map(String.init), authModeUnchanged: authModeUnchanged) == configKind
                }
                reasons += describe(paths)
            } else {
                kind = .restart
                reasons.append("config.json5 unreadable on disk")
            }
        }
        if old.workspaceHash != new.workspaceHash {
            kind = max(kind, .reload)
            reasons.append("workspace changed (systemPrompt or avatar)")
        }
        return ChangeVerdict(kind: kind, reasons: reasons, paths: paths)
    }

    /// The changed leaf paths, descending into arrays of equal length (`agents.list.0.model`).
    static func finePaths(_ old: JSONValue?, _ new: JSONValue?, path: [String] = []) -> [String] {
        if old == new { return [] }
        switch (old, new) {
        case (.object(let a)?, .object(let b)?):
            return Set(a.keys).union(b.keys).sorted().flatMap { finePaths(a[$0], b[$0], path: path + [$0]) }
        case (.array(let a)?, .array(let b)?) where a.count == b.count:
            return a.indices.flatMap { finePaths(a[$0], b[$0], path: path + [String($0)]) }
        default:
            return [path.joined(separator: ".")]
        }
    }

    /// Words for changed config paths: well-known ones by name, others by path.
    static func describe(_ paths: [String]) -> [String] {
        var out: [String] = []
        for path in paths {
            let text: String
            if path.hasPrefix("agents.") && path.hasSuffix(".model") || path.contains(".model.") {
                text = "model changed"
            } else if path.hasPrefix("channels.") {
                let parts = path.split(separator: ".")
                text = parts.count >= 2 ? "\(parts[1]) channel changed (\(path))" : "\(path) changed"
            } else if path.hasPrefix("bindings") {
                text = "bindings changed"
            } else {
                text = "\(path) changed"
            }
            if !out.contains(text) { out.append(text) }
        }
        return out
    }
}
