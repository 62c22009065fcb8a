/// One account of one channel (e.g. `telegram:default`) and its simulated connection.
struct ChannelAccount: Equatable {
    /// Connection state, as `channels.status` reports it.
    enum State: String {
        case stopped, connecting, connected, error
    }

    let channel: String
    let accountId: String
    var enabled: Bool
    /// Has its credential (for WhatsApp: the account is present; see `linked`).
    var configured: Bool
    /// WhatsApp only: `creds.json` exists.
    var linked: Bool
    /// The main credential (token), used by the bad-token fault switch.
    var credential: String?
    /// WhatsApp: where `creds.json` is expected.
    var credsPath: String?
    /// A digest of everything that, when changed, makes the account reconnect.
    var fingerprint: String
    var state: State = .stopped
    var lastError: String?
    /// When the last (simulated) inbound message arrived, in ms since the epoch.
    var lastInboundAtMs: Int64?

    /// `telegram:default`.
    var key: String { "\(channel):\(accountId)" }

    /// Whether `/readyz` waits for this account.
    var countsForReadiness: Bool { enabled && configured }
}
