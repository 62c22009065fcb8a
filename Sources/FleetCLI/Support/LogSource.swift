import FleetCore
import FoundationEssentials
import Glibc
import OpenClawConfig

extension HostView {
    /// Whether the state file records a live gateway for `bot`.
    func isRunning(_ bot: String) -> Bool {
        guard let record = state.bots[bot], let pid = record.pid else { return false }
        return ProcessTable.isAlive(pid, startTime: record.pidStartTime)
    }
}

/// Where `fleet logs` reads one bot's lines: its log file on this host, or the running gateway's
/// `logs.tail` when the file is not here.
enum LogSource {
    case file(String, LogFollower)
    case remote(String, RemoteLog)

    var bot: String {
        switch self {
        case .file(let bot, _), .remote(let bot, _): return bot
        }
    }

    /// The recent lines; with `needsOlder`, the rotated file's lines first (`openclaw.1.log`, as
    /// OpenClaw 2026.8 and later rotate: the release table's ``LogLineRule``).
    func backlog(needsOlder: Bool) -> [String] {
        switch self {
        case .file(_, let follower):
            var lines: [String] = []
            if needsOlder {
                lines = LogFollower(path: LogLineRule.rotatedPath(follower.path)).backlog()
            }
            return lines + follower.backlog()
        case .remote(_, let remote):
            return remote.backlog()
        }
    }

    /// Lines written since the last call.
    func poll() -> [String] {
        switch self {
        case .file(_, let follower): return follower.poll()
        case .remote(_, let remote): return remote.poll()
        }
    }
}

/// A running gateway's log read over its protocol (`logs.tail` with a cursor, OpenClaw:
/// src/gateway/protocol/schema/logs-chat.ts), for a gateway whose log file is not on this host.
final class RemoteLog {
    private let session: GatewaySession
    private var cursor: Int64?
    private var lastPoll = Date.distantPast

    private init(session: GatewaySession) { self.session = session }

    /// Connects to the bot's gateway; nil (with a note on stderr) when it does not answer.
    static func open(host: HostView, bot: String) -> RemoteLog? {
        guard let record = host.state.bots[bot] else { return nil }
        let paths = BotPaths(root: host.root, name: bot)
        let token = HostFiles.read(paths.gatewayToken).map { String(decoding: $0, as: UTF8.self).trimmed }
        do {
            let session = try GatewaySession.open(host: record.applied?.launch.connectHost ?? "127.0.0.1", port: record.port,
                                                  token: token, timeout: .seconds(3))
            Output.err("fleet: \(bot): \(paths.logFile) is not on this host; reading the gateway's log over its protocol (logs.tail)\n")
            return RemoteLog(session: session)
        } catch {
            Output.err("fleet: \(bot): no log file at \(paths.logFile) and the gateway did not answer [\(error.code)]: \(error.message)\n"
                       + (error.fix(bot: bot).map { "  fix: \($0)\n" } ?? ""))
            return nil
        }
    }

    func backlog() -> [String] {
        do {
            let tail = try session.logsTailBlocking(limit: 5000, maxBytes: 1_000_000)
            cursor = tail.cursor
            return tail.lines
        } catch {
            Output.err("fleet: logs.tail failed [\(error.code)]: \(error.message)\n")
            return []
        }
    }

    /// Asks for new lines at most once a second.
    func poll() -> [String] {
        guard Date().timeIntervalSince(lastPoll) >= 1 else { return [] }
        lastPoll = Date()
        do {
            let tail = try session.logsTailBlocking(cursor: cursor, limit: 5000, maxBytes: 1_000_000)
            cursor = tail.cursor
            return tail.lines
        } catch {
            return []
        }
    }
}
