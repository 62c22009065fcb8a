import OpenClawConfig

/// The answers of `fleet new bot`, checked, and the manifest they make.
public struct NewBotAnswers: Sendable {
    /// The bot's name (a slug; its agentId and file name).
    public var name: String
    /// The display name.
    public var displayName: String
    /// `provider/model`.
    public var model: String
    /// `telegram`, `discord`, `slack` or `whatsapp`.
    public var channel: String
    /// The channel token (Telegram/Slack bot token, Discord token); sealed before it is written.
    public var token: String?
    /// Slack's app-level token (socket mode).
    public var appToken: String?
    /// `pairing`, `allowlist`, `open` or `disabled`.
    public var dmPolicy: String
    /// Sender ids allowed to DM the bot.
    public var allowFrom: [String]
    /// The API key of the model's provider, for this bot (asked when the Fleet manifest has none
    /// for that provider); sealed before it is written.
    public var providerKey: String?

    /// Creates answers.
    public init(name: String, displayName: String, model: String, channel: String, token: String?, appToken: String? = nil,
                dmPolicy: String, allowFrom: [String], providerKey: String? = nil) {
        self.name = name
        self.displayName = displayName
        self.model = model
        self.channel = channel
        self.token = token
        self.appToken = appToken
        self.dmPolicy = dmPolicy
        self.allowFrom = allowFrom
        self.providerKey = providerKey
    }

    /// The model's provider when fleet can hold a key for it (`anthropic` for `anthropic/...`).
    public var provider: ModelProvider? { ModelProviders.providerId(ofModel: model).flatMap(ModelProviders.provider) }
}

/// What `fleet new bot` offers and how it writes the manifest.
public enum NewBot {
    /// The models offered (any `provider/model` may be typed instead).
    public static let models = [
        "anthropic/claude-sonnet-4-5", "anthropic/claude-haiku-4-5", "anthropic/claude-opus-4-1",
        "openai/gpt-4.1", "openai/gpt-4o-mini", "google/gemini-2.5-pro",
    ]

    /// The channels the wizard sets up.
    public static let channels = ["telegram", "discord", "slack", "whatsapp"]

    /// The DM policies, each explained in one line.
    public static let dmPolicies: [(name: String, explanation: String)] = [
        ("pairing", "strangers get a pairing code; you approve each sender once (safe default)"),
        ("allowlist", "only the sender ids you list may talk to the bot"),
        ("open", "anyone who finds the bot may talk to it"),
        ("disabled", "the bot ignores direct messages (groups only)"),
    ]

    /// The manifest field holding the main token of `channel`.
    public static func tokenKey(_ channel: String) -> String? {
        switch channel {
        case "telegram", "slack": return "botToken"
        case "discord": return "token"
        default: return nil
        }
    }

    /// Where to get the token of `channel`, in one line.
    public static func tokenHelp(_ channel: String) -> String {
        switch channel {
        case "telegram": return "@BotFather in Telegram (/newbot, or /token for an existing bot)"
        case "discord": return "Discord Developer Portal → your application → Bot → Reset Token"
        case "slack": return "api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token (xoxb-…)"
        default: return ""
        }
    }

    /// Problems with `answers`, one sentence each (empty when they make a valid manifest).
    public static func problems(_ a: NewBotAnswers) -> [String] {
        var out: [String] = []
        if !StringFormat.slug.matches(a.name) || a.name.count > 63 {
            let slug = Suggestion.slug(from: a.name)
            out.append("name '\(a.name)' must be a lowercase slug (a-z, 0-9, -; at most 63)" + (slug.isEmpty ? "" : "; try '\(slug)'"))
        }
        let parts = a.model.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count < 2 || parts.contains(where: \.isEmpty) || a.model.contains(" ") {
            out.append("model '\(a.model)' must be provider/model, e.g. \(models[0])")
        }
        if !channels.contains(a.channel) { out.append("channel must be one of \(channels.joined(separator: ", "))") }
        if tokenKey(a.channel) != nil, (a.token ?? "").isEmpty { out.append("\(a.channel) needs a token (from \(tokenHelp(a.channel)))") }
        if a.channel == "slack", (a.appToken ?? "").isEmpty { out.append("slack needs an app-level token (xapp-…) for socket mode") }
        if !dmPolicies.contains(where: { $0.name == a.dmPolicy }) {
            out.append("DM policy must be one of \(dmPolicies.map(\.name).joined(separator: ", "))")
        }
        if a.dmPolicy == "allowlist", a.allowFrom.isEmpty { out.append("an allowlist needs at least one sender id (--allow-from)") }
        if let key = a.providerKey, !key.isEmpty, a.provider == nil {
            out.append("fleet keeps API keys only for the providers it knows (\(ModelProviders.ids.joined(separator: ", "))), not for model '\(a.model)'")
        }
        return out
    }

    /// The manifest text; tokens are sealed with `sealer` (bot, field, value) → envelope.
    public static func manifest(_ a: NewBotAnswers,
                                sealer: (_ bot: String, _ field: String, _ value: String) throws -> String) throws -> String {
        var credentials: [(String, String)] = []
        if let key = tokenKey(a.channel), let token = a.token {
            credentials.append((key, try sealer(a.name, "channels.\(a.channel).default.\(key)", token)))
        }
        if a.channel == "slack", let app = a.appToken {
            credentials.append(("appToken", try sealer(a.name, "channels.slack.default.appToken", app)))
        }
        var providers = ""
        if let key = a.providerKey, !key.isEmpty, let provider = a.provider {
            let sealed = try sealer(a.name, "providers.\(provider.id).apiKey", key)
            providers = "  providers:\n    \(provider.id): {apiKey: \(YAMLText.quote(sealed))}\n"
        }
        var allow = a.allowFrom
        if a.dmPolicy == "open", !allow.contains("*") { allow = ["*"] }
        var channel = "    - type: \(a.channel)\n"
        if !credentials.isEmpty {
            channel += "      credentials:\n"
            for (key, value) in credentials { channel += "        \(key): \(YAMLText.quote(value))\n" }
        }
        channel += "      dmPolicy: \(a.dmPolicy)\n"
        if !allow.isEmpty { channel += "      allowFrom: [\(allow.map(YAMLText.quote).joined(separator: ", "))]\n" }
        return """
            # yaml-language-server: $schema=../../schemas/bot.schema.json
            # Written by `fleet new bot`. Tokens are encrypted (fleet secrets set \(a.name) FIELD changes one).
            apiVersion: fleet/v1
            kind: Bot
            metadata:
              name: \(a.name)
            spec:
              displayName: \(YAMLText.quote(a.displayName))
              model: \(YAMLText.quote(a.model))
            \(providers)  systemPrompt: |
                You are \(a.displayName), a helpful assistant. Answer briefly and politely.
              gateway: {port: auto, bind: loopback}
              channels:

            """ + channel
    }
}
