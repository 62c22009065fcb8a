import FoundationEssentials
import Glibc
import OpenClawConfig

/// How much `StatusReport.refresh` looks at.
public enum StatusDetail: Sendable {
    /// Processes, /healthz and /readyz only.
    case health
    /// Also each channel account and the session counts (the gateway's `channels.status` and
    /// `sessions.list`, else the log and the session store).
    case channels
    /// Also the figures (messages, active sessions, errors), read from transcripts and logs.
    case full
}

/// The state file refreshed by a live look at processes and probes.
public enum StatusReport {
    /// Refreshes each bot's phase from /proc and its /healthz and /readyz, concurrently; with
    /// `detail` `.channels` or `.full` also its channels, sessions (and figures), each gateway
    /// asked within `min(probeTimeout, 1.5s)` and the disk read when it does not answer.
    public static func refresh(_ state: FleetState, root: String, probeTimeout: Duration,
                               detail: StatusDetail = .health) async -> FleetState {
        var live = state
        let gatewayTimeout = min(probeTimeout, .milliseconds(1500))
        await withTaskGroup(of: (String, BotState).self) { group in
            for (name, bot) in state.bots {
                group.addTask {
                    var b = bot
                    if b.phase != .Stopped, b.phase != .Failed || b.pid != nil {
                        if let pid = b.pid, ProcessTable.isAlive(pid, startTime: b.pidStartTime) {
                            let h = await GatewayHealth.probe(host: b.applied?.launch.connectHost ?? "127.0.0.1", port: b.port, timeout: probeTimeout)
                            b.health = HealthRecord(live: h.live, ready: h.ready, failing: h.failing, at: Date())
                            b.phase = !h.live ? .Failed : (h.ready == false ? .Degraded : .Running)
                            if !h.live { b.lastError = BotError(message: "not answering /healthz on port \(b.port)", fix: "fleet restart \(name)", at: Date()) }
                        } else if b.phase != .CrashLoop {
                            b.phase = .Failed
                            b.lastError = BotError(message: "gateway process is not running", fix: "fleet apply (or run fleet daemon, which restarts it)", at: Date())
                            b.pid = nil
                        }
                    }
                    guard detail != .health else { return (name, b) }
                    let paths = BotPaths(root: root, name: name)
                    let running = b.pid != nil && b.health?.live == true
                    let insight = await BotInsight.gather(paths, host: b.applied?.launch.connectHost ?? "127.0.0.1", port: b.port,
                                                          running: running, timeout: gatewayTimeout,
                                                          release: b.applied?.launch.release.flatMap(OpenClawRelease.init))
                    b.channels = insight.channels
                    b.sessions = SessionStoreReader.summary(insight.sessions)
                    b.observedVia = insight.via
                    b.gatewayError = insight.problem
                    b.sessionsNote = insight.sessionsNote
                    if detail == .full { b.figures = BotFigureCounter.figures(paths, sessions: insight.sessions) }
                    return (name, b)
                }
            }
            for await (name, bot) in group { live.bots[name] = bot }
        }
        return live
    }

    /// `telegram:ok discord/work:error`, one word per channel account.
    static func channelCell(_ b: BotState) -> String {
        guard let channels = b.channels else { return "-" }
        guard !channels.isEmpty else { return "none" }
        return channels.map { c in
            let name = c.accountId == "default" ? c.channel : "\(c.channel)/\(c.accountId)"
            return "\(name):\(c.connected ? "ok" : c.state)"
        }.joined(separator: " ")
    }

    static func uptime(_ since: Date?) -> String {
        guard let since else { return "-" }
        let s = Int(Date().timeIntervalSince(since))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        if s < 86400 { return "\(s / 3600)h\((s % 3600) / 60)m" }
        return "\(s / 86400)d\((s % 86400) / 3600)h"
    }

    /// The source's condition, one line each (worst first), with the error and the fix.
    public static func conditionLines(_ conditions: [SourceCondition], style: TextStyle) -> String {
        var out = ""
        for c in conditions {
            let word: String
            switch c.severity {
            case .ok: word = style.green("source:")
            case .info: word = style.cyan("source:")
            case .warning: word = style.yellow("source:")
            case .error: word = style.red("source:")
            }
            out += "\(word) \(c.message)\n"
            if let detail = c.detail { out += "  \(detail)\n" }
            if let fix = c.fix { out += "  \(style.cyan("fix:")) \(fix)\n" }
        }
        return out
    }

    /// The table, after the source's condition (`conditions`, from `SourceCondition.of`).
    public static func table(_ state: FleetState, root: String, style: TextStyle, conditions: [SourceCondition] = []) -> String {
        let head = conditions.isEmpty ? "" : conditionLines(conditions, style: style) + "\n"
        guard !state.bots.isEmpty else { return head + "No bots recorded under \(root). Run `fleet apply`.\n" }
        let detailed = state.bots.values.contains { $0.channels != nil }
        var rows: [[String]] = [["BOT", "PHASE", "PID", "PORT", "UPTIME", "RESTARTS", "HEALTH", "COMMIT"] + (detailed ? ["CHANNELS", "SESSIONS"] : [])]
        for name in state.bots.keys.sorted() {
            guard let b = state.bots[name] else { continue }
            let health: String
            if let h = b.health, b.pid != nil {
                health = !h.live ? "down" : (h.ready == false ? "unready: \(GatewayReadiness.failingText(h.failing))" : "ok")
            } else {
                health = "-"
            }
            rows.append([name, b.phase.rawValue + (b.suspended == true ? " (suspended)" : ""), b.pid.map(String.init) ?? "-", String(b.port), uptime(b.pid == nil ? nil : b.startedAt),
                         String(b.restarts), health, b.appliedCommit.map { String($0.prefix(7)) } ?? "-"]
                + (detailed ? [channelCell(b), b.sessions.map { "\($0.count) (\($0.active) active)" } ?? "-"] : []))
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = head
        for (i, row) in rows.enumerated() {
            var cells: [String] = []
            for (c, cell) in row.enumerated() {
                var text = cell.padded(to: widths[c])
                if i == 0 { text = style.bold(text) }
                if c == 1 && i > 0 {
                    switch cell {
                    case "Running": text = style.green(text)
                    case "Degraded", "Starting", "Pending": text = style.yellow(text)
                    case "Failed", "CrashLoop": text = style.red(text)
                    default: break
                    }
                }
                cells.append(text)
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        for name in state.bots.keys.sorted() {
            guard let b = state.bots[name], let error = b.lastError, b.phase == .Failed || b.phase == .CrashLoop else { continue }
            out += "\n\(style.bold(name)): \(error.message)\n"
            if let fix = error.fix { out += "  \(style.cyan("fix:")) \(fix)\n" }
        }
        for name in state.bots.keys.sorted() {
            guard let b = state.bots[name], b.pid != nil else { continue }
            if let h = b.health, h.live, h.ready == false {
                out += "\n\(style.bold(name)): \(GatewayReadiness.explain(failing: h.failing, channels: b.channels))\n"
            }
            if let problem = b.gatewayError {
                out += "\n\(style.bold(name)): \(style.yellow("[\(problem.code)]")) \(problem.message)\n"
                if let fix = problem.fix { out += "  \(style.cyan("fix:")) \(fix)\n" }
            }
        }
        for name in state.bots.keys.sorted() {
            for c in state.bots[name]?.channels ?? [] {
                guard let error = c.lastError else { continue }
                out += "\n\(style.bold(name)) \(c.channel)/\(c.accountId): \(style.red(error))\n"
                if let fix = c.fix { out += "  \(style.cyan("fix:")) \(fix)\n" }
            }
        }
        if let commit = state.appliedCommit {
            out += "\napplied commit \(commit.prefix(12))\(state.appliedAt.map { " at \($0.formatted(.iso8601))" } ?? "")\n"
        }
        return out
    }

    /// The state as JSON; with `conditions`, a first key `condition` holds them (worst first).
    public static func json(_ state: FleetState, conditions: [SourceCondition] = []) -> String {
        guard let body = try? String(decoding: FleetState.encoder.encode(state), as: UTF8.self) else { return "{}" }
        return withCondition(body, conditions, encoder: FleetState.encoder, separator: "\n  ")
    }

    /// The state as one line of JSON (for `fleet status --watch --json`).
    public static func compactJSON(_ state: FleetState, conditions: [SourceCondition] = []) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        guard let body = try? String(decoding: encoder.encode(state), as: UTF8.self) else { return "{}" }
        return withCondition(body, conditions, encoder: encoder, separator: "")
    }

    /// Puts `"condition": [...]` first in an encoded object (sorted keys would put it later).
    static func withCondition(_ body: String, _ conditions: [SourceCondition], encoder: JSONEncoder, separator: String) -> String {
        guard !conditions.isEmpty, body.hasPrefix("{"),
              let encoded = try? encoder.encode(conditions) else { return body }
        var list = String(decoding: encoded, as: UTF8.self)
        if !separator.isEmpty { list = list.replacing("\n", with: separator) }
        let rest = body.dropFirst().drop { $0 == "\n" || $0 == " " }
        let comma = rest.hasPrefix("}") ? "" : ","
        let key = separator.isEmpty ? "\"condition\":" : "\"condition\" : "
        return "{" + separator + key + list + comma + separator + rest
    }
}
