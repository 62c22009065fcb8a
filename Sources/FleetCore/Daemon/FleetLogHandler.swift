import FoundationEssentials
import Logging
import OpenClawConfig

/// How the long-running commands write their log lines.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-09-06T10:00:00Z info message key=value ...`: for people.
    case text
    /// One JSON object per line (`time`, `level`, `logger`, `message`, then the fields): for
    /// journald's structured fields and log shippers.
    case json
}

/// A swift-log handler writing one line per entry, as text or JSON, to a sink (standard output in
/// fleet). Fields (`metadata`) go out as `key=value` or as JSON members; values are never secrets
/// (callers log bot names, pids, commits, codes and messages that are already safe to print).
public struct FleetLogHandler: LogHandler {
    /// The level below which entries are dropped.
    public var logLevel: Logger.Level
    /// Fields added to every entry of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Text or JSON.
    public let format: LogFormat
    private let label: String
    private let sink: @Sendable (String) -> Void

    /// A handler for `label` at `level`, writing `format` lines (each ending in a newline) to `sink`.
    public init(label: String, level: Logger.Level, format: LogFormat, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = sink
    }

    /// A logger for `label` with this handler.
    public static func logger(label: String, level: Logger.Level, format: LogFormat,
                              sink: @escaping @Sendable (String) -> Void) -> Logger {
        Logger(label: label) { label in FleetLogHandler(label: label, level: level, format: format, sink: sink) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        sink(line(level: event.level, message: "\(event.message)", fields: fields, time: Date()))
    }

    /// One entry as a line (with its newline).
    func line(level: Logger.Level, message: String, fields: Logger.Metadata, time: Date) -> String {
        let stamp = time.formatted(.iso8601)
        switch format {
        case .text:
            var text = "\(stamp) \(level.rawValue) \(message)"
            for key in fields.keys.sorted() {
                guard let value = fields[key] else { continue }
                let rendered = "\(value)"
                let needsQuotes = rendered.isEmpty || rendered.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" })
                text += " \(key)=" + (needsQuotes ? JSONValue.string(rendered).json(pretty: false) : rendered)
            }
            return text + "\n"
        case .json:
            var object: [String: JSONValue] = [
                "time": .string(stamp), "level": .string(level.rawValue), "logger": .string(label), "message": .string(message),
            ]
            for (key, value) in fields where object[key] == nil { object[key] = Self.json(value) }
            return JSONValue.object(object).json(pretty: false) + "\n"
        }
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .stringConvertible(let c): return .string(c.description)
        case .array(let items): return .array(items.map(json))
        case .dictionary(let members): return .object(members.mapValues(json))
        }
    }
}
