import FleetCore
import FleetGit
import FoundationEssentials

/// The pages every change goes through: the review (what changes in git, what `fleet validate`
/// says, what `fleet plan` would do, a "why" field), the conflict page and the result.
enum ChangeViews {
    /// Envelope values shown as "encrypted", never as their text.
    static func maskEnvelopes(_ text: String) -> String {
        text.replacing(#/ENC\[AES256_GCM,[^\]]*\]/#, with: "ENC[…] (encrypted)")
    }

    /// One diagnostic, as `fleet validate` prints it: code, place, message, fix.
    static func diagnostic(_ d: Diagnostic) -> String {
        let place = d.location.map { "\($0.file)\($0.line > 0 ? ":\($0.line)" : "")\($0.column > 0 ? ":\($0.column)" : "")" } ?? ""
        return "<li class=\"diag diag-\(d.severity == .error ? "error" : "warning")\"><strong>\(d.severity.rawValue)[\(d.code.rawValue)]</strong> "
            + (place.isEmpty ? "" : "<code>\(esc(place))</code> ") + esc(d.message)
            + (d.fix.map { "<br><span class=\"fix\">Fix: \(esc($0))</span>" } ?? "") + "</li>"
    }

    static func diagnostics(_ list: [Diagnostic], id: String? = nil) -> String {
        guard !list.isEmpty else { return "" }
        return "<ul class=\"diags\"\(id.map { " id=\"\(esc($0))\"" } ?? "")>" + list.map(diagnostic).joined() + "</ul>"
    }

    /// The diff of every file of the change.
    static func diffs(_ preview: ChangePreview) -> String {
        var out = ""
        for path in preview.change.files.keys.sorted() {
            let old = preview.before[path]
            let new = preview.change.files[path] ?? nil
            let what = old == nil ? "new file" : (new == nil ? "deleted" : "changed")
            out += "<h3><code>\(esc(path))</code> <span class=\"muted\">(\(what))</span></h3>"
            out += "<pre class=\"diff\" data-file=\"\(esc(path))\">" + LineDiff.render(maskEnvelopes(old ?? ""), maskEnvelopes(new ?? "")) + "</pre>"
        }
        for path in preview.change.binaries.keys.sorted() {
            let size = preview.change.binaries[path]?.count ?? 0
            out += "<h3><code>\(esc(path))</code> <span class=\"muted\">(\(preview.before[path] == nil ? "new" : "changed") image, \(size) bytes)</span></h3>"
        }
        return out
    }

    /// The plan part.
    static func plan(_ preview: ChangePreview) -> String {
        if let plan = preview.plan {
            return "<h2>What fleet would do on this host</h2><p class=\"muted\">The same plan as <code>fleet plan</code>; the daemon applies the commit like any other.</p><pre class=\"plan\" id=\"plan\">\(esc(plan))</pre>"
        }
        if let error = preview.planError {
            return "<h2>What fleet would do on this host</h2><p class=\"error\" role=\"alert\">No plan: \(esc(error))</p>"
        }
        return "<h2>What fleet would do on this host</h2><p class=\"muted\">No plan while the manifests have errors.</p>"
    }

    /// The commit form: the change as hidden fields, the "why" field and the buttons.
    static func commitForm(_ preview: ChangePreview, csrf: String, target: String, draft: Bool) -> String {
        var out = "<form method=\"post\" action=\"/changes/commit\" class=\"commit\">"
        out += "<input type=\"hidden\" name=\"csrf\" value=\"\(esc(csrf))\">" + preview.change.hiddenFields()
        out += "<label for=\"why\">Why? <span class=\"muted\">(optional, but it is what reviewers and the history will ask: it goes into the commit message)</span></label>"
        out += "<textarea id=\"why\" name=\"why\" rows=\"3\" placeholder=\"e.g. the sales team asked for a bot on Telegram (ticket 123)\"></textarea>"
        if preview.isValid {
            out += "<p><button type=\"submit\" name=\"to\" value=\"target\">Commit to \(esc(target))</button>"
            if draft { out += " <button type=\"submit\" name=\"to\" value=\"draft\" class=\"secondary\">Save draft (a branch)</button>" }
            out += " <a href=\"\(esc(preview.change.returnTo))\">Cancel</a></p>"
        } else {
            out += "<p class=\"error\" role=\"alert\">Nothing can be committed while <code>fleet validate</code> reports errors: go back and fix them.</p>"
            out += "<p><a href=\"\(esc(preview.change.returnTo))\">Cancel</a></p>"
        }
        return out + "</form>"
    }

    /// The review page of a change made by an edit form.
    static func review(_ preview: ChangePreview, user: String, csrf: String, target: String) -> String {
        var main = "<h1>Review: \(esc(preview.change.title))</h1>"
        main += "<p class=\"muted\">On top of commit <code>\(esc(preview.base.shortId))</code> (\(esc(preview.base.summary))), the one the form was loaded from. Nothing is written until you commit.</p>"
        let errors = preview.errors
        if !errors.isEmpty {
            main += "<section class=\"problems\" role=\"alert\" aria-labelledby=\"problems-h\"><h2 id=\"problems-h\">fleet validate: \(errors.count) error\(errors.count == 1 ? "" : "s")</h2>" + diagnostics(preview.diagnostics) + "</section>"
        } else if !preview.diagnostics.isEmpty {
            main += "<section class=\"warnings\"><h2>fleet validate: warnings</h2>" + diagnostics(preview.diagnostics) + "</section>"
        } else {
            main += "<p class=\"ok\"><span aria-hidden=\"true\">✓</span> <code>fleet validate</code> finds no problem.</p>"
        }
        main += "<h2>What changes in git</h2>" + diffs(preview) + plan(preview) + commitForm(preview, csrf: csrf, target: target, draft: false)
        return Layout(title: "Review: \(preview.change.title)", user: user, csrf: csrf).render(main)
    }

    /// The conflict page: both versions of every file both sides changed.
    static func conflict(_ change: ManifestChange, conflicts: [FileConflict], user: String, csrf: String, branch: String) -> String {
        var main = "<h1>Conflict: \(esc(branch)) changed since you opened the form</h1>"
        main += "<p class=\"error-message\" role=\"alert\">Nothing was committed. Your change was made on top of commit <code>\(esc(String(change.base.prefix(12))))</code>; since then someone else changed the same file\(conflicts.count == 1 ? "" : "s") on \(esc(branch)). The console never overwrites their work: compare both versions, then start again from the current one.</p>"
        for c in conflicts {
            main += "<section class=\"conflict\" aria-label=\"\(esc(c.path))\"><h2><code>\(esc(c.path))</code></h2>"
            if !c.commits.isEmpty {
                main += "<p>Changed by: " + c.commits.map { "<code>\(esc($0.shortId))</code> \(esc($0.author.name)): \(esc($0.summary))" }.joined(separator: "; ") + "</p>"
            }
            main += "<div class=\"versions\"><div><h3>Yours (not committed)</h3><pre class=\"code\" id=\"mine\">\(esc(maskEnvelopes(c.mine ?? "(deleted)")))</pre></div>"
            main += "<div><h3>On \(esc(branch)) now (<code>\(esc(String(c.tip.prefix(7))))</code>)</h3><pre class=\"code\" id=\"theirs\">\(esc(maskEnvelopes(c.theirs ?? "(deleted)")))</pre></div></div>"
            main += "<h3>From theirs to yours</h3><pre class=\"diff\">" + LineDiff.render(maskEnvelopes(c.theirs ?? ""), maskEnvelopes(c.mine ?? "")) + "</pre></section>"
        }
        main += "<p><a class=\"button\" href=\"\(esc(change.returnTo))\">Start again from the current version</a></p>"
        return Layout(title: "Conflict", user: user, csrf: csrf).render(main)
    }

    /// After a commit.
    static func committed(_ change: ManifestChange, commit: String, branch: String, onTarget: Bool, reviewLink: String?, daemon: String?,
                          user: String, csrf: String) -> String {
        var main = "<h1>Committed</h1><p class=\"notice\" role=\"status\" id=\"committed\">\(esc(change.title)): commit <code>\(esc(String(commit.prefix(12))))</code> on <code>\(esc(branch))</code>, with you as its author.</p>"
        if onTarget {
            main += "<p>\(esc(daemon ?? "The daemon applies it at its next round, like any other commit."))</p>"
        } else {
            main += "<p>It is on a branch of its own and changes nothing until it is merged into the branch the daemon follows: open a pull request for it\(reviewLink == nil ? " in your git host" : "").</p>"
            if let reviewLink { main += "<p><a href=\"\(esc(reviewLink))\" rel=\"noopener\">Open a pull request for \(esc(branch))</a></p>" }
        }
        main += "<p><a href=\"/\">Dashboard</a>" + (change.bot.map { " · <a href=\"/bots/\(urlPart($0))/history\">\(esc($0)): history</a>" } ?? " · <a href=\"/history\">History</a>") + "</p>"
        return Layout(title: "Committed", user: user, csrf: csrf, events: "/events").render(main)
    }

    /// The link to open a pull/merge request for `branch` on a known forge, nil for others.
    static func reviewLink(remote: String, branch: String, base: String) -> String? {
        var rest = remote
        for prefix in ["https://", "http://", "ssh://git@", "git@"] where rest.hasPrefix(prefix) { rest = String(rest.dropFirst(prefix.count)) }
        rest = rest.replacing(":", with: "/")
        if rest.hasSuffix(".git") { rest = String(rest.dropLast(4)) }
        let parts = rest.split(separator: "/").map(String.init)
        guard parts.count >= 3 else { return nil }
        let host = parts[0], project = parts[1...].joined(separator: "/")
        switch host {
        case "github.com": return "https://github.com/\(project)/compare/\(urlPart(base))...\(branch.split(separator: "/").map { urlPart(String($0)) }.joined(separator: "/"))?expand=1"
        case "gitlab.com": return "https://gitlab.com/\(project)/-/merge_requests/new?merge_request%5Bsource_branch%5D=\(urlPart(branch))&merge_request%5Btarget_branch%5D=\(urlPart(base))"
        case "codeberg.org": return "https://codeberg.org/\(project)/compare/\(urlPart(base))...\(urlPart(branch))"
        default: return nil
        }
    }

    /// Why a user sees a form read-only (or not at all).
    static func readOnlyReason(_ reason: String) -> String {
        "<p class=\"readonly\" role=\"note\" id=\"readonly\"><strong>Read-only:</strong> \(esc(reason))</p>"
    }
}
