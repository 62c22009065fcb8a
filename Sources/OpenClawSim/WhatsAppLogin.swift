import Glibc
import OpenClawConfig

/// `openclaw-sim channels login --channel whatsapp [--account ID]`: prints a pairing code,
/// waits (`OPENCLAW_SIM_LOGIN_DELAY_MS`, default 1000 ms) and writes the account's `creds.json`.
enum WhatsAppLogin {
    static func run(account: String, paths: SimPaths, persona: SimPersona) -> Int32 {
        var authDir: String?
        if let config = try? LoadedConfig.load(path: paths.configPath, release: persona.release) {
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
        return 0
    }
}
