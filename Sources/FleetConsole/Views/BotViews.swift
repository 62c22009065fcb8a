import FleetCore
import FleetGit
import FoundationEssentials
import OpenClawConfig

/// The tabs of a bot's page.
enum BotTab: String, CaseIterable, Sendable {
    case overview, channels, sessions, config, logs, history

    var title: String {
        switch self {
        case .overview: return "Overview"
        case .channels: return "Channels"
        case .sessions: return "Sessions"
        case .config: return "Configuration"
        case .logs: return "Logs"
        case .history: return "History"
        }
    }

    var path: String { self == .overview ? "" : "/" + rawValue }
}

/// The bot page's frame: heading, live status, actions and the tab navigation.
enum BotPage {
    static func lifecycleButton(_ bot: String, _ action: String, _ label: String, csrf: String) -> String {
        "<form method=\"post\" action=\"/bots/\(urlPart(bot))/lifecycle\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"\(esc(csrf))\"><input type=\"hidden\" name=\"action\" value=\"\(action)\"><button type=\"submit\" class=\"secondary\">\(esc(label))</button></form> "
    }

    static func render(_ bot: BotSnapshot, tab: BotTab, role: ConsoleRole, content: String, csrf: String? = nil) -> String {
        let s = bot.state
        var out = "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Dashboard</a> › <span aria-current=\"page\">\(esc(bot.name))</span></nav>"
        out += "<h1>\(esc(bot.name))\(bot.displayName.map { " <span class=\"muted\">\(esc($0))</span>" } ?? "")</h1>"
        out += "<div class=\"bot-status\" data-live=\"status:\(esc(bot.name))\">" + status(bot) + "</div>"
        out += "<div class=\"actions\">"
        if role >= .operator { out += "<a class=\"button\" href=\"/bots/\(urlPart(bot.name))/restart\">Restart…</a> " }
        out += "<a class=\"button\" href=\"/bots/\(urlPart(bot.name))/edit\">\(role == .admin ? "Edit…" : "Settings")</a> "
        if role == .admin, let csrf {
            let enabled = s.phase != .Stopped || s.pid != nil
            out += lifecycleButton(bot.name, enabled ? "disable" : "enable", enabled ? "Disable…" : "Enable…", csrf: csrf)
            out += lifecycleButton(bot.name, s.suspended == true ? "resume" : "suspend", s.suspended == true ? "Resume…" : "Suspend…", csrf: csrf)
        }
        if s.pid != nil, s.health?.live == true {
            out += "<a href=\"http://127.0.0.1:\(s.port)/\" rel=\"noopener\">Open the gateway's Control UI (port \(s.port))</a>"
        }
        out += "</div>"
        out += "<nav class=\"tabs\" aria-label=\"Bot sections\"><ul>"
        for t in BotTab.allCases {
            out += "<li><a href=\"/bots/\(urlPart(bot.name))\(t.path)\"\(t == tab ? " aria-current=\"page\"" : "")>\(t.title)</a></li>"
        }
        out += "</ul></nav><section class=\"tab\" aria-labelledby=\"tab-heading\"><h2 id=\"tab-heading\">\(tab.title)</h2>" + content + "</section>"
        return out
    }

    /// The live part: phase, pid, uptime, health (also sent over SSE).
    static func status(_ bot: BotSnapshot, now: Date = Date()) -> String {
        let s = bot.state
        var out = "<p>\(PhaseLook.badge(s.phase, suspended: s.suspended == true))"
        if let pid = s.pid {
            out += " · pid \(pid) · port \(s.port)"
            if let started = s.startedAt { out += " · up since \(timeTag(started, now: now))" }
        } else {
            out += " · not running · port \(s.port)"
        }
        out += " · \(s.restarts) restart\(s.restarts == 1 ? "" : "s")</p>"
        if let error = s.lastError, s.phase == .Failed || s.phase == .CrashLoop || s.phase == .Degraded {
            out += "<p class=\"problem\"><strong>\(esc(error.message))</strong>\(error.fix.map { "<br>Fix: <code>\(esc($0))</code>" } ?? "")</p>"
        }
        return out
    }

    static func overview(_ bot: BotSnapshot, journal: [JournalEntry]) -> String {
        let s = bot.state
        var out = "<dl class=\"facts\">"
        out += "<dt>Process</dt><dd>\(s.pid.map { "pid \($0)" } ?? "not running")\(s.lastExit.map { "; last exit: \(esc($0.summary)) \(timeTag($0.at))" } ?? "")</dd>"
        if let h = s.health, s.pid != nil {
            let word = !h.live ? "not answering /healthz" : (h.ready == false ? "live, not ready" : "live and ready")
            out += "<dt>Health</dt><dd>\(esc(word)) (checked \(timeTag(h.at)))</dd>"
        }
        out += "<dt>Applied commit</dt><dd>\(s.appliedCommit.map { "<code>\(esc(String($0.prefix(12))))</code>" } ?? "none")</dd>"
        out += "<dt>Manifest</dt><dd>\(s.manifest.map { "<code>\(esc($0))</code>" } ?? "–")</dd>"
        out += "<dt>Sessions</dt><dd>\(s.sessions.map { "\($0.active) active of \($0.count)" } ?? "–")</dd>"
        out += "<dt>Last activity</dt><dd>\(timeTag(bot.lastActivity))</dd></dl>"
        let failing = (s.channels ?? []).filter { !$0.connected && $0.lastError != nil }
        if !failing.isEmpty {
            out += "<h3>Failing channels</h3><ul>"
            for c in failing {
                out += "<li><strong>\(esc(c.channel))/\(esc(c.accountId))</strong>: \(esc(c.lastError ?? ""))\(c.fix.map { "<br>Fix: <code>\(esc($0))</code>" } ?? "")</li>"
            }
            out += "</ul>"
        }
        out += "<div class=\"charts\">" + Charts.bars(bot.messagesPerHour, title: "Messages per hour, last 24 hours", cssClass: "bar-msg")
            + Charts.bars(bot.errorsPerHour, title: "Errors per hour, last 24 hours", cssClass: "bar-err") + "</div>"
        let restarts = journal.filter { ["restart", "start", "create"].contains($0.action) }.suffix(10).reversed()
        out += "<h3>Restart history</h3>"
        out += restarts.isEmpty ? "<p class=\"muted\">None recorded.</p>" : "<ul>" + restarts.map { e in
            "<li>\(timeTag(e.time)) \(esc(e.action)): \(esc(e.result))\(e.user.map { " (by \(esc($0)))" } ?? "") — \(esc(e.reasons.joined(separator: "; ")))</li>"
        }.joined() + "</ul>"
        return out
    }

    static func channels(_ bot: BotSnapshot, manifest: BotManifest?, role: ConsoleRole, csrf: String, results: [CheckOutcome]) -> String {
        let live = bot.state.channels ?? []
        let declared = manifest?.channels ?? []
        guard !live.isEmpty || !declared.isEmpty else { return "<p class=\"muted\">This bot has no channels.</p>" }
        var out = "<table><thead><tr><th scope=\"col\">Channel</th><th scope=\"col\">State</th><th scope=\"col\">Last error and fix</th><th scope=\"col\">Last inbound</th><th scope=\"col\">Check</th></tr></thead><tbody>"
        var keys = live.map { ($0.channel, $0.accountId) }
        for c in declared where !keys.contains(where: { $0 == (c.type, c.accountId) }) { keys.append((c.type, c.accountId)) }
        for (channel, account) in keys {
            let c = live.first { $0.channel == channel && $0.accountId == account }
            out += "<tr><th scope=\"row\">\(esc(channel))/\(esc(account))</th>"
            out += "<td>\(c.map { DashboardView.channels([$0]) } ?? "<span class=\"muted\">unknown</span>")</td>"
            out += "<td>\(c?.lastError.map { esc($0) + (c?.fix.map { "<br>Fix: <code>\(esc($0))</code>" } ?? "") } ?? "–")</td>"
            out += "<td>\(timeTag(c?.lastInboundAt))</td><td>"
            if channel == "whatsapp" {
                if role >= .operator {
                    out += "<form method=\"post\" action=\"/bots/\(urlPart(bot.name))/pair\"><input type=\"hidden\" name=\"csrf\" value=\"\(esc(csrf))\"><input type=\"hidden\" name=\"channel\" value=\"whatsapp\"><input type=\"hidden\" name=\"account\" value=\"\(esc(account))\"><button type=\"submit\">Pair WhatsApp</button></form>"
                }
                out += "<span class=\"muted\">or on the host: <code>fleet login \(esc(bot.name)) whatsapp --account \(esc(account))</code></span>"
            } else if role >= .operator, declared.contains(where: { $0.type == channel && $0.accountId == account }) {
                out += "<form method=\"post\" action=\"/bots/\(urlPart(bot.name))/check\"><input type=\"hidden\" name=\"csrf\" value=\"\(esc(csrf))\"><input type=\"hidden\" name=\"channel\" value=\"\(esc(channel))\"><input type=\"hidden\" name=\"account\" value=\"\(esc(account))\"><button type=\"submit\">Test connection</button></form>"
            } else {
                out += "<span class=\"muted\">operators can test</span>"
            }
            out += "</td></tr>"
        }
        out += "</tbody></table>"
        for r in results {
            let cls = r.ok ? "ok" : "bad"
            out += "<p class=\"check check-\(cls)\" role=\"\(r.ok ? "status" : "alert")\"><strong>Test connection \(esc(r.channel))/\(esc(r.accountId)): \(esc(r.status))</strong> — \(esc(r.message))\(r.identity.map { " (\(esc($0)))" } ?? "")<br><span class=\"muted\">Nothing was stored.</span></p>"
        }
        return out
    }

    static func sessions(_ bot: BotSnapshot, role: ConsoleRole) -> String {
        guard !bot.sessions.isEmpty else { return "<p class=\"muted\">No sessions.</p>" }
        var out = "<p class=\"muted\">From \(esc(bot.state.observedVia == "gateway" ? "the gateway (sessions.list)" : "the session store on disk")). Message text is never shown here.</p>"
        out += "<table><thead><tr><th scope=\"col\">Key</th><th scope=\"col\">Peer</th><th scope=\"col\">Channel</th><th scope=\"col\">Last activity</th><th scope=\"col\">Tokens in / out</th><th scope=\"col\">Messages</th></tr></thead><tbody>"
        for e in bot.sessions {
            let updated = e.updatedAt.map { Date(timeIntervalSince1970: Double($0) / 1000) }
            out += "<tr><td><code>\(esc(e.key))</code></td><td>\(esc(e.displayName ?? "–"))</td><td>\(esc(e.channel ?? "–"))</td><td>\(timeTag(updated))</td><td>\(e.inputTokens.map(String.init) ?? "–") / \(e.outputTokens.map(String.init) ?? "–")</td><td>"
            if role >= .operator, let id = e.sessionId, SessionTranscript.isSafeId(id) {
                out += "<a href=\"/bots/\(urlPart(bot.name))/sessions/\(urlPart(id))\">Open</a>"
            } else {
                out += "<span class=\"muted\">operators can open</span>"
            }
            out += "</td></tr>"
        }
        return out + "</tbody></table>"
    }

    static func logs(_ bot: BotSnapshot, entries: [LogEntry], level: String, text: String) -> String {
        var out = "<form class=\"filters\" method=\"get\" role=\"search\" aria-label=\"Filter log lines\">"
        out += "<label>Level at least <select name=\"level\"><option value=\"\">any</option>"
        for l in LogLevelName.all { out += "<option\(l == level ? " selected" : "")>\(l)</option>" }
        out += "</select></label><label>Text <input type=\"search\" name=\"q\" value=\"\(esc(text))\"></label><button type=\"submit\">Filter</button>"
        out += " <a href=\"/bots/\(urlPart(bot.name))/logs/download\" download>Download the log</a></form>"
        let stream = "/bots/\(urlPart(bot.name))/logs/stream?level=\(urlPart(level))&q=\(urlPart(text))"
        out += "<p class=\"muted\" id=\"tail-state\">Newest last; new lines appear as they are written.</p>"
        let after = Int(((entries.last?.time ?? Date()).timeIntervalSince1970 * 1000).rounded(.down))
        out += "<ol class=\"log\" id=\"log\" data-tail=\"\(esc(stream))&amp;after=\(after)\" aria-live=\"off\" aria-label=\"Log lines\">"
        out += entries.map(logLine).joined()
        return out + "</ol>"
    }

    static func logLine(_ e: LogEntry) -> String {
        "<li class=\"lv-\(esc(e.level.lowercased()))\"><time>\(esc(e.time.map { ISOTime.utc($0) } ?? ""))</time> <span class=\"lv\">\(esc(e.level))</span> \(esc(e.message))</li>"
    }

    static func history(_ bot: BotSnapshot, journal: [JournalEntry], commits: [(GitCommitInfo, [GitChangedFile])], diffs: [String: HistoryView.FileChange],
                        commitsError: String?, rollback: ((GitCommitInfo) -> String)?) -> String {
        var out = "<h3>Journal</h3>"
        if journal.isEmpty {
            out += "<p class=\"muted\">No journal entries.</p>"
        } else {
            out += "<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Commit</th><th scope=\"col\">Action</th><th scope=\"col\">Result</th><th scope=\"col\">Who</th><th scope=\"col\">Why</th></tr></thead><tbody>"
            for e in journal.reversed().prefix(100) {
                out += "<tr><td>\(timeTag(e.time))</td><td>\(e.commit.map { "<code>\(esc(String($0.prefix(7))))</code>" } ?? "–")</td><td>\(esc(e.action))</td>"
                out += "<td class=\"\(e.result == "ok" ? "ok" : "bad")\">\(esc(e.result))\(e.error.map { ": \(esc($0))" } ?? "")</td>"
                out += "<td>\(esc(e.user ?? e.author.map { String($0.prefix { $0 != "<" }).trimmed } ?? "–"))</td><td>\(esc(e.reasons.joined(separator: "; ")))</td></tr>"
            }
            out += "</tbody></table>"
        }
        out += "<h3>Commits that touched its manifest</h3>"
        if let commitsError { out += "<p class=\"muted\">\(esc(commitsError))</p>" }
        if commits.isEmpty, commitsError == nil { out += "<p class=\"muted\">None found.</p>" }
        if !commits.isEmpty {
            var results: [String: String] = [:]
            for (c, _) in commits {
                let entries = journal.filter { $0.commit == c.id }
                results[c.id] = entries.isEmpty ? "not applied here" : entries.map { "\($0.action) \($0.result)" }.joined(separator: ", ")
            }
            out += HistoryView.commits(commits, diffs: diffs, results: results, rollback: rollback)
        }
        return out
    }

    struct ConfigView {
        var manifestFile: String?
        var manifestText: String?
        var diskText: String?
        var renderedText: String?
        var renderError: String?
        var appliedHash: String?
        var diskHash: String?
        var renderedHash: String?
        var fingerprints: [String: String]
    }

    static func config(_ v: ConfigView) -> String {
        var out = "<h3>Drift</h3><table><tbody>"
        func row(_ name: String, _ hash: String?) -> String {
            "<tr><th scope=\"row\">\(name)</th><td><code>\(esc(hash.map { String($0.prefix(16)) } ?? "unknown"))</code></td></tr>"
        }
        out += row("Git (rendered now from the applied commit)", v.renderedHash) + row("On disk (config.json5)", v.diskHash)
            + row("What the gateway runs (last applied or reloaded)", v.appliedHash)
        out += "</tbody></table>"
        let same = v.diskHash != nil && v.diskHash == v.appliedHash && (v.renderedHash == nil || v.renderedHash == v.diskHash)
        out += same ? "<p class=\"ok\"><span aria-hidden=\"true\">✓</span> No drift: git, disk and the gateway agree.</p>"
            : "<p class=\"bad\"><span aria-hidden=\"true\">✕</span> Drift: the three differ; the daemon (or fleet apply) converges them.</p>"
        if let error = v.renderError { out += "<p class=\"muted\">Not rendered from git: \(esc(error))</p>" }
        if let rendered = v.renderedText, let disk = v.diskText, rendered != disk {
            out += "<h3>Diff: git → disk</h3><pre class=\"diff\">" + LineDiff.render(rendered, disk) + "</pre>"
        }
        out += "<h3>Secrets</h3>"
        out += v.fingerprints.isEmpty ? "<p class=\"muted\">None.</p>" : "<table><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Value</th><th scope=\"col\">Fingerprint</th></tr></thead><tbody>"
            + v.fingerprints.keys.sorted().map { "<tr><td><code>\(esc($0))</code></td><td>set</td><td><code>\(esc(v.fingerprints[$0] ?? ""))</code></td></tr>" }.joined() + "</tbody></table>"
        out += "<h3>Manifest at the applied commit\(v.manifestFile.map { " (<code>\(esc($0))</code>)" } ?? "")</h3>"
        out += "<pre class=\"code\">\(esc(v.manifestText ?? "not readable"))</pre>"
        out += "<h3>Rendered config on disk</h3><p class=\"muted\">Secret values are never in this file: they go to per-bot 0600 files it references.</p>"
        out += "<pre class=\"code\">\(esc(v.diskText ?? "not written yet"))</pre>"
        return out
    }
}

/// A small line diff (longest common subsequence) for the configuration tab.
enum LineDiff {
    static func render(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard x.count * y.count <= 4_000_000 else { return esc("(too large to compare line by line)") }
        var table = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                table[i][j] = x[i] == y[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out = ""
        var i = 0, j = 0
        while i < x.count || j < y.count {
            if i < x.count, j < y.count, x[i] == y[j] {
                out += "  " + esc(x[i]) + "\n"
                i += 1
                j += 1
            } else if j < y.count, i == x.count || table[i][j + 1] >= table[i + 1][j] {
                out += "<ins>+ " + esc(y[j]) + "</ins>\n"
                j += 1
            } else {
                out += "<del>- " + esc(x[i]) + "</del>\n"
                i += 1
            }
        }
        return out
    }
}

/// One session's messages, for an operator who opens it (never shown in lists).
enum SessionTranscript {
    struct Message {
        var role: String
        var time: Date?
        var text: String
    }

    /// Session ids are file names in the store: no path separators, no dot files.
    static func isSafeId(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 200 && !id.hasPrefix(".") && !id.contains("/") && !id.contains("\0")
    }

    /// The messages of `<sessions>/<id>.jsonl`, oldest first (at most the last 500).
    static func messages(_ paths: BotPaths, id: String) -> [Message]? {
        guard isSafeId(id), let bytes = HostFiles.read(SessionStoreReader.directory(paths) + "/\(id).jsonl") else { return nil }
        var out: [Message] = []
        for line in bytes.split(separator: 0x0A) {
            guard let object = try? JSON5.parse(String(decoding: line, as: UTF8.self)), object["type"]?.stringValue == "message",
                  let message = object["message"] else { continue }
            let text: String
            if let s = message["content"]?.stringValue {
                text = s
            } else {
                text = (message["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
            }
            out.append(Message(role: message["role"]?.stringValue ?? "?", time: object["timestamp"]?.stringValue.flatMap(ISOTime.parse), text: text))
        }
        return Array(out.suffix(500))
    }

    static func render(_ bot: BotSnapshot, id: String, messages: [Message]) -> String {
        var out = "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Dashboard</a> › <a href=\"/bots/\(urlPart(bot.name))/sessions\">\(esc(bot.name))</a> › <span aria-current=\"page\">session</span></nav>"
        out += "<h1>Session <code>\(esc(id))</code> of \(esc(bot.name))</h1><p class=\"muted\">Opened by an operator; the console stores nothing.</p>"
        guard !messages.isEmpty else { return out + "<p class=\"muted\">No messages.</p>" }
        out += "<ol class=\"transcript\">"
        for m in messages {
            out += "<li><strong>\(esc(m.role))</strong> \(timeTag(m.time))<div class=\"msg\">\(esc(m.text))</div></li>"
        }
        return out + "</ol>"
    }
}
