import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet describe BOT`: everything about one bot in one screen.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show everything about one bot in one screen.",
        discussion: """
            The manifest file and commit, the rendered config's path and hash, the process (pid, uptime, \
            restarts, last exit), health and readiness, channels, sessions, the figures, the bot's last \
            journal entries and its last log lines.

            Examples:
              fleet describe support
              fleet describe support --json
            """)

    @Argument(help: "The bot.")
    var bot: String

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    @Option(name: .long, help: "How many log lines to show.")
    var lines: Int = 10

    @Option(name: .long, help: "How many journal entries to show.")
    var journal: Int = 5

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let host = HostView.load(source: source, state: state)
        let set = try? FleetSession.load(source.source)
        let manifest = set?.bot(named: bot)
        host.require(bot, extra: set?.bots.map(\.name) ?? [])
        var one = FleetState()
        if let record = host.state.bots[bot] { one.bots[bot] = record }
        let live = await StatusReport.refresh(one, root: host.root, probeTimeout: .seconds(1), detail: .full)
        let record = live.bots[bot]
        let info = BotDescription.ManifestInfo(
            file: manifest?.origin.file ?? record?.manifest, commit: set?.commit?.id, appliedCommit: record?.appliedCommit,
            displayName: manifest?.displayName, owners: manifest?.owners)
        let description = BotDescription.make(name: bot, bot: live.bots[bot], root: host.root, manifest: info,
                                              journalLimit: max(0, journal), logLines: max(0, lines))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            Output.out(String(decoding: try encoder.encode(description), as: UTF8.self) + "\n")
        } else {
            Output.out(description.text(style: Output.style()))
        }
    }
}
