/// OpenClaw's log levels, least to most severe.
enum LogLevel: Int, Comparable {
    case trace, debug, info, warn, error, fatal

    init?(name: String) {
        switch name.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warn
        case "error": self = .error
        case "fatal": self = .fatal
        case "silent": self = .fatal
        default: return nil
        }
    }

    /// `INFO`, as in the `_meta.logLevelName` of a log line.
    var upperName: String {
        switch self {
        case .trace: return "TRACE"
        case .debug: return "DEBUG"
        case .info: return "INFO"
        case .warn: return "WARN"
        case .error: return "ERROR"
        case .fatal: return "FATAL"
        }
    }

    static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
