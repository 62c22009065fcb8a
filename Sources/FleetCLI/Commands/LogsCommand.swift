import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet logs [BOT...]`: OpenClaw's tslog lines made readable, several bots interleaved.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show the bots' gateway logs readably (TIME LEVEL bot subsystem | message); -f follows them.",
        discussion: """
            Reads each bot's OpenClaw log (<root>/bots/<bot>/logs/openclaw.log, tslog JSON lines: the \
            logger's subsystem, the message, the level). Several bots are interleaved by time. -f keeps \
            reading new lines, across log rotation (OpenClaw 2026.8 and later rename the file to \
            openclaw.1.log at 100 MB; a file truncated in place is read again), until Ctrl-C. When the \
            file is not on this host and the gateway runs, the lines come from the gateway (logs.tail).

            Examples:
              fleet logs support
              fleet logs -f --level warn
              fleet logs support --subsystem gateway/channels
              fleet logs support ops --since 10m --grep 'telegram|discord'
              fleet logs support --json
            """)

    @Argument(help: "The bots (default: every bot on this host).")
    var bots: [String] = []

    @Flag(name: .shortAndLong, help: "Follow: print new lines as they are written.")
    var follow = false

    @Option(name: .long, help: "The lowest level shown: trace, debug, info, warn, error, fatal.")
    var level: String?

    @Option(name: .long, help: "Only lines whose message matches this regular expression.")
    var grep: String?

    @Option(name: .long, help: "Only lines of this subsystem or below it (gateway, gateway/channels, gateway/channels/telegram).")
    var subsystem: String?

    @Option(name: .long, help: "Only lines newer than this: 10m, 2h, 1d, or a time (2026-09-06T10:00:00Z).")
    var since: String?

    @Option(name: [.customShort("n"), .long], help: "Lines per bot from the end of each log (0: all; default 50, or all with --since).")
    var lines: Int?

    @Flag(name: .long, help: "One JSON object per line: {time, level, bot, message}.")
    var json = false

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func validate() throws {
        if let level, LogLevelName.parse(level) == nil {
            throw ValidationError("--level must be one of trace, debug, info, warn, error, fatal")
        }
        if let grep, (try? Regex(grep)) == nil {
            throw ValidationError("--grep '\(grep)' is not a valid regular expression")
        }
        if let since, parseSince(since) == nil {
            throw ValidationError("--since must be a duration (10m, 2h, 1d) or a time (2026-09-06T10:00:00Z)")
        }
        if let lines, lines < 0 { throw ValidationError("--lines must be 0 or more") }
    }

    func run() throws {
        let host = HostView.load(source: source, state: state)
        for bot in bots { host.require(bot) }
        let names = bots.isEmpty ? host.botNames : bots
        if names.isEmpty { Output.err("fleet: no bots under \(host.root) yet; run fleet apply\n") }
        let filter = LogFilter(minRank: level.flatMap(LogLevelName.parse) ?? 0,
                               regex: grep.flatMap { try? Regex($0) },
                               since: since.flatMap(parseSince), subsystem: subsystem)
        let width = names.count > 1 ? (names.map(\.count).max() ?? 0) : 0
        let style = Output.style()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        func emit(_ entries: [LogEntry]) {
            var text = ""
            for e in entries {
                if json {
                    text += ((try? encoder.encode(e)).map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n"
                } else {
                    text += OpenClawLog.format(e, botWidth: width, style: style) + "\n"
                }
            }
            if !text.isEmpty { Output.out(text) }
        }

        let perBot = lines ?? (since == nil ? 50 : 0)
        var sources: [LogSource] = []
        for name in names {
            let path = BotPaths(root: host.root, name: name).logFile
            if HostFiles.exists(path) || !host.isRunning(name) {
                sources.append(.file(name, LogFollower(path: path)))
            } else if let remote = RemoteLog.open(host: host, bot: name) {
                sources.append(.remote(name, remote))
            } else {
                sources.append(.file(name, LogFollower(path: path)))
            }
        }
        var backlog: [[LogEntry]] = []
        for source in sources {
            var entries = source.backlog(needsOlder: since != nil || perBot == 0)
                .compactMap { OpenClawLog.parse(Substring($0), bot: source.bot) }.filter(filter.accepts)
            if perBot > 0 { entries = Array(entries.suffix(perBot)) }
            backlog.append(entries)
        }
        emit(OpenClawLog.interleave(backlog))
        guard follow else { return }
        Interrupt.exitOnSIGINT()
        while true {
            usleep(200_000)
            let fresh = sources.map { source in
                source.poll().compactMap { OpenClawLog.parse(Substring($0), bot: source.bot) }.filter(filter.accepts)
            }
            emit(OpenClawLog.interleave(fresh))
        }
    }
}

/// Which entries `fleet logs` prints.
struct LogFilter {
    var minRank: Int
    var regex: Regex<AnyRegexOutput>?
    var since: Date?
    var subsystem: String?

    func accepts(_ e: LogEntry) -> Bool {
        guard e.rank >= minRank else { return false }
        if let subsystem, !e.inSubsystem(subsystem) { return false }
        if let since, let t = e.time, t < since { return false }
        if let regex {
            if !e.message.contains(regex) { return false }
        }
        return true
    }
}

/// `10m` (ago) or an RFC 3339 time.
func parseSince(_ text: String) -> Date? {
    if let seconds = parseSpan(text) { return Date().addingTimeInterval(-seconds) }
    return ISOTime.parse(text)
}
