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
        let command = Self.pairingCommand(gateway: set?.fleet.gatewayCommand ?? host.state.bots[bot]?.applied?.launch.arguments
                                          ?? FleetSettings().gatewayCommand, channel: channel, account: account)
        let record = host.state.bots[bot]
        var environment = record?.applied?.launch.environment ?? [:]
        environment["OPENCLAW_CONFIG_PATH"] = paths.config
        environment["OPENCLAW_STATE_DIR"] = paths.state
        // What the login command of OpenClaw 2026.8+ needs to reach the running gateway (OpenClaw:
        // reconcileGatewayRuntimeAfterLocalLogin calls channels.start with the gateway token).
        if let port = record?.port { environment["OPENCLAW_GATEWAY_PORT"] = String(port) }
        if let token = HostFiles.read(paths.gatewayToken) {
            environment["OPENCLAW_GATEWAY_TOKEN"] = String(decoding: token, as: UTF8.self).trimmed
        }
        for (k, v) in environment { setenv(k, v, 1) }
        Output.err("fleet: running \(command.joined(separator: " ")) for \(bot) (state: \(paths.state))\n")
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        execvp(command[0], argv)
        CLIError(message: "cannot run \(command[0]): \(String(cString: strerror(errno))); is it on PATH?", exitCode: 1).exit()
    }

    /// The gateway command up to its `gateway` word, then `channels login --channel C --account A`.
    static func pairingCommand(gateway: [String], channel: String, account: String) -> [String] {
        let prefix: [String]
        if let index = gateway.lastIndex(of: "gateway"), index > 0 {
            prefix = Array(gateway[..<index])
        } else {
            prefix = Array(gateway.prefix(1))
        }
        return (prefix.isEmpty ? ["openclaw"] : prefix) + ["channels", "login", "--channel", channel, "--account", account]
    }
}
