import OpenClawConfig

/// The request each provider check sends, and how its answer reads.
enum ProviderProbe {
    struct Request {
        var method: String
        var url: String
        var headers: [String: String]
        var body: [UInt8]?
        /// The base URL (safe to print; the Telegram URL itself holds the token).
        var base: String
    }

    static func make(_ type: String, token: String, endpoints: ProviderEndpoints) -> Request {
        switch type {
        case "telegram":
            return Request(method: "GET", url: "\(endpoints.telegram)/bot\(token)/getMe", headers: [:], body: nil, base: endpoints.telegram)
        case "discord":
            return Request(method: "GET", url: "\(endpoints.discord)/api/v10/users/@me",
                           headers: ["Authorization": "Bot \(token)"], body: nil, base: endpoints.discord)
        default:
            return Request(method: "POST", url: "\(endpoints.slack)/api/auth.test",
                           headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/x-www-form-urlencoded"],
                           body: [], base: endpoints.slack)
        }
    }

    static let names = ["telegram": "Telegram", "discord": "Discord", "slack": "Slack"]

    /// Where to get a new token, per provider.
    static func advice(_ type: String, bot: String, field: String) -> String {
        let set = "then run: fleet secrets set \(bot) \(field)"
        switch type {
        case "telegram":
            return "get a valid token from @BotFather in Telegram (send /token and pick the bot, or /newbot for a new one), \(set)"
        case "discord":
            return "open the Discord Developer Portal → your application → Bot → Reset Token, copy the new token, \(set)"
        default:
            return "open api.slack.com/apps → your app → OAuth & Permissions and copy the Bot User OAuth Token (xoxb-…), \(set)"
        }
    }

    static func verdict(_ type: String, _ answer: Result<ProviderHTTP.Response, ProviderHTTP.Failure>, base: String,
                        bot: String, field: String) -> (status: ChannelCheckResult.Status, message: String, identity: String?) {
        let name = names[type] ?? type
        let response: ProviderHTTP.Response
        switch answer {
        case .failure(.unreachable(let reason)):
            return (.unreachable, "could not reach \(name) at \(base) (\(reason)); check the network, a proxy, or the provider's status page", nil)
        case .failure(.timeout):
            return (.unreachable, "\(name) at \(base) did not answer in time; check the network and try again", nil)
        case .failure(.malformed(let reason)):
            return (.error, "unexpected answer from \(name) at \(base): \(reason)", nil)
        case .success(let r):
            response = r
        }
        let json = try? JSON5.parse(String(decoding: response.body, as: UTF8.self))
        switch type {
        case "telegram":
            if response.status == 200, json?["ok"]?.boolValue == true {
                let user = json?["result"]?["username"]?.stringValue.map { "@\($0)" }
                return (.ok, "token works: the bot is \(user ?? "known to Telegram")", user)
            }
            if response.status == 401 || response.status == 404 {
                let why = json?["description"]?.stringValue ?? "Unauthorized"
                return (.rejected, "Telegram rejected the bot token (\(response.status) \(why)); " + advice(type, bot: bot, field: field), nil)
            }
        case "discord":
            if response.status == 200, let user = json?["username"]?.stringValue {
                return (.ok, "token works: the bot is \(user)", user)
            }
            if response.status == 401 || response.status == 403 {
                return (.rejected, "Discord rejected the bot token (\(response.status) \(json?["message"]?.stringValue ?? "Unauthorized")); "
                        + advice(type, bot: bot, field: field), nil)
            }
        default:
            if response.status == 200, json?["ok"]?.boolValue == true {
                let who = [json?["user"]?.stringValue, json?["team"]?.stringValue.map { "in \($0)" }].compactMap { $0 }.joined(separator: " ")
                return (.ok, "token works: the bot is \(who.isEmpty ? "known to Slack" : who)", json?["user"]?.stringValue)
            }
            let error = json?["error"]?.stringValue ?? "HTTP \(response.status)"
            if ["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"].contains(error) || response.status == 401 {
                return (.rejected, "Slack rejected the bot token (\(error)); " + advice(type, bot: bot, field: field), nil)
            }
        }
        return (.error, "\(name) answered HTTP \(response.status) at \(base); try again later", nil)
    }
}
