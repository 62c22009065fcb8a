import FoundationEssentials
import Glibc
import OpenClawConfig

/// Channels, sessions and figures of one bot: from its gateway over the WebSocket protocol when
/// it answers, else from the on-disk session store (where the release keeps one fleet can read)
/// and the log.
public struct BotInsight: Sendable {
    /// Each channel account.
    public var channels: [ChannelStatus]
    /// The sessions, newest first.
    public var sessions: [GatewaySessionEntry]
    /// `gateway` or `disk`.
    public var via: String
    /// Why the gateway was not used, when it was not (never a secret).
    public var gatewayError: String?
    /// The typed error behind ``gatewayError``, when the gateway was asked and failed.
    public var problem: GatewayProblem?
    /// Why ``sessions`` may be incomplete (the release keeps sessions where fleet does not read them).
    public var sessionsNote: String?

    /// Asks the gateway on `port` (when `running`) for `channels.status` and `sessions.list`,
    /// each within `timeout`; falls back to the disk, read as `release` writes it.
    public static func gather(_ paths: BotPaths, host: String = "127.0.0.1", port: Int, running: Bool, timeout: Duration,
                              release: OpenClawRelease? = nil) async -> BotInsight {
        var gatewayError: String? = running ? nil : "not running"
        var problem: GatewayProblem?
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
                        lastInboundAt: a.lastInboundAt.map { Date(timeIntervalSince1970: Double($0) / 1000) },
                        restartPending: a.restartPending)
                }
                return BotInsight(channels: channels, sessions: sessions, via: "gateway", gatewayError: nil)
            } catch {
                gatewayError = error.message
                problem = error.record(bot: paths.name)
            }
        }
        let stored = SessionStoreReader.read(paths, release: release)
        return BotInsight(channels: ChannelLogScan.channels(paths, running: running),
                          sessions: stored.sessions, via: "disk", gatewayError: gatewayError, problem: problem,
                          sessionsNote: stored.note)
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

    /// Replays `entries` with the texts of OpenClaw's channel manager and plugins (OpenClaw:
    /// src/gateway/server-channels.ts: `[id] channel exited: …`, `[id] auto-restart attempt n/10 in
    /// Ns`, `[id] giving up after 10 restart attempts`; the plugins' `[id] starting provider`), under
    /// the `gateway/channels/<channel>` subsystems. A `listening on` line of the `gateway` subsystem
    /// starts over (a new process). The log never says "connected": a started account reads as
    /// started.
    public static func scan(_ entries: [LogEntry], bot: String, running: Bool) -> [ChannelStatus] {
        var order: [String] = []
        var states: [String: ChannelStatus] = [:]
        for entry in entries {
            let m = entry.message
            if (entry.subsystem == "gateway" && m.hasPrefix("listening on")) || m.hasPrefix("[gateway] listening on") {
                order = []
                states = [:]
                continue
            }
            guard let (channel, account, rest) = split(entry) else { continue }
            let key = channel + ":" + account
            var s = states[key] ?? ChannelStatus(channel: channel, accountId: account, configured: true, running: false, connected: false)
            s.fromLog = true
            if rest.hasPrefix("starting provider") {
                s.running = true
                s.lastError = nil
                s.restartPending = nil
            } else if rest.hasPrefix("channel exited: ") {
                s.running = false
                var error = String(rest.dropFirst("channel exited: ".count))
                if let range = error.firstRange(of: " classification=") { error = String(error[..<range.lowerBound]) }
                s.lastError = error
            } else if rest.hasPrefix("channel exited without an error") {
                s.running = false
                s.lastError = "channel exited without an error"
            } else if rest.hasPrefix("auto-restart attempt") {
                s.restartPending = true
            } else if rest.hasPrefix("giving up after") {
                s.restartPending = nil
            } else if rest == "not configured" || rest == "not linked" {
                s.configured = false
                s.lastError = rest
            } else if rest.hasPrefix("stopped") {
                s.running = false
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
                s.restartPending = nil
            }
            s.fix = s.lastError.flatMap { ChannelAdvice.fix(bot: bot, channel: s.channel, accountId: s.accountId, error: $0) }
            return s
        }
    }

    /// The channel, account and rest of a channel line: subsystem `gateway/channels/telegram` with
    /// `[default] rest`, or the flat `[telegram] [default] rest` of older stand-in logs.
    static func split(_ entry: LogEntry) -> (String, String, String)? {
        if let subsystem = entry.subsystem {
            guard subsystem.hasPrefix("gateway/channels/") else { return nil }
            let channel = String(subsystem.dropFirst("gateway/channels/".count))
            let m = entry.message
            guard !channel.isEmpty, m.hasPrefix("["), let close = m.firstIndex(of: "]") else { return nil }
            let account = String(m[m.index(after: m.startIndex)..<close])
            return (channel, account, String(m[m.index(after: close)...].drop { $0 == " " }))
        }
        guard let (channel, account, rest) = split(entry.message), !["gateway", "reload", "sim"].contains(channel) else { return nil }
        return (channel, account, rest)
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
