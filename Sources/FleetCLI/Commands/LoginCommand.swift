import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet login BOT whatsapp`: the gateway's own pairing command, with the bot's environment.
struct LoginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Pair a channel that logs in interactively (WhatsApp) with the bot's gateway command and state directory.",
        discussion: """
            Runs `<gateway executable> channels login --channel whatsapp --account ID` on this terminal with \
            the bot's OPENCLAW_CONFIG_PATH and OPENCLAW_STATE_DIR, so the QR code (or pairing code) shows here \
            and the credentials land in that bot's state directory. OpenClaw 2026.8 and later then ask the \
            running gateway (over its authenticated protocol, channels.start) to start the account: fleet \
            gives the command the bot's gateway port and token (OPENCLAW_GATEWAY_PORT, OPENCLAW_GATEWAY_TOKEN \
            from the bot's 0600 secrets/gateway-token) so it can.

            Examples:
              fleet login support whatsapp
              fleet login support whatsapp --account work
            """)

    @Argument(help: "The bot.")
    var bot: String

    @Argument(help: "The channel (whatsapp).")
    var channel: String

    @Option(name: .long, help: "The channel account.")
    var account: String = "default"

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func validate() throws {
        guard channel == "whatsapp" else {
            throw ValidationError("only whatsapp pairs interactively; \(channel) uses a token (fleet secrets set, then fleet check)")
        }
    }

    func run() throws {
        let host = HostView.load(source: source, state: state)
        let set = try? FleetSession.load(source.source)
        host.require(bot, extra: set?.bots.map(\.name) ?? [])
        if let manifest = set?.bot(named: bot),
           !manifest.channels.contains(where: { $0.type == channel && $0.accountId == account }) {
            Output.err("fleet: warning: \(manifest.origin.file) has no \(channel) channel with accountId \(account); "
                       + "the gateway will not use this pairing until it does\n")
        }
        let paths = BotPaths(root: host.root, name: bot)
        guard HostFiles.exists(paths.config) else {
            CLIError(message: "\(bot) has no rendered config under \(host.root) yet; run fleet apply first", exitCode: 1).exit()
        }
        let command = ChannelPairing.command(gateway: set?.fleet.gatewayCommand ?? host.state.bots[bot]?.applied?.launch.arguments
                                             ?? FleetSettings().gatewayCommand, channel: channel, account: account)
        let environment = ChannelPairing.environment(paths, launch: host.state.bots[bot]?.applied?.launch.environment ?? [:],
                                                     port: host.state.bots[bot]?.port)
        for (k, v) in environment { setenv(k, v, 1) }
        Output.err("fleet: running \(command.joined(separator: " ")) for \(bot) (state: \(paths.state))\n")
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        execvp(command[0], argv)
        CLIError(message: "cannot run \(command[0]): \(String(cString: strerror(errno))); is it on PATH?", exitCode: 1).exit()
    }
}
