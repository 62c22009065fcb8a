import FoundationEssentials
import Glibc
import OpenClawConfig

/// Where the channel providers' APIs are: the real ones by default, a local mock in tests
/// (`FLEET_TELEGRAM_API`, `FLEET_DISCORD_API`, `FLEET_SLACK_API`).
public struct ProviderEndpoints: Sendable, Hashable {
    /// Telegram Bot API base (`https://api.telegram.org`).
    public var telegram: String
    /// Discord base (`https://discord.com`; the check calls `/api/v10/users/@me`).
    public var discord: String
    /// Slack base (`https://slack.com`; the check calls `/api/auth.test`).
    public var slack: String

    /// The real providers.
    public static let real = ProviderEndpoints(telegram: "https://api.telegram.org", discord: "https://discord.com", slack: "https://slack.com")

    /// Creates endpoints.
    public init(telegram: String, discord: String, slack: String) {
        self.telegram = telegram
        self.discord = discord
        self.slack = slack
    }

    /// The real providers, each overridden by its environment variable when set.
    public static func from(environment: [String: String] = ProcessInfo.processInfo.environment) -> ProviderEndpoints {
        func pick(_ name: String, _ fallback: String) -> String {
            guard let v = environment[name], !v.isEmpty else { return fallback }
            return v.hasSuffix("/") ? String(v.dropLast()) : v
        }
        return ProviderEndpoints(telegram: pick("FLEET_TELEGRAM_API", real.telegram),
                                 discord: pick("FLEET_DISCORD_API", real.discord), slack: pick("FLEET_SLACK_API", real.slack))
    }
}

/// The verdict on one channel account's credentials.
public struct ChannelCheckResult: Sendable, Hashable, Codable {
    /// What the provider said.
    public enum Status: String, Sendable, Hashable, Codable {
        /// The credentials work.
        case ok
        /// The provider rejected them.
        case rejected
        /// The provider could not be reached (or did not answer in time).
        case unreachable
        /// Something else went wrong (an unexpected answer, a credential that cannot be read).
        case error
        /// Nothing to check for this channel (WhatsApp, Signal, a disabled account).
        case skipped
    }

    /// The bot.
    public var bot: String
    /// The channel type.
    public var channel: String
    /// The account id.
    public var accountId: String
    /// The verdict.
    public var status: Status
    /// One friendly sentence (never contains a token).
    public var message: String
    /// Who the credentials belong to when they work (e.g. `@support_bot`).
    public var identity: String?
}

/// Asks each channel provider whether a bot's credentials work (the "Test connection" button):
/// Telegram `getMe`, Discord's current user, Slack `auth.test`.
public struct ChannelChecker: Sendable {
    /// Provider base URLs.
    public var endpoints: ProviderEndpoints
    /// Timeout of one provider call.
    public var timeout: Duration
    /// Opens a credential value (decrypts an envelope); plain text passes through by default.
    public var opener: @Sendable (_ bot: String, _ field: String, _ raw: String) throws -> String

    /// Creates a checker.
    public init(endpoints: ProviderEndpoints = .from(), timeout: Duration = .seconds(10),
                opener: @escaping @Sendable (_ bot: String, _ field: String, _ raw: String) throws -> String = { _, _, raw in raw }) {
        self.endpoints = endpoints
        self.timeout = timeout
        self.opener = opener
    }

    /// The plaintext of credential `key` of `channel` in `bot`, read through `opener`; nil when
    /// the manifest has none. The one place `fleet check` reads credentials.
    public static func credential(of bot: BotManifest, channel: ChannelSpec, key: String,
                                  opener: @Sendable (_ bot: String, _ field: String, _ raw: String) throws -> String) throws -> String? {
        guard let raw = channel.credentials[key] else { return nil }
        return try opener(bot.name, "channels.\(channel.type).\(channel.accountId).\(key)", raw)
    }

    /// Checks every channel account of `bot`, in manifest order.
    public func check(_ bot: BotManifest) -> [ChannelCheckResult] {
        bot.channels.map { check(bot, $0) }
    }

    /// Checks one channel account.
    public func check(_ bot: BotManifest, _ channel: ChannelSpec) -> ChannelCheckResult {
        var result = ChannelCheckResult(bot: bot.name, channel: channel.type, accountId: channel.accountId, status: .skipped, message: "")
        let key: String
        switch channel.type {
        case "telegram", "slack": key = "botToken"
        case "discord": key = "token"
        case "whatsapp":
            result.message = "WhatsApp has no token to check; pair it with: fleet login \(bot.name) whatsapp"
            return result
        default:
            result.message = "\(channel.type) has no provider check"
            return result
        }
        let field = "channels.\(channel.type).\(channel.accountId).\(key)"
        let token: String
        do {
            guard let t = try Self.credential(of: bot, channel: channel, key: key, opener: opener), !t.isEmpty else {
                result.status = .error
                result.message = "no credentials.\(key); set it with: fleet secrets set \(bot.name) \(field)"
                return result
            }
            token = t
        } catch {
            result.status = .error
            result.message = "cannot read credentials.\(key): \(error)"
            return result
        }
        let probe = ProviderProbe.make(channel.type, token: token, endpoints: endpoints)
        let answer = ProviderHTTP.send(method: probe.method, url: probe.url, headers: probe.headers, body: probe.body, timeout: timeout)
        let verdict = ProviderProbe.verdict(channel.type, answer, base: probe.base, bot: bot.name, field: field)
        result.status = verdict.status
        result.identity = verdict.identity
        // Belt and braces: no message may carry the token, whatever a provider echoed.
        result.message = verdict.message.replacing(token, with: "<redacted>")
        return result
    }
}
