import FoundationEssentials
import OpenClawConfig
import Glibc

/// Reads a bot's on-disk session store (`<state>/agents/<agentId>/sessions/sessions.json` and the
/// `<sessionId>.jsonl` transcripts), for when the gateway does not answer and for the figures.
public enum SessionStoreReader {
    /// The sessions directory of `agentId` (fleet renders each bot as the agent named after it).
    public static func directory(_ paths: BotPaths, agentId: String? = nil) -> String {
        "\(paths.state)/agents/\(agentId ?? paths.name)/sessions"
    }

    /// The sessions on disk as `release` keeps them: its `sessions.json` (2026.4), or none with a note
    /// when the release keeps them in SQLite, which fleet does not read (a running gateway answers
    /// `sessions.list`; the release table's ``SessionStoreRule``).
    public static func read(_ paths: BotPaths, release: OpenClawRelease?, activeWithin: TimeInterval? = nil,
                            now: Date = Date()) -> (sessions: [GatewaySessionEntry], note: String?) {
        let rule = OpenClawReleaseTable.value(.sessionStore, for: release ?? OpenClawReleaseTable.newestKnown)
        switch rule {
        case .json:
            return (sessions(paths, activeWithin: activeWithin, now: now), nil)
        case .sqlite:
            let store = rule.indexPath(stateDir: paths.state, agentId: paths.name)
            let found = sessions(paths, activeWithin: activeWithin, now: now)
            let note = "OpenClaw \(release.map(\.description) ?? "2026.8+") keeps sessions in SQLite (\(store)), which fleet does not "
                + "read: sessions need a running gateway"
            return (found, found.isEmpty ? note : nil)
        }
    }

    /// Every session in the store, newest first; `activeWithin` keeps those updated that recently.
    public static func sessions(_ paths: BotPaths, activeWithin: TimeInterval? = nil, now: Date = Date()) -> [GatewaySessionEntry] {
        guard let bytes = HostFiles.read(directory(paths) + "/sessions.json"),
              let object = (try? JSON5.parse(String(decoding: bytes, as: UTF8.self)))?.objectValue else { return [] }
        var list: [GatewaySessionEntry] = []
        for (key, value) in object {
            guard let s = value.objectValue else { continue }
            func int(_ name: String) -> Int64? { s[name]?.intValue }
            list.append(GatewaySessionEntry(
                key: key, sessionId: s["sessionId"]?.stringValue, updatedAt: int("updatedAt"),
                channel: s["channel"]?.stringValue, displayName: s["displayName"]?.stringValue,
                inputTokens: int("inputTokens"), outputTokens: int("outputTokens"), totalTokens: int("totalTokens")))
        }
        if let activeWithin {
            let cutoff = Int64((now.timeIntervalSince1970 - activeWithin) * 1000)
            list = list.filter { ($0.updatedAt ?? 0) >= cutoff }
        }
        return list.sorted { ($0.updatedAt ?? 0, $1.key) > ($1.updatedAt ?? 0, $0.key) }
    }

    /// The summary of `sessions`: count, updated in the last hour, newest update.
    public static func summary(_ sessions: [GatewaySessionEntry], now: Date = Date()) -> SessionSummary {
        let hourAgo = Int64((now.timeIntervalSince1970 - 3600) * 1000)
        let newest = sessions.compactMap(\.updatedAt).max()
        return SessionSummary(count: sessions.count, active: sessions.filter { ($0.updatedAt ?? 0) >= hourAgo }.count,
                              lastActivity: newest.map { Date(timeIntervalSince1970: Double($0) / 1000) })
    }

    /// The times of the inbound (user) messages in the transcripts of `sessions` updated since `since`.
    public static func inboundMessageTimes(_ paths: BotPaths, sessions: [GatewaySessionEntry], since: Date) -> [Date] {
        let cutoff = Int64(since.timeIntervalSince1970 * 1000)
        var times: [Date] = []
        for session in sessions where (session.updatedAt ?? Int64.max) >= cutoff {
            guard let id = session.sessionId, !id.contains("/"),
                  let bytes = HostFiles.read(directory(paths) + "/\(id).jsonl") else { continue }
            for line in bytes.split(separator: 0x0A) {
                guard let object = try? JSON5.parse(String(decoding: line, as: UTF8.self)),
                      object["type"]?.stringValue == "message",
                      object["message"]?["role"]?.stringValue == "user",
                      let time = object["timestamp"]?.stringValue.flatMap(ISOTime.parse), time >= since else { continue }
                times.append(time)
            }
        }
        return times
    }
}

/// The figures of one bot from its session store, transcripts and log.
public enum BotFigureCounter {
    /// Messages in the last hour and day, active sessions, errors in the last hour.
    public static func figures(_ paths: BotPaths, sessions: [GatewaySessionEntry], now: Date = Date()) -> BotFigures {
        let dayAgo = now.addingTimeInterval(-86400)
        let hourAgo = now.addingTimeInterval(-3600)
        let times = SessionStoreReader.inboundMessageTimes(paths, sessions: sessions, since: dayAgo)
        let errors = LogFollower(path: paths.logFile).backlog(maxBytes: 4 << 20)
            .compactMap { OpenClawLog.parse(Substring($0), bot: paths.name) }
            .filter { $0.rank >= 4 && ($0.time ?? .distantPast) >= hourAgo }.count
        return BotFigures(
            messagesLastHour: times.filter { $0 >= hourAgo }.count, messagesLastDay: times.count,
            activeSessions: SessionStoreReader.summary(sessions, now: now).active, errorsLastHour: errors)
    }
}
