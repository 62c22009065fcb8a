import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet history [BOT]`: the apply journal.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the apply journal: when, which commit and author, what was done and why, the result.",
        discussion: """
            Newest first. The journal is <root>/journal.jsonl; git history holds the manifest changes themselves.

            Examples:
              fleet history
              fleet history support --limit 10
              fleet history --json
            """)

    @Argument(help: "Only this bot.")
    var bot: String?

    @Option(name: .long, help: "At most this many entries (0: all).")
    var limit: Int = 50

    @Flag(name: .long, help: "Print JSON (oldest first, every field).")
    var json = false

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func run() throws {
        let host = HostView.load(source: source, state: state)
        var entries = Journal.read(host.root + "/journal.jsonl")
        if let bot {
            if !entries.contains(where: { $0.bot == bot }) { host.require(bot) }
            entries = entries.filter { $0.bot == bot }
        }
        if limit > 0 { entries = Array(entries.suffix(limit)) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            Output.out(String(decoding: try encoder.encode(entries), as: UTF8.self) + "\n")
            return
        }
        guard !entries.isEmpty else {
            Output.out("no journal entries\(bot.map { " for \($0)" } ?? "") under \(host.root)\n")
            return
        }
        let style = Output.style()
        var rows = [["WHEN", "COMMIT", "AUTHOR", "BOT", "ACTION", "RESULT", "WHY"]]
        for e in entries.reversed() {
            let result = e.result == "ok" ? style.green(e.result) : style.red(e.result)
            let why = (e.reasons + (e.error.map { ["error: \($0)"] } ?? [])).joined(separator: "; ")
            rows.append([ISOTime.utc(e.time), e.commit.map { String($0.prefix(7)) } ?? "-", Self.author(e.author),
                         e.bot, e.action, result, why])
        }
        Output.out(TextTable.render(rows, style: style))
    }

    /// `Ada Author <ada@example.com>` → `Ada Author`.
    static func author(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        if let lt = text.firstIndex(of: "<") { return text[..<lt].trimmed }
        return text
    }
}
