import ArgumentParser
import FleetCore
import FleetGit
import FoundationEssentials
import Glibc
import OpenClawConfig

/// `fleet new`: make new manifests.
struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a new manifest (fleet new bot: the new-bot wizard).",
        subcommands: [NewBotCommand.self])
}

/// `fleet new bot`: the wizard; every question also has a flag.
struct NewBotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bot",
        abstract: "Ask for a new bot's name, model, channel, token (hidden, stored encrypted) and DM policy; write its manifest.",
        discussion: """
            On a terminal, every answer not given as a flag is asked for. Without a terminal (scripts, CI), \
            the flags are the answers: --name is required, the token comes from --token-stdin.

            When the Fleet manifest has no API key for the model's provider (spec.providers), the wizard \
            asks for one (typing hidden) and stores it encrypted in the new bot's manifest; in scripts \
            --provider-key-stdin reads it from the line after the tokens.

            Examples:
              fleet new bot
              printf '%s\\n' "$TOKEN" | fleet new bot --name support --channel telegram --token-stdin --dm-policy allowlist --allow-from 123456789
              printf '%s\\n%s\\n' "$TOKEN" "$ANTHROPIC_KEY" | fleet new bot --name support --token-stdin --provider-key-stdin
            """)

    @Option(name: .long, help: "The bot's name: a lowercase slug (its agentId and file name).")
    var name: String?

    @Option(name: .long, help: "The name people see.")
    var displayName: String?

    @Option(name: .long, help: "The model, provider/model.")
    var model: String?

    @Option(name: .long, help: "The channel: telegram, discord, slack or whatsapp.")
    var channel: String?

    @Flag(name: .long, help: "Read the token from stdin (first line; for slack the app token is the second line).")
    var tokenStdin = false

    @Flag(name: .long, help: "Read the model provider's API key from stdin (the line after the tokens), stored encrypted in this bot's manifest.")
    var providerKeyStdin = false

    @Option(name: .long, help: "Who may DM the bot: pairing, allowlist, open or disabled.")
    var dmPolicy: String?

    @Option(name: .long, parsing: .singleValue, help: "A sender id allowed to DM the bot (repeatable, or comma-separated).")
    var allowFrom: [String] = []

    @Flag(name: .long, help: "Overwrite an existing manifest of that name.")
    var force = false

    @OptionGroup var source: SourceOptions

    func run() throws {
        let interactive = !tokenStdin && !providerKeyStdin && isatty(STDIN_FILENO) == 1
        let keys = source.keysOrExit()
        guard let key = keys.primary else {
            CLIError(message: "no encryption key to store the token with; run fleet init, or make one: fleet secrets keygen --out .fleet/keys/fleet.key",
                     exitCode: 2).exit()
        }
        let repoRoot = Self.workdir(source.repo)
        let botsDir = "\(repoRoot)/\(source.path)/bots"
        let existing = Set(((try? FileManager.default.contentsOfDirectory(atPath: botsDir)) ?? []).map { $0.split(separator: ".").first.map(String.init) ?? $0 })
        func nameProblem(_ n: String) -> String? {
            if let p = NewBot.problems(NewBotAnswers(name: n, displayName: n, model: "a/b", channel: "whatsapp", token: nil,
                                                      dmPolicy: "pairing", allowFrom: [])).first { return p }
            if existing.contains(n), !force { return "\(source.path)/bots/\(n).yaml exists already (--force overwrites it)" }
            return nil
        }

        // The Fleet manifest's provider keys, from the working tree: a provider it has a key for needs no question.
        let fleetKeys = (try? FleetSession.load(ManifestSource(repository: source.repo, ref: "HEAD", path: source.path, worktree: true)))?
            .fleet.providerKeys ?? [:]
        var answers: NewBotAnswers
        if interactive {
            Interrupt.exitOnSIGINT(code: 130) {
                Prompter.restoreTerminal()
                Output.out("\nstopped; nothing was written\n")
            }
            answers = ask(nameProblem: nameProblem, fleetKeys: fleetKeys)
        } else {
            answers = fromFlags(nameProblem: nameProblem)
        }
        answers.allowFrom = answers.allowFrom.flatMap { $0.split(separator: ",").map { $0.trimmed } }
            .filter { !$0.isEmpty }
        let problems = NewBot.problems(answers)
        guard problems.isEmpty else { CLIError(message: problems.joined(separator: "; "), exitCode: 2).exit() }

        let opener = SecretOpener(keys: keys)
        let text = try NewBot.manifest(answers) { bot, field, value in try opener.seal(value, bot: bot, field: field) }
        let relative = "\(source.path)/bots/\(answers.name).yaml"
        let file = "\(repoRoot)/\(relative)"
        try FileManager.default.createDirectory(atPath: botsDir, withIntermediateDirectories: true)
        try HostFiles.writeAtomically(file, text: text, mode: 0o644)
        verify(file: file, relative: relative, keys: keys)

        let style = Output.style()
        let git = source.repo == "." ? "git" : "git -C \(source.repo)"
        let apply = source.repo == "." ? "fleet apply" : "fleet apply --repo \(source.repo)"
        var out = "\nWrote \(relative)" + (NewBot.tokenKey(answers.channel) != nil ? " (token encrypted with key \(key.id))" : "") + ".\n"
        out += style.bold("To go live:") + "\n"
        out += "  \(git) add \(relative) && \(git) commit -m \"Add bot \(answers.name)\"\n"
        out += "  \(apply)\n"
        if let provider = answers.provider {
            let field = "providers.\(provider.id).apiKey"
            if answers.providerKey?.isEmpty == false {
                out += "The \(provider.displayName) API key is in the bot's manifest (encrypted); to use one key for every bot instead: fleet secrets set --fleet \(field)\n"
            } else if fleetKeys[provider.id] == nil {
                out += style.bold("No \(provider.displayName) API key is set;") + " the bot cannot answer without one: fleet secrets set --fleet \(field)\n"
            }
        }
        if answers.channel == "whatsapp" { out += "then pair WhatsApp: fleet login \(answers.name) whatsapp\n" }
        Output.out(out)
    }

    private func ask(nameProblem: (String) -> String?, fleetKeys: [String: String]) -> NewBotAnswers {
        let p = Prompter()
        Output.out(p.style.bold("New bot") + " (Ctrl-C stops; nothing is written until the end)\n\n")
        let name = name ?? p.ask("Name (lowercase letters, digits, -)", check: nameProblem)
        let display = displayName ?? p.ask("Display name", default: Self.title(name))
        let model = model ?? p.choose("Model", NewBot.modelChoices.map { ($0.id, $0.description) }, free: { t in
            let parts = t.split(separator: "/")
            return parts.count >= 2 && !t.contains(" ")
        })
        let channel = channel ?? p.choose("Channel", NewBot.channels.map { ($0, $0 == "whatsapp" ? "paired later with fleet login" : "") })
        var token: String?
        var appToken: String?
        if NewBot.tokenKey(channel) != nil {
            Output.out(p.style.dim("Where to get it: \(NewBot.tokenHelp(channel)).") + "\n")
            token = p.secret("\(channel.capitalized) bot token")
            if channel == "slack" { appToken = p.secret("Slack app-level token (xapp-…)") }
        }
        var providerKey: String?
        if let id = ModelProviders.providerId(ofModel: model), let provider = ModelProviders.provider(id), fleetKeys[id] == nil {
            Output.out(p.style.dim("The Fleet manifest has no \(provider.displayName) API key; this bot needs one to answer (empty: set it later).") + "\n")
            providerKey = p.secret("\(provider.displayName) API key", optional: true)
        }
        let policy = dmPolicy ?? p.choose("Who may message the bot directly (DM policy)", NewBot.dmPolicies.map { ($0.name, $0.explanation) })
        var allow = allowFrom
        if policy == "allowlist", allow.isEmpty {
            allow = [p.ask("Allowed sender ids, comma-separated") { t in
                t.split(separator: ",").allSatisfy { !$0.trimmed.isEmpty } ? nil : "list ids separated by commas"
            }]
        }
        return NewBotAnswers(name: name, displayName: display, model: model, channel: channel, token: token, appToken: appToken,
                             dmPolicy: policy, allowFrom: allow, providerKey: providerKey)
    }

    private func fromFlags(nameProblem: (String) -> String?) -> NewBotAnswers {
        guard let name else {
            CLIError(message: "no terminal to ask on: pass --name (and --channel, --token-stdin, --dm-policy ...); see fleet new bot --help",
                     exitCode: 2).exit()
        }
        if let problem = nameProblem(name) { CLIError(message: problem, exitCode: 2).exit() }
        let channel = channel ?? "telegram"
        var token: String?
        var appToken: String?
        var providerKey: String?
        if tokenStdin || providerKeyStdin {
            var lines = String(decoding: Output.readStandardInput(), as: UTF8.self)
                .split(whereSeparator: \.isNewline).map { $0.trimmed }[...]
            if tokenStdin {
                token = lines.popFirst()
                if channel == "slack" { appToken = lines.popFirst() }
            }
            if providerKeyStdin {
                providerKey = lines.popFirst()
                if providerKey?.isEmpty ?? true {
                    CLIError(message: "--provider-key-stdin: no API key on standard input (it comes after the tokens)", exitCode: 2).exit()
                }
            }
        }
        return NewBotAnswers(name: name, displayName: displayName ?? Self.title(name), model: model ?? NewBot.models[0],
                             channel: channel, token: token, appToken: appToken, dmPolicy: dmPolicy ?? "pairing", allowFrom: allowFrom,
                             providerKey: providerKey)
    }

    /// Validates the new file with the rest of the working tree; an invalid one is removed again.
    private func verify(file: String, relative: String, keys: SecretKeys) {
        let check = ManifestSource(repository: source.repo, ref: "HEAD", path: source.path, worktree: true)
        guard let set = try? FleetSession.load(check, keys: keys) else { return }
        let mine = set.diagnostics.filter { $0.location?.file == relative && $0.severity == .error }
        guard !mine.isEmpty else { return }
        Output.err(DiagnosticRenderer.human(mine, texts: set.texts, style: Output.style(for: STDERR_FILENO)))
        try? FileManager.default.removeItem(atPath: file)
        CLIError(message: "the new manifest did not validate, so it was not kept (please report this)", exitCode: 1).exit()
    }

    static func workdir(_ repo: String) -> String {
        var dir = (try? GitRepository(path: repo))?.workdir ?? repo
        while dir.count > 1, dir.hasSuffix("/") { dir.removeLast() }
        return dir
    }

    /// `my-bot` → `My Bot`.
    static func title(_ name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
