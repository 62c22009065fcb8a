/// One account of one channel (e.g. `telegram:default`) and its simulated runtime, with the
/// fields of OpenClaw's channel runtime snapshot that `channels.status` and readiness read
/// (OpenClaw: src/gateway/channel-health-policy.ts, src/gateway/protocol/schema/channels.ts).
struct ChannelAccount: Equatable {
    let channel: String
    let accountId: String
    var enabled: Bool
    /// Has its credential (for WhatsApp: linked, i.e. `creds.json` exists).
    var configured: Bool
    /// WhatsApp only: `creds.json` exists.
    var linked: Bool
    /// The main credential (token), used by the bad-token fault switch.
    var credential: String?
    /// WhatsApp: where `creds.json` is expected.
    var credsPath: String?
    /// A digest of everything that, when changed, makes the account reconnect.
    var fingerprint: String
    /// The provider task runs.
    var running = false
    /// The provider is connected.
    var connected = false
    /// When the provider last started (ms since the epoch).
    var lastStartAtMs: Int64?
    /// When it last stopped.
    var lastStopAtMs: Int64?
    /// It exited and waits for its next restart.
    var restartPending = false
    /// Restarts since it last connected.
    var reconnectAttempts = 0
    var lastError: String?
    /// When the last (simulated) inbound message arrived, in ms since the epoch.
    var lastInboundAtMs: Int64?

    /// `telegram:default`.
    var key: String { "\(channel):\(accountId)" }

    /// Whether the gateway manages it (enabled and configured); others are healthy by definition.
    var managed: Bool { enabled && configured }

    /// Whether `/readyz` counts this account as failing now (OpenClaw: `evaluateChannelHealth` in
    /// src/gateway/channel-health-policy.ts and `shouldIgnoreReadinessFailure` in
    /// src/gateway/server/readiness.ts): a managed account that is not running and not waiting for a
    /// restart, or one running past its connect grace without being connected.
    func failing(nowMs: Int64, graceMs: Int64) -> Bool {
        guard managed else { return false }
        if !running { return !restartPending }
        if let start = lastStartAtMs, nowMs - start < graceMs { return false }
        return !connected
    }
}
