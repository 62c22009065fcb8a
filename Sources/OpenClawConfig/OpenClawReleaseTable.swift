/// Every rule about OpenClaw that depends on the release, in one table shared by fleet (what it
/// renders and how it launches) and by the stand-in (how each release persona behaves).
///
/// A row says: from release `since` on (until the next row of the same topic), `topic` has
/// `value`, and names the OpenClaw source that shows it. A release is looked up by taking, per
/// topic, the last row whose `since` is not after it; so a release newer than the table gets
/// the newest rows, and every topic has a row at ``OpenClawReleaseTable/oldestSupported``.
///
/// A new version-dependent rule is a new ``OpenClawTopic``, a typed ``OpenClawReleaseKey`` and
/// its rows here (the gateway protocol, client ids, log lines, readiness, the session store and the
/// login flow are in `OpenClawReleaseTable+Gateway.swift`). `docs/compatibility.md` lists the rows;
/// a test keeps the two together.
public enum OpenClawReleaseTable {
    /// The oldest release fleet supports: the 2026.4 line.
    public static let oldestSupported = OpenClawRelease(year: 2026, month: 4)
    /// The newest release this table was written against. Newer ones get its rows and a warning.
    public static let newestKnown = OpenClawRelease(year: 2026, month: 9, patch: 6)
    /// The supported range in words, for messages.
    public static let supportedText = "OpenClaw 2026.4 through the 2026.9 line (2026.4.x ... 2026.9.6)"

    /// The rows, grouped by topic, oldest first within a topic.
    public static let rows: [OpenClawRule] = [
        // Agents: a list with a default marker, then keyed entries.
        OpenClawRule(
            .agentsShape, since: oldestSupported, value: AgentsShape.list,
            "agents.list: [{id, ..., default: true}]",
            source: "src/config/types.agents.ts (agents.list at 2026.4.27; schema/openclaw-2026.4.27.schema.json)"),
        OpenClawRule(
            .agentsShape, since: OpenClawRelease(year: 2026, month: 8), value: AgentsShape.entries,
            "agents.entries.<id>: {...} without the default marker; agents.list is a legacy key",
            source: "src/commands/doctor/shared/legacy-config-migrations.runtime.entries.ts, src/config/legacy.roster.ts"),

        // The exec tool's policy.
        OpenClawRule(
            .execPolicy, since: oldestSupported, value: ExecPolicyShape.securityAndAsk,
            "tools.exec.security (deny|allowlist|full) and tools.exec.ask",
            source: "src/config/types.tools.ts (schema/openclaw-2026.4.27.schema.json)"),
        OpenClawRule(
            .execPolicy, since: OpenClawRelease(year: 2026, month: 8), value: ExecPolicyShape.mode,
            "tools.exec.mode (deny|allowlist|ask|auto|full); security/ask are legacy keys",
            source: "docs/tools/exec-approvals.md, docs/gateway/doctor.md (Legacy config key migrations)"),

        // Keys refused at start-up (exit 78) with `openclaw doctor --fix` as the way out.
        OpenClawRule(
            .legacyKeys, since: oldestSupported, value: [LegacyKey](),
            "no legacy-key refusal beyond the strict schema",
            source: "src/config/zod-schema.ts (strict schema only)"),
        OpenClawRule(
            .legacyKeys, since: OpenClawRelease(year: 2026, month: 8), value: legacyKeys2026_8,
            "start-up refuses the legacy keys of docs/gateway/doctor.md and asks for openclaw doctor --fix",
            source: "docs/gateway/doctor.md (Legacy config key migrations), src/config/legacy.roster.ts"),

        // Hot-reload modes.
        OpenClawRule(
            .reloadModes, since: oldestSupported,
            value: ReloadOptions(modes: ["hybrid", "hot", "restart", "off"], debounceMs: true),
            "gateway.reload.mode hybrid|hot|restart|off, gateway.reload.debounceMs",
            source: "src/gateway/config-reload-plan.ts"),
        OpenClawRule(
            .reloadModes, since: OpenClawRelease(year: 2026, month: 8),
            value: ReloadOptions(modes: ["hybrid", "off"], debounceMs: false),
            "gateway.reload.mode hybrid|off only; no debounceMs",
            source: "src/gateway/config-reload-plan.ts (2026.8.1)"),

        // The CLI re-launching itself for a foreground `gateway run`.
        OpenClawRule(
            .respawnsGatewayRun, since: oldestSupported, value: true,
            "`openclaw gateway run` re-launches itself as a child (Node flags) unless OPENCLAW_NO_RESPAWN is set",
            source: "src/entry.ts, src/entry.respawn.ts, src/cli/respawn-policy.ts (skips only --help/--version)"),
        OpenClawRule(
            .respawnsGatewayRun, since: OpenClawRelease(year: 2026, month: 8), value: false,
            "a foreground `gateway run` is not re-launched (the first release of the change is not pinned down; the 2026.8 line is assumed)",
            source: "src/cli/respawn-policy.ts (isForegroundGatewayRunArgv)"),

        // What a supervisor sets.
        OpenClawRule(
            .supervisorEnvironment, since: oldestSupported,
            value: ["OPENCLAW_NO_RESPAWN": "1", "OPENCLAW_DISABLE_BONJOUR": "1"],
            "a supervised child: no self re-launch (the supervisor keeps the pid it tracks), no LAN multicast advertising",
            source: "docs/gateway/embedding.md, src/entry.respawn.ts"),

        // Config refusals at start-up.
        OpenClawRule(
            .configRefusalExitCode, since: oldestSupported, value: 78,
            "configuration-class start-up failures (invalid config, legacy keys) exit 78 (EX_CONFIG)",
            source: "src/cli/gateway-cli/run.ts, docs/gateway/embedding.md"),

        // A Control UI on an address beyond loopback.
        OpenClawRule(
            .nonLoopbackControlUi, since: oldestSupported, value: true,
            "a non-loopback bind with the Control UI on needs gateway.controlUi.allowedOrigins (or the Host-header fallback), else start-up throws",
            source: "src/gateway/server-runtime-config.ts (since 2026.2.22)"),

        // The address each bind mode listens on.
        OpenClawRule(
            .bindHosts, since: oldestSupported, value: BindHosts.current,
            "loopback 127.0.0.1; lan 0.0.0.0; tailnet its tailnet IPv4, else 127.0.0.1; auto 127.0.0.1, else 0.0.0.0; custom gateway.customBindHost when it is an IPv4 address it can bind, else 0.0.0.0",
            source: "src/gateway/net.ts (resolveGatewayBindHost)"),

        // The shutdown budget after SIGTERM.
        OpenClawRule(
            .shutdownBudgetSeconds, since: oldestSupported, value: 25,
            "SIGTERM/SIGINT: a graceful stop within 25 s",
            source: "src/cli/gateway-cli/run-loop.ts"),
    ] + gatewayRows

    /// The value of `key` for `release`.
    public static func value<Value>(_ key: OpenClawReleaseKey<Value>, for release: OpenClawRelease) -> Value {
        guard let value = rule(key.topic, for: release).value as? Value else {
            preconditionFailure("release table: \(key.topic) holds a value of another type")
        }
        return value
    }

    /// The row of `topic` that holds for `release`.
    public static func rule(_ topic: OpenClawTopic, for release: OpenClawRelease) -> OpenClawRule {
        let candidates = rows.filter { $0.topic == topic }
        guard let first = candidates.first else { preconditionFailure("release table: no row for \(topic)") }
        return candidates.last { $0.since <= release } ?? first
    }

    /// How fleet stands to `release`.
    public static func support(of release: OpenClawRelease) -> OpenClawSupport {
        if release < oldestSupported { return .tooOld }
        if release > newestKnown { return .newerThanKnown }
        return .supported
    }
}

/// What ``OpenClawReleaseTable/support(of:)`` says of a release.
public enum OpenClawSupport: Sendable, Hashable {
    /// Between the oldest supported release and the newest known one.
    case supported
    /// Newer than the table: rendered in the newest known form, with a warning.
    case newerThanKnown
    /// Older than 2026.4: refused.
    case tooOld
}

/// One version-dependent topic of the table.
public enum OpenClawTopic: String, Sendable, Hashable, CaseIterable {
    /// How agents are configured (``AgentsShape``).
    case agentsShape
    /// How the exec tool's policy is configured (``ExecPolicyShape``).
    case execPolicy
    /// Keys refused at start-up (`[LegacyKey]`).
    case legacyKeys
    /// Hot-reload modes (``ReloadOptions``).
    case reloadModes
    /// Whether `openclaw gateway run` re-launches itself (`Bool`).
    case respawnsGatewayRun
    /// What a supervisor sets in the gateway's environment (`[String: String]`).
    case supervisorEnvironment
    /// The exit code of a refused config (`Int`).
    case configRefusalExitCode
    /// Whether a non-loopback Control UI needs allowed origins (`Bool`).
    case nonLoopbackControlUi
    /// The address each bind mode listens on (``BindHosts``).
    case bindHosts
    /// Seconds of graceful shutdown after SIGTERM (`Int`).
    case shutdownBudgetSeconds
    /// The WebSocket protocol version (``GatewayProtocolRule``).
    case gatewayProtocol
    /// The closed client id and mode lists of `connect` (``GatewayClientCatalog``).
    case clientCatalog
    /// `/readyz`, `/startupz` and start-up refusals of `connect` (``ReadinessRule``).
    case readiness
    /// The log file's line shape and rotation (``LogLineRule``).
    case logLine
    /// Where sessions are kept on disk (``SessionStoreRule``).
    case sessionStore
    /// What `channels login` does after linking (``ChannelLoginRule``).
    case channelLogin
}

/// A typed handle on a topic, so a lookup gives a value of the right type.
public struct OpenClawReleaseKey<Value: Sendable>: Sendable {
    /// The topic.
    public let topic: OpenClawTopic

    /// Agents: list or entries.
    public static var agentsShape: OpenClawReleaseKey<AgentsShape> { .init(topic: .agentsShape) }
    /// The exec policy keys.
    public static var execPolicy: OpenClawReleaseKey<ExecPolicyShape> { .init(topic: .execPolicy) }
    /// The keys refused at start-up.
    public static var legacyKeys: OpenClawReleaseKey<[LegacyKey]> { .init(topic: .legacyKeys) }
    /// Reload modes.
    public static var reloadModes: OpenClawReleaseKey<ReloadOptions> { .init(topic: .reloadModes) }
    /// Self re-launch of `gateway run`.
    public static var respawnsGatewayRun: OpenClawReleaseKey<Bool> { .init(topic: .respawnsGatewayRun) }
    /// A supervisor's environment.
    public static var supervisorEnvironment: OpenClawReleaseKey<[String: String]> { .init(topic: .supervisorEnvironment) }
    /// The exit code of a refused config.
    public static var configRefusalExitCode: OpenClawReleaseKey<Int> { .init(topic: .configRefusalExitCode) }
    /// The non-loopback Control UI rule.
    public static var nonLoopbackControlUi: OpenClawReleaseKey<Bool> { .init(topic: .nonLoopbackControlUi) }
    /// Bind addresses.
    public static var bindHosts: OpenClawReleaseKey<BindHosts> { .init(topic: .bindHosts) }
    /// The shutdown budget.
    public static var shutdownBudgetSeconds: OpenClawReleaseKey<Int> { .init(topic: .shutdownBudgetSeconds) }
}

/// One row of the table.
public struct OpenClawRule: Sendable {
    /// What it is about.
    public let topic: OpenClawTopic
    /// The first release it holds for.
    public let since: OpenClawRelease
    /// The value (its type is the topic's, see ``OpenClawReleaseKey``).
    public let value: any Sendable
    /// What holds, in words.
    public let summary: String
    /// The OpenClaw source that shows it (paths in openclaw/openclaw).
    public let source: String

    init(_ topic: OpenClawTopic, since: OpenClawRelease, value: any Sendable, _ summary: String, source: String) {
        self.topic = topic
        self.since = since
        self.value = value
        self.summary = summary
        self.source = source
    }
}

/// How a release configures agents.
public enum AgentsShape: String, Sendable, Hashable {
    /// `agents.list: [{id, ..., default: true}]`.
    case list
    /// `agents.entries: {<id>: {...}}`.
    case entries
}

/// How a release configures the exec tool's policy.
public enum ExecPolicyShape: String, Sendable, Hashable {
    /// `tools.exec.security` and `tools.exec.ask`.
    case securityAndAsk
    /// `tools.exec.mode`.
    case mode
}

/// The hot-reload settings a release accepts.
public struct ReloadOptions: Sendable, Hashable {
    /// `gateway.reload.mode` values.
    public let modes: [String]
    /// Whether `gateway.reload.debounceMs` exists.
    public let debounceMs: Bool
}

/// Where each bind mode listens (OpenClaw: src/gateway/net.ts).
public struct BindHosts: Sendable, Hashable {
    /// The rule of every supported release.
    public static let current = BindHosts()

    /// The address the gateway listens on for `bind`, given `customBindHost`, whether an address
    /// can be bound here (`canBind`), and this host's tailnet IPv4 address, if any.
    public func listenHost(bind: String, customBindHost: String?, tailnetIPv4: String?,
                           canBind: (String) -> Bool) -> String {
        switch bind {
        case "lan":
            return "0.0.0.0"
        case "tailnet":
            if let tailnetIPv4, canBind(tailnetIPv4) { return tailnetIPv4 }
            return "127.0.0.1"
        case "auto":
            return canBind("127.0.0.1") ? "127.0.0.1" : "0.0.0.0"
        case "custom":
            guard let host = customBindHost?.trimmed, Self.isIPv4(host), canBind(host) else { return "0.0.0.0" }
            return host
        default:
            return canBind("127.0.0.1") ? "127.0.0.1" : "0.0.0.0"
        }
    }

    /// A dotted-quad IPv4 address.
    public static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } && (Int(p) ?? 256) <= 255
        }
    }

    /// 127.0.0.0/8, `::1` or `localhost`: where a Control UI needs no allowed origins.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "::1" || host == "localhost" { return true }
        return isIPv4(host) && host.hasPrefix("127.")
    }
}

private extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
