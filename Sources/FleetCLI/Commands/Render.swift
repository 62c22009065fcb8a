import ArgumentParser
import FleetCore
import Foundation
import OpenClawConfig

/// `fleet render BOT`: print the OpenClaw config fleet would write for a bot.
struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the OpenClaw config fleet renders for a bot (secrets redacted).",
        discussion: """
            Secret values never appear: the config refers to per-bot secret files, listed after it.

            Examples:
              fleet render support
              fleet render support --ref v2 --json
            """)

    @Argument(help: "The bot's name.")
    var bot: String

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "The state root (default: OPENCLAW_BASE_PATH, the Fleet manifest, then /var/openclaw or ~/.local/state/fleet).")
    var stateRoot: String?

    @Flag(name: .long, help: "Print JSON: the config, its hash, the secret files and the launch command.")
    var json = false

    func run() async throws {
        let set = source.loadOrExit()
        guard set.isValid else {
            Output.err(DiagnosticRenderer.human(set.diagnostics.filter { $0.severity == .error }, texts: set.texts,
                                                style: Output.style(for: STDERR_FILENO)))
            CLIError(message: "the manifests are invalid; run `fleet validate` for every diagnostic", exitCode: 1).exit()
        }
        guard let manifest = set.bot(named: bot) else {
            let names = set.bots.map(\.name)
            let hint = Suggestion.closest(to: bot, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            CLIError(message: "no bot named '\(bot)'\(hint); bots: \(names.joined(separator: ", "))", exitCode: 1).exit()
        }
        let host = HostSettings(fleet: set.fleet, stateRootFlag: stateRoot)
        let rendered = try FleetSession.render(manifest, in: set, host: host, source: source.source)
        if json {
            let object: JSONValue = .object([
                "bot": .string(rendered.name),
                "configHash": .string(rendered.configHash),
                "configPath": .string(rendered.paths.config),
                "config": rendered.config,
                "secretFiles": .array(rendered.secretFiles.sorted { $0.field < $1.field }.map {
                    .object(["field": .string($0.field), "file": .string(rendered.paths.secrets + "/" + $0.name)])
                }),
                "workspaceFiles": .array(rendered.workspaceFiles.keys.sorted().map { .string($0) }),
                "command": .array(rendered.launch.arguments.map(JSONValue.string)),
            ])
            Output.out(object.json(pretty: true) + "\n")
        } else {
            Output.out(rendered.fileText)
            if !rendered.secretFiles.isEmpty {
                Output.out("// secret files (values redacted):\n")
                for s in rendered.secretFiles.sorted(by: { $0.field < $1.field }) {
                    Output.out("//   \(s.field) -> \(rendered.paths.secrets)/\(s.name)\n")
                }
            }
        }
    }
}
