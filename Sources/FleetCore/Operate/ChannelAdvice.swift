/// What to do about a channel account's error, in one sentence.
public enum ChannelAdvice {
    /// The fix for `error` on `channel`/`accountId` of `bot`, when fleet knows one.
    public static func fix(bot: String, channel: String, accountId: String, error: String) -> String? {
        let lower = error.lowercased()
        let rejected = ["401", "403", "unauthorized", "forbidden", "invalid token", "invalid_auth", "not_authed",
                        "token_revoked", "rejected"].contains { lower.contains($0) }
        switch channel {
        case "telegram", "discord", "slack":
            guard rejected else { break }
            let key = channel == "discord" ? "token" : "botToken"
            let field = "channels.\(channel).\(accountId).\(key)"
            return ProviderProbe.advice(channel, bot: bot, field: field) + "; commit, then fleet apply"
        case "whatsapp":
            if lower.contains("not linked") || lower.contains("logged out") || lower.contains("unpaired") {
                return "pair the account: fleet login \(bot) whatsapp --account \(accountId)"
            }
        default:
            break
        }
        return "see fleet logs \(bot) --level warn; fleet check \(bot) asks the provider whether the credentials work"
    }
}
