import FleetCore
import FoundationEssentials

/// A bot's messages and errors per hour over the last 24 hours, from its session transcripts
/// and its log (the same files `fleet describe`'s figures come from).
enum BotActivity {
    /// Inbound messages and error log lines per hour, oldest first (24 buckets each).
    static func hourly(_ paths: BotPaths, now: Date = Date()) -> (messages: [Int], errors: [Int]) {
        let dayAgo = now.addingTimeInterval(-86400)
        let sessions = SessionStoreReader.sessions(paths)
        var messages = [Int](repeating: 0, count: 24)
        for time in SessionStoreReader.inboundMessageTimes(paths, sessions: sessions, since: dayAgo) {
            if let i = bucket(time, now: now) { messages[i] += 1 }
        }
        var errors = [Int](repeating: 0, count: 24)
        for line in LogFollower(path: paths.logFile).backlog(maxBytes: 4 << 20) {
            guard let entry = OpenClawLog.parse(Substring(line), bot: paths.name), entry.rank >= 4,
                  let time = entry.time, let i = bucket(time, now: now) else { continue }
            errors[i] += 1
        }
        return (messages, errors)
    }

    /// The bucket of `time`: 23 for the last hour, 0 for 23 to 24 hours ago.
    static func bucket(_ time: Date, now: Date) -> Int? {
        let age = now.timeIntervalSince(time)
        guard age >= 0, age < 86400 else { return age < 0 && age > -60 ? 23 : nil }
        return 23 - Int(age / 3600)
    }
}
