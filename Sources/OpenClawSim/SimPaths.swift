/// Where the gateway keeps its config and state, resolved like OpenClaw does.
struct SimPaths {
    /// `OPENCLAW_STATE_DIR`, else `~/.openclaw` (or `~/.openclaw-<profile>`).
    var stateDir: String
    /// `OPENCLAW_CONFIG_PATH`, else `<state>/openclaw.json`.
    var configPath: String

    static func resolve(profile: String?) -> SimPaths {
        let home = FileSystem.home()
        let stateDir = FileSystem.env("OPENCLAW_STATE_DIR").flatMap { $0.isEmpty ? nil : $0 }
            ?? (profile.map { "\(home)/.openclaw-\($0)" } ?? "\(home)/.openclaw")
        let configPath = FileSystem.env("OPENCLAW_CONFIG_PATH").flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(stateDir)/openclaw.json"
        return SimPaths(stateDir: stateDir, configPath: configPath)
    }

    /// `<state>/credentials/whatsapp/<account>/creds.json`, or `<authDir>/creds.json`.
    func whatsAppCredsPath(account: String, authDir: String?) -> String {
        if let authDir, !authDir.isEmpty { return "\(authDir)/creds.json" }
        return "\(stateDir)/credentials/whatsapp/\(account)/creds.json"
    }
}
