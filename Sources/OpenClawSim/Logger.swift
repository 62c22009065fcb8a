import Glibc
import OpenClawConfig

/// Writes OpenClaw-style JSON log lines to the log file and human lines to stdout.
///
/// A file line looks like
/// `{"0":"[gateway] listening on ws://127.0.0.1:18789","_meta":{"date":"…","logLevelName":"INFO","name":"openclaw"},"time":"…"}`.
final class Logger {
    private(set) var filePath: String
    var fileLevel: LogLevel
    var consoleLevel: LogLevel

    init(filePath: String, fileLevel: LogLevel, consoleLevel: LogLevel) {
        self.filePath = filePath
        self.fileLevel = fileLevel
        self.consoleLevel = consoleLevel
        FileSystem.makeDirectories(FileSystem.dirname(filePath))
    }

    /// The default file: `/tmp/openclaw/openclaw-YYYY-MM-DD.log`.
    static func defaultFilePath() -> String {
        "/tmp/openclaw/openclaw-\(Clock.localDate()).log"
    }

    func moveFile(to path: String) {
        filePath = path
        FileSystem.makeDirectories(FileSystem.dirname(path))
    }

    func trace(_ subsystem: String, _ message: String) { log(.trace, subsystem, message) }
    func debug(_ subsystem: String, _ message: String) { log(.debug, subsystem, message) }
    func info(_ subsystem: String, _ message: String) { log(.info, subsystem, message) }
    func warn(_ subsystem: String, _ message: String) { log(.warn, subsystem, message) }
    func error(_ subsystem: String, _ message: String) { log(.error, subsystem, message) }
    func fatal(_ subsystem: String, _ message: String) { log(.fatal, subsystem, message) }

    func log(_ level: LogLevel, _ subsystem: String, _ message: String) {
        let text = "[\(subsystem)] \(message)"
        let now = Clock.iso8601()
        if level >= fileLevel {
            let line: JSONValue = .object([
                "0": .string(text),
                "_meta": .object([
                    "name": .string("openclaw"), "date": .string(now), "logLevelName": .string(level.upperName),
                ]),
                "time": .string(now),
            ])
            FileSystem.append(filePath, Array((line.json(pretty: false) + "\n").utf8))
        }
        if level >= consoleLevel {
            let prefix = level == .info ? "" : level.upperName + " "
            FileSystem.writeAll(1, Array("\(now) \(prefix)\(text)\n".utf8))
        }
    }
}
