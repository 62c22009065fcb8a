/// The rows of the release table about what fleet says to a running gateway and what it reads
/// back: the WebSocket protocol, the client ids it accepts, readiness, log lines, the session
/// store and the channel login flow. fleet's client and the stand-in's personas read the same rows.
extension OpenClawReleaseTable {
    /// The release the gateway protocol went from 3 to 4 (REFERENCE: "from about 2026.5.30").
    public static let protocol4Since = OpenClawRelease(year: 2026, month: 5, patch: 30)
    /// Where the 2026.8 line starts (client-id additions, log line fields, structured readiness,
    /// the SQLite session store, login through the running gateway).
    static let line8 = OpenClawRelease(year: 2026, month: 8)

    static let gatewayRows: [OpenClawRule] = [
        // The protocol version: clients send a range, the server refuses one that excludes its own.
        OpenClawRule(
            .gatewayProtocol, since: oldestSupported, value: GatewayProtocolRule(version: 3, minClientVersion: 3),
            "protocol 3; connect is refused when maxProtocol < 3 or minProtocol > 3",
            source: "src/gateway/protocol/version.ts, docs/gateway/protocol.md (Versioning)"),
        OpenClawRule(
            .gatewayProtocol, since: protocol4Since, value: GatewayProtocolRule(version: 4, minClientVersion: 4),
            "protocol 4; operator clients whose maxProtocol is below 4 are refused (PROTOCOL_MISMATCH); the release of the change is not pinned down (about 2026.5.30)",
            source: "packages/gateway-protocol/src/version.ts (PROTOCOL_VERSION 4, MIN_CLIENT_PROTOCOL_VERSION 4)"),

        // The closed lists of client ids and modes in `connect`.
        OpenClawRule(
            .clientCatalog, since: oldestSupported, value: GatewayClientCatalog.release4,
            "client.id one of 13 ids (gateway-client, cli, openclaw-control-ui, ...), client.mode one of webchat|cli|ui|backend|node|probe|test; anything else: INVALID_REQUEST invalid connect params, close 1008",
            source: "src/gateway/protocol/client-info.ts, src/gateway/protocol/schema/frames.ts (ConnectParamsSchema)"),
        OpenClawRule(
            .clientCatalog, since: line8, value: GatewayClientCatalog.release8,
            "adds the ids openclaw-browser-copilot, openclaw-linux, openclaw-watchos, openclaw-worker and the mode worker",
            source: "packages/gateway-protocol/src/client-info.ts"),

        // Readiness and start-up.
        OpenClawRule(
            .readiness, since: oldestSupported, value: ReadinessRule.release4,
            "/readyz failing[] lists channel ids; 120 s connect grace after a channel starts; a channel waiting for its restart (backoff 5 s doubling to 5 min, 10 attempts) does not count",
            source: "src/gateway/server/readiness.ts, src/gateway/channel-health-policy.ts, src/gateway/server-channels.ts"),
        OpenClawRule(
            .readiness, since: line8, value: ReadinessRule.release8,
            "adds /startupz, structured conditions {type, status, requirement, reason, message}, and connect answers UNAVAILABLE details.reason startup-sidecars (retryAfterMs) while start-up sidecars run",
            source: "src/gateway/server/readiness.ts, packages/gateway-protocol/src/startup-unavailable.ts, docs/gateway/protocol.md"),

        // One line of the log file.
        OpenClawRule(
            .logLine, since: oldestSupported, value: LogLineRule.release4,
            "tslog JSON lines: \"0\" the logger name as JSON ({\"subsystem\":\"gateway/channels/telegram\"}), \"1\" onwards the message, _meta {name, date, logLevelName}, time; logging.file is never rotated",
            source: "src/logging/subsystem.ts (tslog; lines as written by 2026.3 gateways)"),
        OpenClawRule(
            .logLine, since: line8, value: LogLineRule.release8,
            "adds top-level message and hostname; the file rotates at 100 MB to <name>.1.log",
            source: "src/logging/subsystem.ts, docs/logging.md (2026.8.1)"),

        // Where sessions live on disk.
        OpenClawRule(
            .sessionStore, since: oldestSupported, value: SessionStoreRule.json,
            "<state>/agents/<id>/sessions/sessions.json and <sessionId>.jsonl transcripts",
            source: "src/config/sessions/store.ts"),
        OpenClawRule(
            .sessionStore, since: line8, value: SessionStoreRule.sqlite,
            "a SQLite store <state>/agents/<id>/agent/openclaw-agent.sqlite; clients are told to use sessions.list",
            source: "src/config/sessions/ (the SQLite store, e.g. delivery-info.sqlite.test.ts); the file layout is not read by fleet"),

        // `openclaw channels login`.
        OpenClawRule(
            .channelLogin, since: oldestSupported, value: ChannelLoginRule.local,
            "channels login links the account in the CLI process and writes its credentials; the gateway picks them up",
            source: "docs/cli/channels.md (Login / logout)"),
        OpenClawRule(
            .channelLogin, since: line8, value: ChannelLoginRule.localThenGatewayStart,
            "after linking, the CLI asks the running gateway (channels.start {channel, accountId} as gateway-client/backend with the gateway token) to start the account; without it the account stays stopped",
            source: "src/cli/ channels login (reconcileGatewayRuntimeAfterLocalLogin, callGateway channels.start)"),
    ]
}

/// The gateway protocol version of a release.
public struct GatewayProtocolRule: Sendable, Hashable {
    /// The version the gateway speaks.
    public let version: Int
    /// The lowest `maxProtocol` an operator client may offer.
    public let minClientVersion: Int

    /// Whether a client offering `min...max` is accepted.
    public func accepts(min: Int, max: Int) -> Bool {
        min <= version && max >= version && max >= minClientVersion
    }
}

/// The closed lists of `client.id` and `client.mode`.
public struct GatewayClientCatalog: Sendable, Hashable {
    /// Accepted ids.
    public let ids: [String]
    /// Accepted modes.
    public let modes: [String]

    /// 2026.4 (OpenClaw: src/gateway/protocol/client-info.ts).
    public static let release4 = GatewayClientCatalog(
        ids: ["webchat-ui", "openclaw-control-ui", "openclaw-tui", "webchat", "cli", "gateway-client", "openclaw-macos",
              "openclaw-ios", "openclaw-android", "node-host", "test", "fingerprint", "openclaw-probe"],
        modes: ["webchat", "cli", "ui", "backend", "node", "probe", "test"])
    /// 2026.8 (OpenClaw: packages/gateway-protocol/src/client-info.ts).
    public static let release8 = GatewayClientCatalog(
        ids: release4.ids + ["openclaw-browser-copilot", "openclaw-linux", "openclaw-watchos", "openclaw-worker"],
        modes: release4.modes + ["worker"])

    /// The id and mode fleet connects as: a trusted backend client that keeps its scopes without a
    /// device identity on a direct loopback connection with the shared token
    /// (OpenClaw: src/gateway/server/ws-connection/handshake-auth-helpers.ts, docs/gateway/protocol.md).
    public static let fleetClientId = "gateway-client"
    /// See ``fleetClientId``.
    public static let fleetClientMode = "backend"
}

/// How a release reports readiness.
public struct ReadinessRule: Sendable, Hashable {
    /// `/readyz` carries `conditions` of `{type, status, requirement, reason, message}`.
    public let structuredConditions: Bool
    /// `/startupz` exists.
    public let startupProbe: Bool
    /// `connect` may answer `UNAVAILABLE` with `details.reason: "startup-sidecars"`.
    public let startupSidecars: Bool
    /// A started channel counts as healthy this long (ms), connected or not.
    public let channelConnectGraceMs: Int
    /// The first restart delay of a failed channel (ms), doubled per attempt up to ``restartBackoffMaxMs``.
    public let restartBackoffMs: Int
    /// The longest restart delay (ms).
    public let restartBackoffMaxMs: Int
    /// Restarts before the gateway gives up on a channel.
    public let maxRestartAttempts: Int

    static let release4 = ReadinessRule(structuredConditions: false, startupProbe: false, startupSidecars: false,
                                        channelConnectGraceMs: 120_000, restartBackoffMs: 5_000,
                                        restartBackoffMaxMs: 300_000, maxRestartAttempts: 10)
    static let release8 = ReadinessRule(structuredConditions: true, startupProbe: true, startupSidecars: true,
                                        channelConnectGraceMs: 120_000, restartBackoffMs: 5_000,
                                        restartBackoffMaxMs: 300_000, maxRestartAttempts: 10)

    /// `failing` reason of a gateway still starting its sidecars.
    public static let startupSidecarsReason = "startup-sidecars"
}

/// The shape of one log file line and how the file rotates.
public struct LogLineRule: Sendable, Hashable {
    /// Top-level `message` (the joined message parts).
    public let topLevelMessage: Bool
    /// Top-level `hostname`.
    public let hostname: Bool
    /// The size at which `X.log` is renamed to `X.1.log` (nil: never).
    public let rotateAtBytes: Int?

    static let release4 = LogLineRule(topLevelMessage: false, hostname: false, rotateAtBytes: nil)
    static let release8 = LogLineRule(topLevelMessage: true, hostname: true, rotateAtBytes: 100 << 20)

    /// `/x/openclaw.log` → `/x/openclaw.1.log`; a name without `.log` gets `.1` appended.
    public static func rotatedPath(_ path: String) -> String {
        path.hasSuffix(".log") ? String(path.dropLast(4)) + ".1.log" : path + ".1"
    }
}

/// Where a release keeps its session index.
public enum SessionStoreRule: String, Sendable, Hashable {
    /// `<state>/agents/<id>/sessions/sessions.json`.
    case json
    /// `<state>/agents/<id>/agent/openclaw-agent.sqlite`.
    case sqlite

    /// The index file for `agentId` under `stateDir`.
    public func indexPath(stateDir: String, agentId: String) -> String {
        switch self {
        case .json: return "\(stateDir)/agents/\(agentId)/sessions/sessions.json"
        case .sqlite: return "\(stateDir)/agents/\(agentId)/agent/openclaw-agent.sqlite"
        }
    }
}

/// What `openclaw channels login` does after linking an account.
public enum ChannelLoginRule: String, Sendable, Hashable {
    /// Nothing more: the gateway notices the credentials.
    case local
    /// It asks the running gateway over authenticated RPC (`channels.start`) to start the account.
    case localThenGatewayStart
}

extension OpenClawReleaseKey {
    /// The gateway protocol.
    public static var gatewayProtocol: OpenClawReleaseKey<GatewayProtocolRule> { .init(topic: .gatewayProtocol) }
    /// The client id and mode lists.
    public static var clientCatalog: OpenClawReleaseKey<GatewayClientCatalog> { .init(topic: .clientCatalog) }
    /// Readiness.
    public static var readiness: OpenClawReleaseKey<ReadinessRule> { .init(topic: .readiness) }
    /// The log line.
    public static var logLine: OpenClawReleaseKey<LogLineRule> { .init(topic: .logLine) }
    /// The session store.
    public static var sessionStore: OpenClawReleaseKey<SessionStoreRule> { .init(topic: .sessionStore) }
    /// The channel login flow.
    public static var channelLogin: OpenClawReleaseKey<ChannelLoginRule> { .init(topic: .channelLogin) }
}
