import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc
import OpenClawConfig

/// `fleet check [BOT]`: ask each channel provider whether the credentials work.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask each channel's provider whether the bot's credentials work.",
        discussion: """
            Telegram getMe, Discord's current user, Slack auth.test; one verdict per channel account, \
            and where to get a new token when one is rejected. Tokens are never printed.
            Provider URLs: FLEET_TELEGRAM_API, FLEET_DISCORD_API, FLEET_SLACK_API (defaults: the real ones).

            Exit codes: 0 every checked credential works, 1 one was rejected or could not be checked.

            Examples:
              fleet check
              fleet check support --json
            """)

    @Argument(help: "The bot to check (default: every bot).")
    var bot: String?

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "Seconds to wait for each provider.")
    var timeout: Double = 10

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let set = source.loadOrExit()
        var bots = set.bots
        if let bot {
            guard let manifest = set.bot(named: bot) else {
                let names = set.bots.map(\.name)
                let hint = Suggestion.closest(to: bot, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                CLIError(message: "no bot named '\(bot)'\(hint); bots: \(names.joined(separator: ", "))", exitCode: 1).exit()
            }
            bots = [manifest]
        }
        let secrets = set.secrets
        let checker = ChannelChecker(
            endpoints: .from(), timeout: .milliseconds(Int(max(0.1, timeout) * 1000)),
            opener: { bot, field, raw in try secrets.open(bot: bot, field: field, raw: raw) })
        let results = bots.flatMap { checker.check($0) }
        if json {
            let value: JSONValue = .array(results.map { r in
                var o: [String: JSONValue] = [
                    "bot": .string(r.bot), "channel": .string(r.channel), "accountId": .string(r.accountId),
                    "status": .string(r.status.rawValue), "message": .string(r.message),
                ]
                if let identity = r.identity { o["identity"] = .string(identity) }
                return .object(o)
            })
            Output.out(value.json(pretty: true) + "\n")
        } else {
            let style = Output.style()
            for r in results {
                let mark: String
                switch r.status {
                case .ok: mark = style.color ? "\u{1B}[32mok\u{1B}[0m" : "ok"
                case .rejected: mark = style.color ? "\u{1B}[31mREJECTED\u{1B}[0m" : "REJECTED"
                case .unreachable: mark = style.color ? "\u{1B}[33mUNREACHABLE\u{1B}[0m" : "UNREACHABLE"
                case .error: mark = style.color ? "\u{1B}[31mERROR\u{1B}[0m" : "ERROR"
                case .skipped: mark = "skipped"
                }
                Output.out("\(r.bot)  \(r.channel)/\(r.accountId)  \(mark): \(r.message)\n")
            }
            if results.isEmpty { Output.out("no channel accounts to check\n") }
        }
        if results.contains(where: { $0.status != .ok && $0.status != .skipped }) {
            Glibc.exit(1)
        }
    }
}
