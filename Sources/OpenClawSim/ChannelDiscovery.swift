import OpenClawConfig

/// Finds the channel accounts in a config and resolves their credentials.
///
/// Accounts come from `channels.<type>.accounts.<id>`, plus the top-level single-account form
/// (credentials directly under `channels.<type>`) as account `default`.
enum ChannelDiscovery {
    static let channelTypes = ["telegram", "discord", "slack", "whatsapp", "signal"]

    static func accounts(in config: JSONValue, paths: SimPaths) throws(StartupRefusal) -> [ChannelAccount] {
        var result: [ChannelAccount] = []
        for type in channelTypes {
            guard let section = config["channels"]?[type], case .object(let top) = section else { continue }
            let channelEnabled = top["enabled"]?.boolValue ?? true
            let named = top["accounts"]?.objectValue ?? [:]
            var ids = named.keys.sorted()
            if named["default"] == nil && (named.isEmpty || hasCredential(type: type, top)) {
                ids.insert("default", at: 0)
            }
            for id in ids {
                let isNamed = named[id] != nil
                let accountConfig: JSONValue = named[id] ?? section
                let base = isNamed ? "channels.\(type).accounts.\(id)" : "channels.\(type)"
                let enabled = channelEnabled && (accountConfig["enabled"]?.boolValue ?? true)
                var account = try resolve(type: type, id: id, config: accountConfig, base: base,
                                          isDefault: id == "default", enabled: enabled, paths: paths,
                                          providers: config["secrets"]?["providers"])
                account.enabled = enabled
                result.append(account)
            }
        }
        return result
    }

    private static func hasCredential(type: String, _ top: [String: JSONValue]) -> Bool {
        switch type {
        case "telegram": return top["botToken"] != nil || top["tokenFile"] != nil
        case "discord": return top["token"] != nil
        case "slack": return top["botToken"] != nil
        case "signal": return top["account"] != nil
        default: return false
        }
    }

    private static func resolve(type: String, id: String, config: JSONValue, base: String, isDefault: Bool,
                                enabled: Bool, paths: SimPaths, providers: JSONValue?) throws(StartupRefusal) -> ChannelAccount {
        func secret(_ key: String) throws(StartupRefusal) -> String? {
            // Disabled accounts are not started, so their secrets are not needed.
            guard enabled else { return nil }
            return try SecretResolver.resolve(config[key], path: "\(base).\(key)", providers: providers)
        }
        func envFallback(_ name: String) -> String? {
            isDefault ? FileSystem.env(name).flatMap { $0.isEmpty ? nil : $0 } : nil
        }
        var credential: String?
        var configured = false
        var linked = true
        var credsPath: String?
        switch type {
        case "telegram":
            credential = try secret("botToken")
            if credential == nil, enabled, let file = config["tokenFile"]?.stringValue, !file.isEmpty {
                credential = try SecretResolver.readFile(file, path: "\(base).tokenFile")
            }
            credential = credential ?? envFallback("TELEGRAM_BOT_TOKEN")
            configured = credential != nil
        case "discord":
            credential = try secret("token") ?? envFallback("DISCORD_BOT_TOKEN")
            configured = credential != nil
        case "slack":
            credential = try secret("botToken") ?? envFallback("SLACK_BOT_TOKEN")
            let app = try secret("appToken") ?? envFallback("SLACK_APP_TOKEN")
            let signing = try secret("signingSecret")
            configured = credential != nil && (app != nil || signing != nil)
        case "signal":
            credential = config["account"]?.stringValue
            configured = credential != nil
        case "whatsapp":
            let path = paths.whatsAppCredsPath(account: id, authDir: config["authDir"]?.stringValue)
            credsPath = path
            // A WhatsApp account counts as configured once it is linked (its creds.json exists);
            // until then the gateway does not start it and reports why (OpenClaw:
            // src/gateway/server-channels.ts, `unconfiguredReason`).
            linked = FileSystem.exists(path)
            configured = linked
        default:
            break
        }
        let fingerprint = ConfigDigest.sha256Hex(Array("\(enabled)|\(credential ?? "")|\(credsPath ?? "")".utf8))
        return ChannelAccount(
            channel: type, accountId: id, enabled: enabled, configured: configured, linked: linked,
            credential: credential, credsPath: credsPath, fingerprint: fingerprint)
    }
}
