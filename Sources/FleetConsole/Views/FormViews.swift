import FleetCore

/// Form controls with their label, help, and the diagnostics of `fleet validate` that concern
/// them (linked with `aria-describedby`, announced as alerts). A read-only form disables them.
struct FormFields {
    /// Diagnostics by field name.
    var problems: [String: [Diagnostic]] = [:]
    /// Console-side problems (allow-list ids, the user's selector) by field name.
    var notes: [String: [String]] = [:]
    /// Whether the controls are disabled.
    var readOnly = false

    private func describedBy(_ name: String, help: String?) -> String {
        var ids: [String] = []
        if help != nil { ids.append("f-\(name)-help") }
        if problems[name]?.isEmpty == false || notes[name]?.isEmpty == false { ids.append("f-\(name)-error") }
        return ids.isEmpty ? "" : " aria-describedby=\"\(ids.joined(separator: " "))\""
    }

    /// The errors of a field, at the field.
    func errors(_ name: String) -> String {
        let list = problems[name] ?? []
        let extra = notes[name] ?? []
        guard !list.isEmpty || !extra.isEmpty else { return "" }
        var out = "<div class=\"field-error\" id=\"f-\(name)-error\" role=\"alert\"><ul>"
        for d in list {
            out += "<li><strong>\(d.severity.rawValue)[\(d.code.rawValue)]</strong> \(esc(d.message))\(d.fix.map { "<br><span class=\"fix\">Fix: \(esc($0))</span>" } ?? "")</li>"
        }
        for n in extra { out += "<li>\(esc(n))</li>" }
        return out + "</ul></div>"
    }

    private var disabled: String { readOnly ? " disabled" : "" }

    private func invalid(_ name: String) -> String {
        (problems[name] ?? []).contains { $0.severity == .error } || notes[name]?.isEmpty == false ? " aria-invalid=\"true\"" : ""
    }

    func text(_ name: String, _ label: String, value: String, help: String? = nil, type: String = "text", extra: String = "") -> String {
        "<div class=\"field\" data-field=\"\(name)\"><label for=\"f-\(name)\">\(esc(label))</label>"
            + "<input id=\"f-\(name)\" name=\"\(name)\" type=\"\(type)\" value=\"\(type == "password" ? "" : esc(value))\"\(describedBy(name, help: help))\(invalid(name))\(disabled)\(extra)>"
            + (help.map { "<p class=\"help\" id=\"f-\(name)-help\">\(esc($0))</p>" } ?? "") + errors(name) + "</div>"
    }

    func textarea(_ name: String, _ label: String, value: String, help: String? = nil, rows: Int = 6) -> String {
        "<div class=\"field\" data-field=\"\(name)\"><label for=\"f-\(name)\">\(esc(label))</label>"
            + "<textarea id=\"f-\(name)\" name=\"\(name)\" rows=\"\(rows)\"\(describedBy(name, help: help))\(invalid(name))\(disabled)>\(esc(value))</textarea>"
            + (help.map { "<p class=\"help\" id=\"f-\(name)-help\">\(esc($0))</p>" } ?? "") + errors(name) + "</div>"
    }

    /// Radio buttons, each with a sentence (`cards` lays them out as cards).
    func radios(_ name: String, _ legend: String, options: [(value: String, label: String, help: String)], selected: String, cards: Bool = false) -> String {
        var out = "<fieldset class=\"field\(cards ? " cards" : "")\" data-field=\"\(name)\"\(describedBy(name, help: nil))><legend>\(esc(legend))</legend>"
        for (i, o) in options.enumerated() {
            let id = "f-\(name)-\(i)"
            out += "<div class=\"choice\"><input type=\"radio\" id=\"\(id)\" name=\"\(name)\" value=\"\(esc(o.value))\"\(o.value == selected ? " checked" : "")\(disabled)>"
            out += "<label for=\"\(id)\"><strong>\(esc(o.label))</strong>\(o.help.isEmpty ? "" : "<span class=\"help\">\(esc(o.help))</span>")</label></div>"
        }
        return out + errors(name) + "</fieldset>"
    }

    func checkbox(_ name: String, _ label: String, checked: Bool, help: String? = nil) -> String {
        "<div class=\"field check\" data-field=\"\(name)\"><input type=\"checkbox\" id=\"f-\(name)\" name=\"\(name)\" value=\"yes\"\(checked ? " checked" : "")\(describedBy(name, help: help))\(disabled)>"
            + "<label for=\"f-\(name)\">\(esc(label))</label>" + (help.map { "<p class=\"help\" id=\"f-\(name)-help\">\(esc($0))</p>" } ?? "") + errors(name) + "</div>"
    }

    func select(_ name: String, _ label: String, options: [(value: String, label: String)], selected: String, help: String? = nil) -> String {
        var out = "<div class=\"field\" data-field=\"\(name)\"><label for=\"f-\(name)\">\(esc(label))</label><select id=\"f-\(name)\" name=\"\(name)\"\(describedBy(name, help: help))\(disabled)>"
        for o in options { out += "<option value=\"\(esc(o.value))\"\(o.value == selected ? " selected" : "")>\(esc(o.label))</option>" }
        return out + "</select>" + (help.map { "<p class=\"help\" id=\"f-\(name)-help\">\(esc($0))</p>" } ?? "") + errors(name) + "</div>"
    }

    static func hidden(_ name: String, _ value: String) -> String {
        "<input type=\"hidden\" name=\"\(esc(name))\" value=\"\(esc(value))\">"
    }
}

/// Words shared by the wizard and the edit form.
enum BotFormText {
    static let groupPolicies: [(value: String, label: String, help: String)] = [
        ("allowlist", "allowlist", "the bot answers in groups only for the senders you list (OpenClaw's default)"),
        ("open", "open", "the bot answers in every group it is added to"),
        ("disabled", "disabled", "the bot ignores group messages"),
    ]
    static let sessionScopes: [(value: String, label: String, help: String)] = [
        ("", "the fleet's default", ""),
        ("per-sender", "per-sender", "each person gets a conversation of their own"),
        ("global", "global", "everyone shares one conversation"),
    ]
    static let resetModes: [(value: String, label: String, help: String)] = [
        ("", "the fleet's default", ""),
        ("daily", "daily", "conversations start afresh every day at the hour below"),
        ("idle", "idle", "conversations start afresh after a silence"),
    ]
    static let promptExamples = [
        "You are the support assistant of Example Ltd. Answer questions about orders, shipping and returns. Be brief and friendly; hand over to a person when asked.",
        "You help the sales team: answer questions about our products and prices, and collect the name and e-mail of interested customers.",
        "You are an internal helpdesk bot. Answer IT questions; never share passwords or secrets.",
    ]
    static let bashWarning = "Shell commands run on this host as the gateway's user: anyone who can message the bot can ask it to run them. Leave off unless only trusted people can reach the bot."
    static let browserWarning = "The browser tool opens web pages for the model and can log into sites; it also uses more memory and ports (base+1 to base+108)."

    /// Checks allow-list ids as the channel expects them: Telegram matches numeric sender ids
    /// (a `telegram:`/`tg:` prefix and spaces are tolerated; OpenClaw's
    /// normalizeTelegramAllowFromEntry / isNumericTelegramUserId), `*` allows everyone.
    static func allowListProblems(_ ids: [String], channel: String) -> [String] {
        var out: [String] = []
        for raw in ids {
            var id = raw.trimmed
            if channel == "telegram" {
                for prefix in ["telegram:", "tg:"] where id.lowercased().hasPrefix(prefix) { id = String(id.dropFirst(prefix.count)).trimmed }
                let digits = id.hasPrefix("-") ? String(id.dropFirst()) : id
                if id != "*", digits.isEmpty || !digits.allSatisfy(\.isASCII) || !digits.allSatisfy(\.isNumber) {
                    out.append("'\(raw)' is not a Telegram sender id: Telegram allow-lists match numeric user ids (ask @userinfobot for yours)")
                }
            } else if channel == "discord" {
                if id != "*", !(17...20).contains(id.count) || !id.allSatisfy(\.isNumber) {
                    out.append("'\(raw)' is not a Discord user id: a number of 17 to 20 digits (Developer Mode → Copy User ID)")
                }
            }
        }
        return out
    }

    /// `a, b c` → `[a, b, c]`.
    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == " " || $0 == "\r" }).map { String($0).trimmed }.filter { !$0.isEmpty }
    }

    /// `team=sales, tier=gold` → labels, and the problem when the text is not of that form.
    static func labels(_ text: String) -> (labels: [String: String], problem: String?) {
        var out: [String: String] = [:]
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
            guard pair.count == 2, !pair[0].isEmpty else { return (out, "write labels as key=value, separated by commas (team=sales, tier=gold)") }
            out[pair[0]] = pair[1]
        }
        return (out, nil)
    }

    static func labelsText(_ labels: [String: String]) -> String {
        labels.keys.sorted().map { "\($0)=\(labels[$0] ?? "")" }.joined(separator: ", ")
    }
}
