import FleetCore

/// The page around every view: skip link, landmarks, the navigation with the user and a
/// log-out form, and the live regions the script writes to.
struct Layout {
    var title: String
    var user: String?
    var csrf: String
    /// The SSE stream the script follows on this page, if any.
    var events: String?
    var notice: String?
    var warning: String?

    func render(_ main: String) -> String {
        var out = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(esc(title)) · fleet</title>
        <link rel="stylesheet" href="/assets/console.css">
        <script src="/assets/console.js" defer></script>
        </head>
        <body\(events.map { " data-events=\"\(esc($0))\"" } ?? "")>
        <a class="skip" href="#main">Skip to main content</a>
        <header class="top">
        <nav aria-label="Main"><a class="brand" href="/">fleet console</a></nav>
        """
        if let user {
            out += """
            <div class="who"><span>Signed in as <strong>\(esc(user))</strong></span>
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="\(esc(csrf))"><button type="submit" class="link">Log out</button></form></div>
            """
        }
        out += "</header>\n"
        if let warning { out += "<div class=\"banner banner-warn\" role=\"alert\">\(esc(warning))</div>\n" }
        out += "<main id=\"main\" tabindex=\"-1\">\n"
        if let notice { out += "<p class=\"notice\" role=\"status\">\(esc(notice))</p>\n" }
        out += main
        out += """
        </main>
        <div id="live-status" class="visually-hidden" role="status" aria-live="polite"></div>
        <div id="live-alert" class="visually-hidden" role="alert"></div>
        <footer><p>Git is the source of truth: this console reads the state file, the manifests at the applied commit, the journal and the gateways.</p></footer>
        </body>
        </html>
        """
        return out
    }
}

/// How a phase looks: a word, an icon and a colour (never the colour alone).
enum PhaseLook {
    static func css(_ phase: BotPhase) -> String {
        switch phase {
        case .Running: return "ok"
        case .Degraded, .Starting, .Pending: return "warn"
        case .Failed, .CrashLoop: return "bad"
        case .Stopped: return "off"
        }
    }

    static func icon(_ phase: BotPhase) -> String {
        switch phase {
        case .Running: return "✓"
        case .Degraded: return "!"
        case .Starting, .Pending: return "…"
        case .Failed: return "✕"
        case .CrashLoop: return "↻"
        case .Stopped: return "■"
        }
    }

    /// `<span class="phase phase-ok"><span aria-hidden="true">✓</span> Running</span>`.
    static func badge(_ phase: BotPhase, suspended: Bool = false) -> String {
        "<span class=\"phase phase-\(css(phase))\"><span class=\"icon\" aria-hidden=\"true\">\(icon(phase))</span> \(phase.rawValue)\(suspended ? " (suspended)" : "")</span>"
    }
}

/// The source's condition as a list of notes, worst first.
enum ConditionView {
    static func render(_ conditions: [SourceCondition]) -> String {
        guard !conditions.isEmpty else { return "" }
        var out = "<section class=\"conditions\" aria-labelledby=\"source-heading\"><h2 id=\"source-heading\">Source</h2><ul>"
        for c in conditions {
            let cls: String
            switch c.severity {
            case .ok: cls = "ok"
            case .info: cls = "info"
            case .warning: cls = "warn"
            case .error: cls = "bad"
            }
            out += "<li class=\"cond cond-\(cls)\" data-kind=\"\(c.kind.rawValue)\"><strong>\(esc(c.severity == .ok ? "In sync" : c.severity.rawValue.capitalized)):</strong> \(esc(c.message))"
            if let detail = c.detail { out += "<br><span class=\"detail\">\(esc(detail))</span>" }
            if let fix = c.fix { out += "<br><span class=\"fix\">Fix: <code>\(esc(fix))</code></span>" }
            out += "</li>"
        }
        return out + "</ul></section>"
    }
}
