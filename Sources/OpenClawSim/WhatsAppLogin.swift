import Glibc
import OpenClawConfig

/// `openclaw-sim channels login --channel whatsapp [--account ID]`: prints a pairing code,
/// waits (`OPENCLAW_SIM_LOGIN_DELAY_MS`, default 1000 ms) and writes the account's `creds.json`.
enum WhatsAppLogin {
    static func run(account: String, paths: SimPaths, persona: SimPersona) -> Int32 {
        var authDir: String?
        let config = try? LoadedConfig.load(path: paths.configPath, release: persona.release)
        if let config {
            authDir = config.value["channels"]?["whatsapp"]?["accounts"]?[account]?["authDir"]?.stringValue
        }
        let credsPath = paths.whatsAppCredsPath(account: account, authDir: authDir)
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let code = String((0..<8).map { _ in alphabet.randomElement() ?? "A" })
        let pairing = "\(code.prefix(4))-\(code.suffix(4))"
        SimMain.printOut("Pairing WhatsApp account \"\(account)\".")
        SimMain.printOut("Open WhatsApp > Linked devices > Link with phone number and enter code: \(pairing)")
        SimMain.printOut("Waiting for WhatsApp to link...")
        let delayMs = FileSystem.env("OPENCLAW_SIM_LOGIN_DELAY_MS").flatMap { Int($0) } ?? 1000
        if delayMs > 0 { usleep(UInt32(min(delayMs, 60_000)) * 1000) }
        let creds: JSONValue = .object([
            "me": .object(["id": .string("15550000000:1@s.whatsapp.net"), "name": .string("openclaw-sim")]),
            "registered": .bool(true),
            "account": .string(account),
            "linkedAt": .string(Clock.iso8601()),
            "stub": .bool(true),
        ])
        guard FileSystem.writeAtomically(credsPath, Array((creds.json(pretty: true) + "\n").utf8)) else {
            SimMain.printError("error: cannot write \(credsPath): \(FileSystem.describe(errno: errno))")
            return 1
        }
        SimMain.printOut("WhatsApp linked (account \(account)); credentials saved to \(credsPath)")
        if persona.channelLogin == .localThenGatewayStart {
            startOnGateway(account: account, config: config?.value, persona: persona)
        }
        return 0
    }

    /// Later releases ask the running gateway to start the account (OpenClaw:
    /// reconcileGatewayRuntimeAfterLocalLogin: channels.start as gateway-client/backend with the
    /// gateway token); a failure is reported and the login still succeeds.
    private static func startOnGateway(account: String, config: JSONValue?, persona: SimPersona) {
        let port = FileSystem.env("OPENCLAW_GATEWAY_PORT").flatMap { Int($0) }
            ?? config?["gateway"]?["port"]?.intValue.map { Int($0) } ?? 18789
        let token = FileSystem.env("OPENCLAW_GATEWAY_TOKEN").flatMap { $0.isEmpty ? nil : $0 }
            ?? config?["gateway"]?["auth"]?["token"]?.stringValue
        do {
            _ = try GatewayCall.call(port: port, token: token, method: "channels.start",
                                     params: .object(["channel": .string("whatsapp"), "accountId": .string(account)]),
                                     protocolVersion: persona.gatewayProtocol.version)
            SimMain.printOut("Started whatsapp/\(account) on the running gateway.")
        } catch {
            SimMain.printOut("Local login saved auth for whatsapp/\(account), but the running gateway did not restart it: \(error.message)")
        }
    }
}
