import FoundationEssentials
import Glibc

/// Channels, sessions and figures of one bot: from its gateway over the WebSocket protocol when
/// it answers, else from the on-disk session store and the log.
public struct BotInsight: Sendable {
    /// Each channel account.
    public var channels: [ChannelStatus]
    /// The sessions, newest first.
    public var sessions: [GatewaySessionEntry]
    /// `gateway` or `disk`.
    public var via: String
    /// Why the gateway was not used, when it was not (never a secret).
    public var gatewayError: String?

    /// Asks the gateway on `port` (when `running`) for `channels.status` and `sessions.list`,
    /// each within `timeout`; falls back to the disk.
    public static func gather(_ paths: BotPaths, host: String = "127.0.0.1", port: Int, running: Bool, timeout: Duration) async -> BotInsight {
        var gatewayError: String? = running ? nil : "not running"
        if running {
            let token = HostFiles.read(paths.gatewayToken).map { String(decoding: $0, as: UTF8.self).trimmed }
            do {
                let session = try await GatewayClient.connect(host: host, port: port, token: token, timeout: timeout)
                defer { session.close() }
                let accounts = try await session.channelsStatus(timeout: timeout)
                let sessions = try await session.sessionsList(timeout: timeout)
                let channels = accounts.map { a in
                    ChannelStatus(
                        channel: a.channel, accountId: a.accountId, configured: a.configured, running: a.running,
                        connected: a.connected, lastError: a.lastError,
                        fix: a.lastError.flatMap { ChannelAdvice.fix(bot: paths.name, channel: a.channel, accountId: a.accountId, error: $0) },
                        lastInboundAt: a.lastInboundAt.map { Date(timeIntervalSince1970: Double($0) / 1000) })
                }
                return BotInsight(channels: channels, sessions: sessions, via: "gateway", gatewayError: nil)
            } catch {
                gatewayError = error.description
            }
        }
        return BotInsight(channels: ChannelLogScan.channels(paths, running: running),
                          sessions: SessionStoreReader.sessions(paths), via: "disk", gatewayError: gatewayError)
    }
}

/// Channel states read back from the gateway's log lines (`[telegram] [default] connected`,
/// `... channel exited: 401 Unauthorized`), for when the gateway does not answer.
public enum ChannelLogScan {
    /// The channel accounts the log of the current (last started) process mentions, in order.
    public static func channels(_ paths: BotPaths, running: Bool) -> [ChannelStatus] {
        let lines = LogFollower(path: paths.logFile).backlog(maxBytes: 2 << 20)
        return scan(lines.compactMap { OpenClawLog.parse(Substring($0), bot: paths.name) }, bot: paths.name, running: running)
    }

    /// Replays `entries`; a `[gateway] listening` line starts over (a new process).
    public static func scan(_ entries: [LogEntry], bot: String, running: Bool) -> [ChannelStatus] {
        var order: [String] = []
        var states: [String: ChannelStatus] = [:]
        for entry in entries {
            let m = entry.message
            if m.hasPrefix("[gateway] listening on") {
                order = []
                states = [:]
                continue
            }
            guard let (channel, account, rest) = split(m), channel != "gateway", channel != "reload", channel != "sim" else { continue }
            let key = channel + ":" + account
            var s = states[key] ?? ChannelStatus(channel: channel, accountId: account, configured: true, running: false, connected: false)
            if rest.hasPrefix("starting provider") {
                s.running = true
                s.connected = false
                s.lastError = nil
            } else if rest == "connected" {
                s.running = true
                s.connected = true
                s.lastError = nil
            } else if rest.hasPrefix("channel exited: ") {
                s.running = false
                s.connected = false
                s.lastError = String(rest.dropFirst("channel exited: ".count))
            } else if rest.hasPrefix("not configured") {
                s.configured = false
            } else if rest.hasPrefix("stopped (removed") {
                states[key] = nil
                order.removeAll { $0 == key }
                continue
            } else if rest.hasPrefix("inbound message") {
                s.lastInboundAt = entry.time
            } else {
                continue
            }
            if states[key] == nil { order.append(key) }
            states[key] = s
        }
        return order.compactMap { key in
            guard var s = states[key] else { return nil }
            if !running {
                s.running = false
                s.connected = false
            }
            s.fix = s.lastError.flatMap { ChannelAdvice.fix(bot: bot, channel: s.channel, accountId: s.accountId, error: $0) }
            return s
        }
    }

    /// `[telegram] [default] rest` → ("telegram", "default", "rest").
    static func split(_ message: String) -> (String, String, String)? {
        guard message.hasPrefix("["), let close = message.firstIndex(of: "]") else { return nil }
        let channel = String(message[message.index(after: message.startIndex)..<close])
        var rest = message[message.index(after: close)...].drop { $0 == " " }
        guard rest.hasPrefix("["), let close2 = rest.firstIndex(of: "]") else { return nil }
        let account = String(rest[rest.index(after: rest.startIndex)..<close2])
        rest = rest[rest.index(after: close2)...].drop { $0 == " " }
        return (channel, account, String(rest))
    }
}
