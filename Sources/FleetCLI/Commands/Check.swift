import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc
import OpenClawConfig

/// `fleet check [BOT]`: ask each channel provider whether the credentials work, and Anthropic
/// and OpenAI whether the model provider keys do.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask each channel's provider whether the bot's credentials work, and the model providers whether the API keys do.",
        discussion: """
            Telegram getMe, Discord's current user, Slack auth.test; one verdict per channel account, \
            and where to get a new token when one is rejected. Model provider keys (spec.providers): \
            Anthropic's and OpenAI's models list, each key once (the Fleet manifest's, a bot's own); \
            other providers are skipped. Tokens and keys are never printed.
            Provider URLs: FLEET_TELEGRAM_API, FLEET_DISCORD_API, FLEET_SLACK_API, FLEET_ANTHROPIC_API, \
            FLEET_OPENAI_API (defaults: the real ones).

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
        let keyChecker = ProviderKeyChecker(
            endpoints: .from(), timeout: .milliseconds(Int(max(0.1, timeout) * 1000)),
            opener: { scope, field, raw in try secrets.open(bot: scope, field: field, raw: raw) })
        let keyResults = keyChecker.check(bots, fleet: set.fleet)
        if json {
            let keyValues: [JSONValue] = keyResults.map { r in
                .object([
                    "scope": .string(r.scope), "provider": .string(r.provider), "bots": .array(r.bots.map(JSONValue.string)),
                    "status": .string(r.status.rawValue), "message": .string(r.message),
                ])
            }
            let value: JSONValue = .array(results.map { r in
                var o: [String: JSONValue] = [
                    "bot": .string(r.bot), "channel": .string(r.channel), "accountId": .string(r.accountId),
                    "status": .string(r.status.rawValue), "message": .string(r.message),
                ]
                if let identity = r.identity { o["identity"] = .string(identity) }
                return .object(o)
            } + keyValues)
            Output.out(value.json(pretty: true) + "\n")
        } else {
            let style = Output.style()
            func mark(_ status: ChannelCheckResult.Status) -> String {
                switch status {
                case .ok: return style.color ? "\u{1B}[32mok\u{1B}[0m" : "ok"
                case .rejected: return style.color ? "\u{1B}[31mREJECTED\u{1B}[0m" : "REJECTED"
                case .unreachable: return style.color ? "\u{1B}[33mUNREACHABLE\u{1B}[0m" : "UNREACHABLE"
                case .error: return style.color ? "\u{1B}[31mERROR\u{1B}[0m" : "ERROR"
                case .skipped: return "skipped"
                }
            }
            for r in results {
                Output.out("\(r.bot)  \(r.channel)/\(r.accountId)  \(mark(r.status)): \(r.message)\n")
            }
            for r in keyResults {
                let users = r.scope == SecretEnvelope.fleetScope ? " (used by \(r.bots.joined(separator: ", ")))" : ""
                Output.out("\(r.scope)  providers.\(r.provider)\(users)  \(mark(r.status)): \(r.message)\n")
            }
            if results.isEmpty && keyResults.isEmpty { Output.out("no channel accounts or provider keys to check\n") }
        }
        let statuses = results.map(\.status) + keyResults.map(\.status)
        if statuses.contains(where: { $0 != .ok && $0 != .skipped }) {
            Glibc.exit(1)
        }
    }
}
