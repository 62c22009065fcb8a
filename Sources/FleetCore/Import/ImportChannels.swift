import FoundationEssentials
import Glibc
import OpenClawConfig

/// Reads `channels.<type>` sections into accounts and maps one account to a manifest channel.
enum ImportChannels {
    /// Credential keys per channel type, as manifests name them.
    static let credentialKeys: [String: [String]] = [
        "telegram": ["botToken"], "discord": ["token"], "slack": ["botToken", "appToken", "signingSecret"],
        "whatsapp": [], "signal": [],
    ]

    /// Whether `key: value` (account or channel level) becomes a manifest field for `type`.
    static func isModelled(_ type: String, _ key: String, _ value: JSONValue) -> Bool {
        switch key {
        case "enabled": return value.boolValue != nil
        case "dmPolicy": return value.stringValue.map(ManifestSchemas.dmPolicies.contains) ?? false
        case "groupPolicy": return value.stringValue.map(ManifestSchemas.groupPolicies.contains) ?? false
        case "allowFrom": return stringList(value) != nil
        case "groupAllowFrom": return ["telegram", "whatsapp", "signal"].contains(type) && stringList(value) != nil
        case "groups": return ["telegram", "whatsapp", "signal"].contains(type) && starMention(value) != nil
        case "requireMention": return type == "slack" && value.boolValue != nil
        case "guilds": return type == "discord" && discordGuilds(value) != nil
        case "mode": return type == "slack" && ["socket", "http"].contains(value.stringValue ?? "")
        case "account": return type == "signal" && value.stringValue != nil
        case "tokenFile": return type == "telegram" && value.stringValue != nil
        case "authDir": return type == "whatsapp"
        default: return (credentialKeys[type] ?? []).contains(key)
        }
    }

    /// Strings, or numbers written as strings (OpenClaw accepts numeric sender ids).
    static func stringList(_ value: JSONValue) -> [String]? {
        guard let items = value.arrayValue else { return nil }
        let strings = items.compactMap { $0.stringValue ?? $0.intValue.map(String.init) }
        return strings.count == items.count ? strings : nil
    }

    /// `groups: {"*": {requireMention: b}}` → b.
    static func starMention(_ value: JSONValue) -> Bool? {
        guard let groups = value.objectValue, groups.count == 1, let star = groups["*"]?.objectValue,
              star.count == 1, let mention = star["requireMention"]?.boolValue else { return nil }
        return mention
    }

    /// Discord `guilds` → (ids, requireMention) when every entry is empty or carries the same
    /// `requireMention` only.
    static func discordGuilds(_ value: JSONValue) -> (ids: [String], requireMention: Bool?)? {
        guard let guilds = value.objectValue, !guilds.isEmpty else { return nil }
        var mention: Bool??
        for entry in guilds.values {
            guard let members = entry.objectValue else { return nil }
            let this: Bool?
            if members.isEmpty { this = nil } else if members.count == 1, let m = members["requireMention"]?.boolValue { this = m } else { return nil }
            if let seen = mention, seen != this { return nil }
            mention = .some(this)
        }
        let flag = mention ?? nil
        if guilds["*"] != nil {
            guard guilds.count == 1, flag != nil else { return nil }
            return ([], flag)
        }
        return (guilds.keys.sorted(), flag)
    }

    /// The accounts of `channels.<type>`: each `accounts.<id>` with the channel-level settings
    /// under it, plus the single-account form (credentials directly under the channel) as `default`.
    static func accounts(type: String, section: [String: JSONValue]) -> [AccountDraft] {
        var channelLevel = section
        channelLevel["accounts"] = nil
        let inherited = channelLevel.filter { isModelled(type, $0.key, $0.value) }
        var out: [AccountDraft] = []
        let explicit = section["accounts"]?.objectValue ?? [:]
        for id in explicit.keys.sorted() {
            let own = explicit[id]?.objectValue ?? [:]
            var settings = inherited
            // Credentials at channel level belong to the default account only.
            for key in (credentialKeys[type] ?? []) + ["tokenFile", "account"] where id != "default" && own[key] == nil { settings[key] = nil }
            settings.merge(own.filter { isModelled(type, $0.key, $0.value) }) { $1 }
            out.append(AccountDraft(type: type, originalId: id, id: Slug.make(id), settings: settings,
                                    path: "channels.\(type).accounts.\(id)"))
        }
        let topCredentials = ((credentialKeys[type] ?? []) + ["tokenFile", "account"]).contains { channelLevel[$0] != nil }
        if explicit["default"] == nil && (explicit.isEmpty || topCredentials) {
            out.insert(AccountDraft(type: type, originalId: "default", id: "default", settings: inherited,
                                    path: "channels.\(type)"), at: 0)
        }
        return out
    }

    /// The manifest channel entry for `account`, with the report of each field and the
    /// per-account keys fleet does not model (for `spec.openclaw`).
    static func manifestEntry(_ account: AccountDraft, bot: String, index: Int, section: [String: JSONValue],
                              report: inout [String: [String]], warnings: inout [String], secrets: inout ImportSecrets) -> (YAMLText, JSONValue?) {
        func seal(_ field: String, _ value: String) -> String {
            secrets.seal(bot: bot, field: field, value: value)
        }
        let type = account.type
        let s = account.settings
        let dest = "bots/\(bot).yaml spec.channels[\(index)]"
        var fields: [(String, YAMLText)] = [("type", .string(type)), ("accountId", .string(account.id))]
        // Which object each setting came from, for the report.
        let own = account.path == "channels.\(type)" ? section : (section["accounts"]?[account.originalId]?.objectValue ?? [:])
        func source(_ key: String) -> String { own[key] != nil ? "\(account.path).\(key)" : "channels.\(type).\(key)" }
        func note(_ key: String, _ field: String) { report[source(key), default: []].append("\(dest).\(field)") }

        if let e = s["enabled"]?.boolValue { fields.append(("enabled", .bool(e))); note("enabled", "enabled") }
        var credentials: [(String, YAMLText)] = []
        for key in credentialKeys[type] ?? [] {
            guard let raw = s[key] else { continue }
            let field = "channels.\(type).\(account.id).\(key)"
            if let value = raw.stringValue {
                credentials.append((key, .string(seal(field, value))))
                note(key, "credentials.\(key)")
            } else {
                report[source(key), default: []].append("not imported: a SecretRef; set the value with fleet secrets")
                warnings.append("\(source(key)) is a SecretRef; put the value in \(dest).credentials.\(key)")
            }
        }
        if type == "telegram", s["botToken"] == nil, let file = s["tokenFile"]?.stringValue {
            if let data = FileManager.default.contents(atPath: file) {
                let token = String(decoding: data, as: UTF8.self).trimmed
                credentials.append(("botToken", .string(seal("channels.telegram.\(account.id).botToken", token))))
                note("tokenFile", "credentials.botToken (read from the file)")
            } else {
                report[source("tokenFile"), default: []].append("not imported: cannot read \(file)")
                warnings.append("\(source("tokenFile")): cannot read \(file); add the token to \(dest).credentials.botToken")
            }
        } else if s["tokenFile"] != nil {
            report[source("tokenFile"), default: []].append("not imported: botToken is set as well")
        }
        if !credentials.isEmpty { fields.append(("credentials", .mapping(credentials))) }
        let missing = (type == "slack" ? ["botToken"] : credentialKeys[type] ?? []).filter { key in !credentials.contains { $0.0 == key } }
        if !missing.isEmpty && s["enabled"]?.boolValue != false {
            warnings.append("\(type) account '\(account.originalId)' has no \(missing.joined(separator: ", ")); add it to \(dest).credentials")
        }
        if let v = s["account"]?.stringValue, type == "signal" { fields.append(("account", .string(v))); note("account", "account") }
        if let v = s["dmPolicy"]?.stringValue { fields.append(("dmPolicy", .string(v))); note("dmPolicy", "dmPolicy") }
        if let v = s["allowFrom"].flatMap(stringList) { fields.append(("allowFrom", .strings(v))); note("allowFrom", "allowFrom") }
        if let v = s["groupPolicy"]?.stringValue { fields.append(("groupPolicy", .string(v))); note("groupPolicy", "groupPolicy") }
        if let v = s["groupAllowFrom"].flatMap(stringList) { fields.append(("groupAllowFrom", .strings(v))); note("groupAllowFrom", "groupAllowFrom") }
        if let v = s["groups"].flatMap(starMention) { fields.append(("requireMention", .bool(v))); note("groups", "requireMention") }
        if let v = s["requireMention"]?.boolValue, type == "slack" { fields.append(("requireMention", .bool(v))); note("requireMention", "requireMention") }
        if let g = s["guilds"].flatMap(discordGuilds) {
            if !g.ids.isEmpty { fields.append(("guilds", .strings(g.ids))) }
            if let m = g.requireMention { fields.append(("requireMention", .bool(m))) }
            note("guilds", g.ids.isEmpty ? "requireMention" : "guilds")
        }
        if let v = s["mode"]?.stringValue, type == "slack" { fields.append(("mode", .string(v))); note("mode", "mode") }
        if s["authDir"] != nil {
            report[source("authDir"), default: []].append("set by fleet: the pairing lives in the bot's state dir (pair again with fleet login)")
            warnings.append("\(source("authDir")): WhatsApp pairing is per bot under fleet; run fleet login \(bot) whatsapp")
        }
        // Per-account keys fleet does not model stay as they are.
        var extras: [String: JSONValue] = [:]
        if account.path != "channels.\(type)" {
            for (key, value) in own where !isModelled(type, key, value) {
                extras[key] = value
                report["\(account.path).\(key)", default: []].append("bots/\(bot).yaml spec.openclaw.channels.\(type).accounts.\(account.id).\(key)")
            }
        }
        let raw: JSONValue? = extras.isEmpty ? nil
            : .nested(["channels", type, "accounts", account.id], .object(extras))
        return (.mapping(fields), raw)
    }
}
