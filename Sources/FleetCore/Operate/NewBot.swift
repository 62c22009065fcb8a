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
    /// The system prompt (nil: a short default naming the bot).
    public var systemPrompt: String?
    /// Labels (access selectors and host selectors match on them).
    public var labels: [String: String] = [:]
    /// Which groups the bot answers in (nil: OpenClaw's default).
    public var groupPolicy: String?
    /// Senders allowed in groups.
    public var groupAllowFrom: [String] = []
    /// `per-sender` or `global` (nil: the Fleet's default).
    public var sessionScope: String?
    /// `daily` or `idle` (nil: the Fleet's default).
    public var resetMode: String?
    /// The hour of a daily reset.
    public var resetAtHour: Int?
    /// Minutes of silence before an idle reset.
    public var resetIdleMinutes: Int?
    /// The shell (exec) tool; nil: the Fleet's default.
    public var bash: Bool?
    /// The browser tool; nil: the Fleet's default.
    public var browser: Bool?
    /// A fixed gateway port; nil: `auto`.
    public var port: Int?
    /// The bind mode (default `loopback`).
    public var bind: String = "loopback"
    /// A repository path of an avatar image.
    public var avatar: String?

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
    /// The models offered, each with one line for people choosing (any `provider/model` may be
    /// typed instead). The ids are OpenClaw's `provider/model` references of the built-in catalog
    /// it ships (pi-mono: packages/ai/src/models.generated.ts; OpenClaw: docs/help/faq.md uses the
    /// Anthropic ones as its model alias example); the providers are ``ModelProviders``'.
    public static let modelChoices: [(id: String, description: String)] = [
        ("anthropic/claude-sonnet-4-5", "Anthropic's balanced model: quick and capable, a good default for most bots"),
        ("anthropic/claude-haiku-4-5", "Anthropic's fastest and cheapest: short answers at high volume"),
        ("anthropic/claude-opus-4-1", "Anthropic's most capable: slower and dearer, for hard questions"),
        ("openai/gpt-4.1", "OpenAI's general model with a long context"),
        ("openai/gpt-4o-mini", "OpenAI's small, cheap model for simple chats"),
        ("google/gemini-2.5-pro", "Google's most capable Gemini model"),
    ]

    /// The ids of ``modelChoices``.
    public static var models: [String] { modelChoices.map(\.id) }

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

    /// The file of a bot's manifest (`fleet/bots/NAME.yaml`), nil when the name is no slug (it
    /// must never name a path elsewhere).
    public static func file(for name: String, path: String = "fleet") -> String? {
        guard StringFormat.slug.matches(name), name.count <= 63 else { return nil }
        let dir = path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        return (dir.isEmpty ? "" : dir + "/") + "bots/\(name).yaml"
    }

    /// A string as a YAML value at `indent`: a literal block for several lines, else a scalar
    /// quoted when needed.
    static func text(_ value: String, indent: Int) -> String {
        let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
        let trailing = value.reversed().prefix { $0 == "\n" }.count
        let body = trailing > 0 ? lines.dropLast(trailing) : lines[...]
        let plainBlock = lines.count > 1 && trailing <= 1 && !body.isEmpty && !(body.first?.hasPrefix(" ") ?? true)
            && !value.contains("\r") && !value.contains("\t") && body.allSatisfy { !$0.hasSuffix(" ") }
        guard plainBlock else { return YAMLText.quote(value) }
        let pad = String(repeating: " ", count: indent)
        return (trailing == 1 ? "|" : "|-") + "\n" + body.map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }

    /// The manifest text; tokens are sealed with `sealer` (bot, field, value) → envelope.
    /// `writtenBy` names the writer in the file's comment.
    public static func manifest(_ a: NewBotAnswers, writtenBy: String = "`fleet new bot`",
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
        channel += "      dmPolicy: \(YAMLText.quote(a.dmPolicy))\n"
        if !allow.isEmpty { channel += "      allowFrom: [\(allow.map(YAMLText.quote).joined(separator: ", "))]\n" }
        if let group = a.groupPolicy { channel += "      groupPolicy: \(YAMLText.quote(group))\n" }
        if !a.groupAllowFrom.isEmpty { channel += "      groupAllowFrom: [\(a.groupAllowFrom.map(YAMLText.quote).joined(separator: ", "))]\n" }
        let prompt = a.systemPrompt ?? "You are \(a.displayName), a helpful assistant. Answer briefly and politely.\n"
        var metadata = "  name: \(YAMLText.quote(a.name))\n"
        if !a.labels.isEmpty {
            metadata += "  labels: {" + a.labels.keys.sorted().map { "\(YAMLText.quote($0)): \(YAMLText.quote(a.labels[$0] ?? ""))" }.joined(separator: ", ") + "}\n"
        }
        var extra = ""
        if let avatar = a.avatar { extra += "  avatar: \(YAMLText.quote(avatar))\n" }
        extra += "  gateway: {port: \(a.port.map(String.init) ?? "auto"), bind: \(YAMLText.quote(a.bind))}\n"
        var session: [String] = []
        if let scope = a.sessionScope { session.append("scope: \(YAMLText.quote(scope))") }
        if let mode = a.resetMode {
            var reset = ["mode: \(YAMLText.quote(mode))"]
            if mode == "daily", let hour = a.resetAtHour { reset.append("atHour: \(hour)") }
            if mode == "idle", let minutes = a.resetIdleMinutes { reset.append("idleMinutes: \(minutes)") }
            session.append("reset: {\(reset.joined(separator: ", "))}")
        }
        if !session.isEmpty { extra += "  session: {\(session.joined(separator: ", "))}\n" }
        var tools: [String] = []
        if let bash = a.bash { tools.append("bash: \(bash)") }
        if let browser = a.browser { tools.append("browser: \(browser)") }
        if !tools.isEmpty { extra += "  tools: {\(tools.joined(separator: ", "))}\n" }
        return """
            # yaml-language-server: $schema=../../schemas/bot.schema.json
            # Written by \(writtenBy). Tokens are encrypted (fleet secrets set \(a.name) FIELD changes one).
            apiVersion: fleet/v1
            kind: Bot
            metadata:
            \(metadata)spec:
              displayName: \(YAMLText.quote(a.displayName))
              model: \(YAMLText.quote(a.model))
            \(providers)  systemPrompt: \(text(prompt, indent: 4))
            \(extra)  channels:

            """ + channel
    }
}
