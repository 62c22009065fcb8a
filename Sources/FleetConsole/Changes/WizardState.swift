import FleetCore
import FoundationEssentials
import OpenClawConfig

/// The setup wizard's answers, carried from page to page in hidden fields (no state on the
/// server). Credentials are sealed with the fleet's key the moment they arrive, bound to the bot
/// and field as `fleet secrets set` binds them; only the envelopes travel, never the values.
struct WizardState: Sendable {
    var base = ""
    var displayName = ""
    var name = ""
    var systemPrompt = ""
    var model = NewBot.models[0]
    var labels = ""
    var providerKeyEnc = ""
    var providerKeyFor = ""
    var skipKey = false
    var channel = "telegram"
    var tokenEnc = ""
    var tokenFor = ""
    var appTokenEnc = ""
    var appTokenFor = ""
    var dmPolicy = "pairing"
    var allowFrom = ""
    var groupPolicy = "allowlist"
    var sessionScope = ""
    var resetMode = ""
    var resetAtHour = ""
    var bash = false
    var browser = false
    var port = ""
    var bind = "loopback"
    /// An uploaded avatar (base64) and its format's extension.
    var avatarData = ""
    var avatarExt = ""

    /// Every carried field by name (checkboxes as `yes` or empty).
    var fields: [(String, String)] {
        [("base", base), ("displayName", displayName), ("name", name), ("systemPrompt", systemPrompt), ("model", model),
         ("labels", labels), ("providerKeyEnc", providerKeyEnc), ("providerKeyFor", providerKeyFor), ("skipKey", skipKey ? "yes" : ""),
         ("channel", channel), ("tokenEnc", tokenEnc), ("tokenFor", tokenFor), ("appTokenEnc", appTokenEnc), ("appTokenFor", appTokenFor),
         ("dmPolicy", dmPolicy), ("allowFrom", allowFrom), ("groupPolicy", groupPolicy), ("sessionScope", sessionScope),
         ("resetMode", resetMode), ("resetAtHour", resetAtHour), ("bash", bash ? "yes" : ""), ("browser", browser ? "yes" : ""),
         ("port", port), ("bind", bind), ("avatarData", avatarData), ("avatarExt", avatarExt)]
    }

    init() {}

    init(form: [String: String]) {
        func v(_ k: String, _ d: String) -> String { form[k].map { $0.replacing("\r\n", with: "\n") } ?? d }
        base = v("base", "")
        displayName = v("displayName", "").trimmed
        name = v("name", "").trimmed
        systemPrompt = v("systemPrompt", "")
        model = v("model", NewBot.models[0]).trimmed
        if model == "other" { model = v("modelOther", "").trimmed }
        labels = v("labels", "")
        providerKeyEnc = v("providerKeyEnc", "")
        providerKeyFor = v("providerKeyFor", "")
        skipKey = form["skipKey"] == "yes"
        channel = v("channel", "telegram")
        tokenEnc = v("tokenEnc", "")
        tokenFor = v("tokenFor", "")
        appTokenEnc = v("appTokenEnc", "")
        appTokenFor = v("appTokenFor", "")
        dmPolicy = v("dmPolicy", "pairing")
        allowFrom = v("allowFrom", "")
        groupPolicy = v("groupPolicy", "allowlist")
        sessionScope = v("sessionScope", "")
        resetMode = v("resetMode", "")
        resetAtHour = v("resetAtHour", "")
        bash = form["bash"] == "yes"
        browser = form["browser"] == "yes"
        port = v("port", "").trimmed
        bind = v("bind", "loopback")
        avatarData = v("avatarData", "")
        avatarExt = v("avatarExt", "")
        if !["png", "jpg", "webp", "gif"].contains(avatarExt) { avatarData = ""; avatarExt = "" }
    }

    /// The avatar's bytes, when one was uploaded.
    var avatar: [UInt8]? {
        guard !avatarData.isEmpty, let data = Data(base64Encoded: avatarData) else { return nil }
        return [UInt8](data)
    }

    /// Where the avatar is stored: next to the manifest, `<path>/bots/NAME.png`.
    func avatarPath(under path: String) -> String? {
        guard avatar != nil, let file = NewBot.file(for: slug, path: path) else { return nil }
        return String(file.dropLast(".yaml".count)) + "." + avatarExt
    }

    /// Hidden inputs for every field except `shown` (the ones the page has as controls).
    func hidden(except shown: Set<String>) -> String {
        fields.filter { !shown.contains($0.0) }.map { FormFields.hidden($0.0, $0.1) }.joined()
    }

    /// The bot's name: as typed, or derived from the display name.
    var slug: String {
        if !name.isEmpty { return name }
        return Suggestion.slug(from: displayName)
    }

    /// The channel's token field (`channels.telegram.default.botToken`), nil for WhatsApp.
    var tokenField: String? { NewBot.tokenKey(channel).map { "channels.\(channel).default.\($0)" } }

    /// The model's provider, when fleet keeps keys for it.
    var provider: ModelProvider? { ModelProviders.providerId(ofModel: model).flatMap(ModelProviders.provider) }

    /// Seals a typed value for `field` of this bot.
    mutating func seal(_ value: String, field: String, opener: SecretOpener, into which: WritableKeyPath<WizardState, String>,
                       binding: WritableKeyPath<WizardState, String>) throws(SecretError) {
        self[keyPath: which] = try opener.seal(value, bot: slug, field: field)
        self[keyPath: binding] = slug + "|" + field
    }

    /// Envelopes sealed for another name or field (the name or the channel changed since) are
    /// opened and sealed again for the current ones; what cannot be opened is dropped (and must
    /// be typed again).
    mutating func reseal(opener: SecretOpener) {
        func fix(_ enc: WritableKeyPath<WizardState, String>, _ binding: WritableKeyPath<WizardState, String>, field: String?) {
            guard !self[keyPath: enc].isEmpty else { return }
            guard let field else {
                self[keyPath: enc] = ""
                self[keyPath: binding] = ""
                return
            }
            let wanted = slug + "|" + field
            guard self[keyPath: binding] != wanted else { return }
            let parts = self[keyPath: binding].split(separator: "|", maxSplits: 1).map(String.init)
            if parts.count == 2, let value = try? opener.open(bot: parts[0], field: parts[1], raw: self[keyPath: enc]),
               let sealed = try? opener.seal(value, bot: slug, field: field) {
                self[keyPath: enc] = sealed
                self[keyPath: binding] = wanted
            } else {
                self[keyPath: enc] = ""
                self[keyPath: binding] = ""
            }
        }
        fix(\.tokenEnc, \.tokenFor, field: tokenField)
        fix(\.appTokenEnc, \.appTokenFor, field: channel == "slack" ? "channels.slack.default.appToken" : nil)
        fix(\.providerKeyEnc, \.providerKeyFor, field: provider.map { "providers.\($0.id).apiKey" })
    }

    /// The answers `fleet new bot` would have, with the envelopes as the credentials.
    func answers(path: String) -> NewBotAnswers {
        var a = NewBotAnswers(
            name: slug, displayName: displayName.isEmpty ? slug : displayName, model: model, channel: channel,
            token: tokenEnc.isEmpty ? nil : tokenEnc, appToken: appTokenEnc.isEmpty ? nil : appTokenEnc,
            dmPolicy: dmPolicy, allowFrom: BotFormText.list(allowFrom), providerKey: providerKeyEnc.isEmpty ? nil : providerKeyEnc)
        a.systemPrompt = systemPrompt.trimmed.isEmpty ? nil : (systemPrompt.hasSuffix("\n") ? systemPrompt : systemPrompt + "\n")
        a.labels = BotFormText.labels(labels).labels
        a.groupPolicy = groupPolicy.isEmpty ? nil : groupPolicy
        a.sessionScope = sessionScope.isEmpty ? nil : sessionScope
        a.resetMode = resetMode.isEmpty ? nil : resetMode
        a.resetAtHour = Int(resetAtHour)
        a.bash = bash ? true : nil
        a.browser = browser ? true : nil
        a.port = Int(port)
        a.bind = bind.isEmpty ? "loopback" : bind
        a.avatar = avatarPath(under: path)
        return a
    }

    /// The manifest text, through `fleet new bot`'s writer (the values are already sealed).
    func manifest(path: String) throws -> String {
        try NewBot.manifest(answers(path: path), writtenBy: "the fleet web console's wizard") { _, _, value in value }
    }
}
