import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc
import OpenClawConfig

/// `fleet sessions BOT`: the bot's conversations.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List a bot's sessions (from its gateway's sessions.list, else its on-disk store).",
        discussion: """
            Examples:
              fleet sessions support
              fleet sessions support --active 60m --json
            """)

    @Argument(help: "The bot.")
    var bot: String

    @Option(name: .long, help: "Only sessions active this recently (60m, 2h, 1d).")
    var active: String?

    @Option(name: .long, help: "At most this many sessions (newest first).")
    var limit: Int?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func validate() throws {
        if let active, parseSpan(active) == nil { throw ValidationError("--active must be a duration like 60m, 2h or 1d") }
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
    }

    func run() async throws {
        let host = HostView.load(source: source, state: state)
        host.require(bot)
        let paths = BotPaths(root: host.root, name: bot)
        let window = active.flatMap(parseSpan)
        var via = "disk"
        var note: String?
        var problem: GatewayProblem?
        var sessions: [GatewaySessionEntry] = []
        var answered = false
        let record = host.state.bots[bot]
        let release = record?.applied?.launch.release.flatMap(OpenClawRelease.init)
        if let record, let pid = record.pid, ProcessTable.isAlive(pid, startTime: record.pidStartTime) {
            let token = HostFiles.read(paths.gatewayToken).map { String(decoding: $0, as: UTF8.self).trimmed }
            do {
                let session = try await GatewayClient.connect(host: record.applied?.launch.connectHost ?? "127.0.0.1", port: record.port,
                                                              token: token, timeout: .seconds(3))
                defer { session.close() }
                // OpenClaw's sessions.list: activeMinutes and limit, each 1 or more (SessionsListParamsSchema).
                sessions = try await session.sessionsList(activeMinutes: window.map { max(1, Int(($0 / 60).rounded(.up))) }, limit: limit)
                via = "gateway"
                answered = true
            } catch {
                problem = error.record(bot: bot)
                note = "the gateway did not answer [\(error.code)]: \(error.message)"
                    + (error.fix(bot: bot).map { "\n  fix: \($0)" } ?? "") + "\nread from the on-disk store instead"
            }
        } else {
            note = "the gateway is not running; read from the on-disk store"
        }
        if !answered {
            let stored = SessionStoreReader.read(paths, release: release, activeWithin: window)
            sessions = stored.sessions
            if let extra = stored.note { note = (note.map { $0 + "\n" } ?? "") + extra }
        }
        if let limit { sessions = Array(sessions.prefix(limit)) }
        if json {
            struct Out: Encodable {
                var bot: String
                var via: String
                var count: Int
                var sessions: [GatewaySessionEntry]
                var gatewayError: GatewayProblem?
                var note: String?
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Output.out(String(decoding: try encoder.encode(Out(bot: bot, via: via, count: sessions.count, sessions: sessions,
                                                                                        gatewayError: problem, note: note)), as: UTF8.self) + "\n")
            return
        }
        let style = Output.style()
        if sessions.isEmpty {
            Output.out("no sessions\(active.map { " active in the last \($0)" } ?? "") for \(bot)\n")
        } else {
            var rows = [["SESSION", "CHANNEL", "PEER", "UPDATED", "TOKENS"]]
            for s in sessions {
                rows.append([s.key, s.channel ?? "-", s.displayName ?? "-",
                             s.updatedAt.map { ISOTime.ago(Date(timeIntervalSince1970: Double($0) / 1000)) } ?? "-",
                             s.totalTokens.map(String.init) ?? "-"])
            }
            Output.out(TextTable.render(rows, style: style))
        }
        if let note { Output.out(style.dim(note) + "\n") }
    }
}

/// Left-aligned columns with a bold header.
enum TextTable {
    static func render(_ rows: [[String]], style: TextStyle) -> String {
        guard let header = rows.first else { return "" }
        let widths = header.indices.map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        var out = ""
        for (i, row) in rows.enumerated() {
            let cells = row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell.padded(to: widths[c])
            }
            let line = cells.joined(separator: "  ")
            out += (i == 0 ? style.bold(line) : line) + "\n"
        }
        return out
    }
}
