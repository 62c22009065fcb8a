import FleetCore
import FoundationEssentials

/// The dashboard's filters and order, from the query string.
struct DashboardQuery: Sendable {
    var name = ""
    var selector = ""
    var phase = ""
    var sort = "name"
    var descending = false
    var cards = false

    init() {}

    init(_ query: [String: String]) {
        name = query["q"] ?? ""
        selector = query["selector"] ?? ""
        phase = query["phase"] ?? ""
        sort = ["name", "phase", "restarts", "messages", "activity", "sessions"].contains(query["sort"] ?? "") ? query["sort"] ?? "name" : "name"
        descending = query["dir"] == "desc"
        cards = query["view"] == "cards"
    }

    /// The query string with `changes` applied.
    func link(_ changes: [String: String]) -> String {
        var values: [String: String] = ["q": name, "selector": selector, "phase": phase, "sort": sort,
                                         "dir": descending ? "desc" : "asc", "view": cards ? "cards" : "table"]
        for (k, v) in changes { values[k] = v }
        let parts = values.keys.sorted().compactMap { k -> String? in
            guard let v = values[k], !v.isEmpty, !(k == "dir" && v == "asc"), !(k == "view" && v == "table"), !(k == "sort" && v == "name") else { return nil }
            return "\(k)=\(urlPart(v))"
        }
        return parts.isEmpty ? "/" : "/?" + parts.joined(separator: "&")
    }
}

/// The dashboard: counts per phase, the source's condition, then every visible bot.
enum DashboardView {
    static func render(_ snapshot: FleetSnapshot, bots visible: [BotSnapshot], policy: AccessPolicy,
                       query: DashboardQuery, selectorError: String?, now: Date = Date()) -> String {
        var out = "<h1>Fleet</h1>\n"
        out += "<div id=\"summary\" data-live=\"summary\">" + summary(snapshot, visible: visible, policy: policy) + "</div>\n"
        out += filters(query, selectorError: selectorError)
        var shown = visible.filter { bot in
            (query.name.isEmpty || bot.name.lowercased().contains(query.name.lowercased())
                || (bot.displayName ?? "").lowercased().contains(query.name.lowercased()))
                && (query.phase.isEmpty || bot.state.phase.rawValue == query.phase)
        }
        if !query.selector.isEmpty, selectorError == nil, let selector = try? LabelSelector(parsing: query.selector) {
            shown = shown.filter { selector.matches($0.labels) }
        }
        shown.sort { a, b in
            let ordered: Bool
            switch query.sort {
            case "phase": ordered = (a.state.phase.rawValue, a.name) < (b.state.phase.rawValue, b.name)
            case "restarts": ordered = (a.state.restarts, a.name) < (b.state.restarts, b.name)
            case "messages": ordered = (a.messagesLastHour, a.name) < (b.messagesLastHour, b.name)
            case "sessions": ordered = (a.state.sessions?.active ?? 0, a.name) < (b.state.sessions?.active ?? 0, b.name)
            case "activity": ordered = ((a.lastActivity ?? .distantPast), a.name) < ((b.lastActivity ?? .distantPast), b.name)
            default: ordered = a.name < b.name
            }
            return query.descending ? !ordered : ordered
        }
        if visible.isEmpty {
            out += "<p class=\"empty\">" + (policy.isListed
                ? "No bots you may see are recorded on this host yet (fleet apply, or the daemon, records them)."
                : "spec.access in the Fleet manifest gives \(esc(policy.user)) no role, so there is nothing to show. An admin adds an entry such as <code>{user: \(esc(policy.user)), role: viewer}</code> in git.") + "</p>"
            return out
        }
        out += "<p class=\"count\" id=\"shown-count\">Showing \(shown.count) of \(visible.count) bots. "
        out += query.cards ? "<a href=\"\(esc(query.link(["view": "table"])))\">Table view</a>" : "<a href=\"\(esc(query.link(["view": "cards"])))\">Card view</a>"
        out += "</p>\n"
        if query.cards {
            out += "<ul class=\"cards\">" + shown.map { "<li class=\"card\" id=\"card-\(esc($0.name))\" data-bot=\"\(esc($0.name))\" data-live=\"card:\(esc($0.name))\">" + card($0, now: now) + "</li>" }.joined() + "</ul>"
        } else {
            out += table(shown, query: query, now: now)
        }
        return out
    }

    /// The counts per phase and the source's condition (also sent over SSE).
    static func summary(_ snapshot: FleetSnapshot, visible: [BotSnapshot], policy: AccessPolicy) -> String {
        var out = "<section aria-labelledby=\"counts-heading\"><h2 id=\"counts-heading\" class=\"visually-hidden\">Bots per phase</h2><ul class=\"counts\">"
        out += "<li><span class=\"num\">\(visible.count)</span> bots</li>"
        for phase in BotPhase.allCases {
            let n = visible.filter { $0.state.phase == phase }.count
            guard n > 0 || phase == .Running || phase == .Failed else { continue }
            out += "<li class=\"count-\(PhaseLook.css(phase))\"><a href=\"/?phase=\(phase.rawValue)\"><span class=\"num\">\(n)</span> \(PhaseLook.badge(phase))</a></li>"
        }
        out += "</ul></section>"
        out += ConditionView.render(snapshot.conditions)
        var actions: [String] = []
        if policy.rulesAllowAdmin { actions.append("<a class=\"button\" href=\"/bots/new\">New bot…</a>") }
        if policy.fleetWideRole.map({ $0 >= .operator }) == true {
            actions.append("<a class=\"button\" href=\"/reconcile\">Reconcile now…</a>")
        }
        actions.append("<a href=\"/history\">History</a>")
        out += "<p class=\"actions\">" + actions.joined(separator: " ") + "</p>"
        return out
    }

    static func filters(_ q: DashboardQuery, selectorError: String?) -> String {
        var out = "<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\" aria-label=\"Filter bots\">"
        out += "<label>Name <input type=\"search\" name=\"q\" value=\"\(esc(q.name))\" autocomplete=\"off\"></label>"
        out += "<label>Label selector <input type=\"text\" name=\"selector\" value=\"\(esc(q.selector))\" placeholder=\"team=customer-care\"\(selectorError != nil ? " aria-invalid=\"true\" aria-describedby=\"selector-error\"" : "")></label>"
        out += "<label>Phase <select name=\"phase\"><option value=\"\">any</option>"
        for phase in BotPhase.allCases {
            out += "<option\(q.phase == phase.rawValue ? " selected" : "")>\(phase.rawValue)</option>"
        }
        out += "</select></label>"
        if q.sort != "name" { out += "<input type=\"hidden\" name=\"sort\" value=\"\(esc(q.sort))\">" }
        if q.descending { out += "<input type=\"hidden\" name=\"dir\" value=\"desc\">" }
        if q.cards { out += "<input type=\"hidden\" name=\"view\" value=\"cards\">" }
        out += "<button type=\"submit\">Filter</button></form>"
        if let selectorError { out += "<p class=\"error\" id=\"selector-error\" role=\"alert\">\(esc(selectorError))</p>" }
        return out
    }

    static func table(_ bots: [BotSnapshot], query: DashboardQuery, now: Date) -> String {
        func header(_ title: String, _ key: String?) -> String {
            guard let key else { return "<th scope=\"col\">\(title)</th>" }
            let active = query.sort == key
            let nextDesc = active ? !query.descending : false
            let sortState = active ? (query.descending ? "descending" : "ascending") : "none"
            return "<th scope=\"col\" aria-sort=\"\(sortState)\"><a href=\"\(esc(query.link(["sort": key, "dir": nextDesc ? "desc" : "asc"])))\">\(title)\(active ? (query.descending ? " ▼" : " ▲") : "")</a></th>"
        }
        let filtered = !query.name.isEmpty || !query.selector.isEmpty || !query.phase.isEmpty
        var out = "<table class=\"bots\" id=\"bots\"\(filtered ? " data-filtered=\"yes\"" : "")><caption class=\"visually-hidden\">Bots on this host</caption><thead><tr>"
        out += header("Bot", "name") + header("Phase", "phase") + header("Channels", nil) + header("Active sessions", "sessions")
            + header("Messages (1 h, 24 h trend)", "messages") + header("Last activity", "activity") + header("Restarts", "restarts")
        out += "</tr></thead><tbody>"
        for bot in bots {
            out += "<tr id=\"bot-\(esc(bot.name))\" data-bot=\"\(esc(bot.name))\" data-live=\"row:\(esc(bot.name))\" data-phase=\"\(bot.state.phase.rawValue)\">" + row(bot, now: now) + "</tr>"
        }
        return out + "</tbody></table>"
    }

    /// One table row's cells (also sent over SSE).
    static func row(_ bot: BotSnapshot, now: Date = Date()) -> String {
        let s = bot.state
        var out = "<th scope=\"row\"><a href=\"/bots/\(urlPart(bot.name))\">\(esc(bot.name))</a>"
        if let display = bot.displayName { out += "<br><span class=\"muted\">\(esc(display))</span>" }
        out += "</th><td>\(PhaseLook.badge(s.phase, suspended: s.suspended == true))"
        if s.phase == .Failed || s.phase == .CrashLoop, let error = s.lastError { out += "<br><span class=\"detail\">\(esc(error.message))</span>" }
        out += "</td><td>\(channels(s.channels))</td>"
        out += "<td>\(s.sessions.map { "\($0.active) <span class=\"muted\">of \($0.count)</span>" } ?? "<span class=\"muted\">–</span>")</td>"
        out += "<td><span class=\"num\">\(bot.messagesLastHour)</span> \(Charts.sparkline(bot.messagesPerHour, label: "messages per hour over the last 24 hours, \(bot.messagesPerHour.reduce(0, +)) in all"))</td>"
        out += "<td>\(timeTag(bot.lastActivity, now: now))</td><td>\(s.restarts)</td>"
        return out
    }

    /// A card (small fleets).
    static func card(_ bot: BotSnapshot, now: Date = Date()) -> String {
        let s = bot.state
        var out = "<h2><a href=\"/bots/\(urlPart(bot.name))\">\(esc(bot.name))</a></h2>"
        if let display = bot.displayName { out += "<p class=\"muted\">\(esc(display))</p>" }
        out += "<p>\(PhaseLook.badge(s.phase, suspended: s.suspended == true))</p>"
        out += "<dl><dt>Channels</dt><dd>\(channels(s.channels))</dd><dt>Active sessions</dt><dd>\(s.sessions?.active ?? 0)</dd>"
        out += "<dt>Messages (1 h)</dt><dd>\(bot.messagesLastHour) \(Charts.sparkline(bot.messagesPerHour, label: "messages per hour over the last 24 hours"))</dd>"
        out += "<dt>Last activity</dt><dd>\(timeTag(bot.lastActivity, now: now))</dd><dt>Restarts</dt><dd>\(s.restarts)</dd></dl>"
        return out
    }

    static func channels(_ channels: [ChannelStatus]?) -> String {
        guard let channels else { return "<span class=\"muted\">–</span>" }
        guard !channels.isEmpty else { return "<span class=\"muted\">none</span>" }
        return "<ul class=\"chans\">" + channels.map { c in
            let name = c.accountId == "default" ? c.channel : "\(c.channel)/\(c.accountId)"
            let cls = c.connected ? "ok" : (c.lastError != nil ? "bad" : "warn")
            let icon = c.connected ? "✓" : (c.lastError != nil ? "✕" : "…")
            return "<li class=\"chan chan-\(cls)\"><span aria-hidden=\"true\">\(icon)</span> \(esc(name)): \(esc(c.state))</li>"
        }.joined() + "</ul>"
    }
}
