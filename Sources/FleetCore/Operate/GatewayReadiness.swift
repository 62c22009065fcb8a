import OpenClawConfig

/// Words for a gateway's readiness, as OpenClaw reports it (src/gateway/server/readiness.ts):
/// `/readyz` lists failing channel ids (or `startup-sidecars` while it starts); a channel inside its
/// 120 s connect grace, or waiting for its automatic restart, does not count. fleet's `Degraded`
/// phase is exactly a `/readyz` 503; the why comes from `channels.status`.
public enum GatewayReadiness {
    /// `telegram,discord` (or `starting`).
    public static func failingText(_ failing: [String]) -> String {
        failing.map { $0 == ReadinessRule.startupSidecarsReason ? "starting" : $0 }.joined(separator: ",")
    }

    /// `not ready: telegram (default: 401 Unauthorized; restarting)`, naming each failing channel and
    /// what its accounts report.
    public static func explain(failing: [String], channels: [ChannelStatus]?) -> String {
        guard !failing.isEmpty else { return "not ready (the gateway names no channel)" }
        let parts = failing.map { id -> String in
            if id == ReadinessRule.startupSidecarsReason { return "the gateway is still starting (\(id))" }
            let accounts = (channels ?? []).filter { $0.channel == id && ($0.lastError != nil || !$0.connected) }
            guard !accounts.isEmpty else { return id }
            let why = accounts.map { a in "\(a.accountId): \(a.lastError ?? a.state)" }.joined(separator: "; ")
            return "\(id) (\(why))"
        }
        return "not ready: " + parts.joined(separator: ", ")
    }
}
