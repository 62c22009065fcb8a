import Glibc
import OpenClawConfig

/// Writes OpenClaw's (tslog) JSON log lines to the log file and human lines to stdout.
///
/// A file line, as a real gateway writes it (OpenClaw: src/logging/subsystem.ts; seen in logs of
/// 2026.3 gateways):
/// `{"0":"{\"subsystem\":\"gateway/channels/telegram\"}","1":"[default] starting provider","_meta":{"name":"{\"subsystem\":\"gateway/channels/telegram\"}","parentNames":["openclaw"],"date":"…","logLevelId":3,"logLevelName":"INFO","hostname":"…"},"time":"…"}`.
/// The 2026.8 line adds top-level `message` and `hostname` and rotates the file at 100 MB to
/// `<name>.1.log` (the release table's ``LogLineRule``).
final class Logger {
    private(set) var filePath: String
    var fileLevel: LogLevel
    var consoleLevel: LogLevel
    /// The line shape and rotation of the persona's release.
    let shape: LogLineRule
    /// The rotation size: the release's, or `OPENCLAW_SIM_LOG_ROTATE_BYTES` (test-only) for a
    /// release that rotates.
    let rotateAtBytes: Int?
    /// Test-only fault switch: write the stand-in's old flat lines (`{"0":"[subsystem] message"}`).
    let flatLines: Bool
    private let hostname: String

    init(filePath: String, fileLevel: LogLevel, consoleLevel: LogLevel, shape: LogLineRule,
         rotateOverride: Int? = nil, flatLines: Bool = false) {
        self.filePath = filePath
        self.fileLevel = fileLevel
        self.consoleLevel = consoleLevel
        self.shape = shape
        self.flatLines = flatLines
        rotateAtBytes = shape.rotateAtBytes.map { rotateOverride ?? $0 }
        var name = [CChar](repeating: 0, count: 256)
        if gethostname(&name, name.count) == 0 {
            hostname = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        } else {
            hostname = "unknown"
        }
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

    /// Logs `message` under `subsystem` (`gateway`, `gateway/reload`, `gateway/channels/telegram`, …).
    func log(_ level: LogLevel, _ subsystem: String, _ message: String) {
        let now = Clock.iso8601()
        if level >= fileLevel {
            let bytes = Array((line(level, subsystem, message, now: now).json(pretty: false) + "\n").utf8)
            rotateIfNeeded(adding: bytes.count)
            FileSystem.append(filePath, bytes)
        }
        if level >= consoleLevel {
            let prefix = level == .info ? "" : level.upperName + " "
            FileSystem.writeAll(1, Array("\(now) \(prefix)[\(subsystem)] \(message)\n".utf8))
        }
    }

    /// One file line.
    func line(_ level: LogLevel, _ subsystem: String, _ message: String, now: String) -> JSONValue {
        if flatLines {
            return .object(["0": .string("[\(subsystem)] \(message)"),
                            "_meta": .object(["date": .string(now), "logLevelName": .string(level.upperName)]),
                            "time": .string(now)])
        }
        let name = JSONValue.object(["subsystem": .string(subsystem)]).json(pretty: false)
        var members: [String: JSONValue] = [
            "0": .string(name),
            "1": .string(message),
            "_meta": .object([
                "runtime": .string("openclaw-sim"), "hostname": .string(hostname), "name": .string(name),
                "parentNames": .array([.string("openclaw")]), "date": .string(now),
                "logLevelId": .int(Int64(level.rawValue + 1)), "logLevelName": .string(level.upperName),
            ]),
            "time": .string(now),
        ]
        if shape.topLevelMessage { members["message"] = .string(message) }
        if shape.hostname { members["hostname"] = .string(hostname) }
        return .object(members)
    }

    /// Renames the file to `<name>.1.log` once it would pass the release's rotation size.
    private func rotateIfNeeded(adding count: Int) {
        guard let limit = rotateAtBytes else { return }
        var info = stat()
        guard stat(filePath, &info) == 0, Int(info.st_size) + count > limit, info.st_size > 0 else { return }
        rename(filePath, LogLineRule.rotatedPath(filePath))
    }
}
