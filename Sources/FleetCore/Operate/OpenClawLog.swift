import FoundationEssentials
import OpenClawConfig
import Glibc

/// One line of an OpenClaw JSON log (tslog's shape), made readable.
public struct LogEntry: Sendable, Hashable, Codable {
    /// When it was logged (nil for a line that carries no time).
    public var time: Date?
    /// `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR` or `FATAL`.
    public var level: String
    /// The logger's subsystem (`gateway/channels/telegram`), when the line names one.
    public var subsystem: String?
    /// The message: the positional parts after the logger's name, joined by spaces.
    public var message: String
    /// The bot whose log it is.
    public var bot: String

    /// Creates an entry.
    public init(time: Date?, level: String, subsystem: String? = nil, message: String, bot: String) {
        self.time = time
        self.level = level
        self.subsystem = subsystem
        self.message = message
        self.bot = bot
    }

    /// Whether the entry's subsystem is `filter` or below it (`gateway/channels` takes every channel).
    public func inSubsystem(_ filter: String) -> Bool {
        guard let subsystem else { return false }
        return subsystem == filter || subsystem.hasPrefix(filter + "/")
    }

    /// The level's rank (0 trace ... 5 fatal; unknown levels rank as info).
    public var rank: Int { LogLevelName.rank(level) }
}

/// OpenClaw's level names and their order.
public enum LogLevelName {
    /// From least to most severe.
    public static let all = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]

    /// The rank of `name` (case-insensitive; `warning` is `WARN`); nil when unknown.
    public static func parse(_ name: String) -> Int? {
        let upper = name.uppercased()
        if upper == "WARNING" { return 3 }
        return all.firstIndex(of: upper)
    }

    static func rank(_ name: String) -> Int { parse(name) ?? 2 }
}

/// Reads OpenClaw's JSON log lines as tslog writes them (OpenClaw: src/logging/subsystem.ts):
/// `{"0": "{\"subsystem\":\"gateway/channels/telegram\"}", "1": "[default] starting provider",
/// "_meta": {"name": ..., "logLevelName": "INFO", "date": ...}, "time": "..."}`; the 2026.8 line adds
/// top-level `message` and `hostname`. A root logger's line has no name: `"0"` is then the message.
public enum OpenClawLog {
    /// Parses one line. A line that is not a JSON object is kept as an INFO message without a time;
    /// a blank line is nil.
    public static func parse(_ line: Substring, bot: String) -> LogEntry? {
        let trimmed = line.trimmed
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.hasPrefix("{"), let object = (try? JSON5.parse(trimmed))?.objectValue else {
            return LogEntry(time: nil, level: "INFO", message: trimmed, bot: bot)
        }
        var parts: [(Int, JSONValue)] = []
        for (key, value) in object {
            guard let index = Int(key) else { continue }
            parts.append((index, value))
        }
        parts.sort { $0.0 < $1.0 }
        let meta = object["_meta"]?.objectValue
        // The logger's name: `"0"` when it is `{"subsystem": ...}` JSON (also in `_meta.name`).
        var subsystem: String?
        if let first = parts.first, first.0 == 0, let name = first.1.stringValue, let sub = Self.subsystem(inName: name) {
            subsystem = sub
            parts.removeFirst()
        } else if let name = meta?["name"]?.stringValue {
            subsystem = Self.subsystem(inName: name)
        }
        var message = parts.map { text(of: $0.1) }.joined(separator: " ")
        if message.isEmpty, let top = object["message"]?.stringValue { message = top }
        let level = (meta?["logLevelName"]?.stringValue ?? object["level"]?.stringValue ?? "INFO").uppercased()
        let timeText = object["time"]?.stringValue ?? meta?["date"]?.stringValue
        return LogEntry(time: timeText.flatMap(ISOTime.parse), level: level == "WARNING" ? "WARN" : level,
                        subsystem: subsystem, message: message, bot: bot)
    }

    /// `gateway/channels/telegram` from a logger name `{"subsystem":"gateway/channels/telegram"}`.
    static func subsystem(inName name: String) -> String? {
        guard name.hasPrefix("{"), let value = try? JSON5.parse(name), let sub = value["subsystem"]?.stringValue, !sub.isEmpty else {
            return nil
        }
        return sub
    }

    /// Every entry of `text` in file order.
    public static func parse(text: String, bot: String) -> [LogEntry] {
        text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { parse($0, bot: bot) }
    }

    private static func text(of value: JSONValue) -> String {
        if case .string(let s) = value { return s }
        return value.json(pretty: false)
    }

    /// `TIME LEVEL bot subsystem | message`; the bot column is padded to `botWidth` (0: no bot
    /// column), the subsystem shown when the line names one.
    public static func format(_ entry: LogEntry, botWidth: Int, style: TextStyle = .plain) -> String {
        let time = entry.time.map(ISOTime.local) ?? String(repeating: " ", count: 23)
        let padded = entry.level.padded(to: 5)
        let level: String
        switch entry.rank {
        case 4...: level = style.red(padded)
        case 3: level = style.yellow(padded)
        case ...1: level = style.dim(padded)
        default: level = padded
        }
        var head = botWidth > 0 ? style.cyan(entry.bot.padded(to: botWidth)) + " " : ""
        if let subsystem = entry.subsystem { head += style.dim(subsystem) + " " }
        return "\(style.dim(time)) \(level) \(head)| \(entry.message)"
    }

    /// Entries merged by time (stable: entries without a time keep their place after the previous one).
    public static func interleave(_ lists: [[LogEntry]]) -> [LogEntry] {
        var all: [(Date, Int, LogEntry)] = []
        var n = 0
        for list in lists {
            var last = Date.distantPast
            for entry in list {
                if let t = entry.time { last = t }
                all.append((last, n, entry))
                n += 1
            }
        }
        return all.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map(\.2)
    }
}

/// RFC 3339 times as OpenClaw writes them, parsed and printed without a formatter object.
public enum ISOTime {
    /// Parses `2026-09-06T10:00:00.123Z` (fraction and offset optional; `+02:00` offsets allowed).
    public static func parse(_ text: String) -> Date? {
        let c = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= c.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard c[i] >= 0x30, c[i] <= 0x39 else { return nil }
                v = v * 10 + Int(c[i] - 0x30)
            }
            return v
        }
        guard c.count >= 19, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2) else { return nil }
        var i = 19
        var fraction = 0.0
        if i < c.count, c[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            while i < c.count, c[i] >= 0x30, c[i] <= 0x39 {
                fraction += Double(c[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        var offset = 0
        if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-"), let oh = num(i + 1, 2) {
            let om = num(i + 4, 2) ?? num(i + 3, 2) ?? 0
            offset = (oh * 3600 + om * 60) * (c[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        var tm = tm()
        tm.tm_year = Int32(y - 1900)
        tm.tm_mon = Int32(mo - 1)
        tm.tm_mday = Int32(d)
        tm.tm_hour = Int32(h)
        tm.tm_min = Int32(mi)
        tm.tm_sec = Int32(s)
        let epoch = timegm(&tm)
        return Date(timeIntervalSince1970: Double(epoch - offset) + fraction)
    }

    /// `2026-09-06 12:00:00.123` in the local time zone.
    public static func local(_ date: Date) -> String {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        let ms = Int((date.timeIntervalSince1970 - floor(date.timeIntervalSince1970)) * 1000)
        var tm = tm()
        localtime_r(&seconds, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let msText = ms < 10 ? "00\(ms)" : (ms < 100 ? "0\(ms)" : "\(ms)")
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday)) \(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)).\(msText)"
    }

    /// `2026-09-06T10:00:00Z` (UTC, whole seconds), for tables and JSON-free text.
    public static func utc(_ date: Date) -> String {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        var tm = tm()
        gmtime_r(&seconds, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
    }

    /// `42s ago`, `5m ago`, `3h ago`, `2d ago`.
    public static func ago(_ date: Date, now: Date = Date()) -> String {
        let s = max(0, Int(now.timeIntervalSince(date)))
        if s < 60 { return "\(s)s ago" }
        if s < 3600 { return "\(s / 60)m ago" }
        if s < 86400 { return "\(s / 3600)h ago" }
        return "\(s / 86400)d ago"
    }
}
