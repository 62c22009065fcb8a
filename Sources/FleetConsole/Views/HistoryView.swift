import FleetCore
import FleetGit
import FoundationEssentials

/// Commits as the History tab and `/history` show them: author, time, message, the files each
/// changed, the manifest's diff, and (for admins) a roll back to it.
enum HistoryView {
    /// One commit's change of a manifest: the text before (its parent) and after.
    struct FileChange: Sendable {
        var path: String
        var before: String?
        var after: String?
    }

    static func commits(_ commits: [(GitCommitInfo, [GitChangedFile])], diffs: [String: FileChange], results: [String: String] = [:],
                        rollback: ((GitCommitInfo) -> String)?, hideFile: (String) -> Bool = { _ in false }) -> String {
        guard !commits.isEmpty else { return "<p class=\"muted\">None found.</p>" }
        var out = "<ol class=\"commits\">"
        for (c, files) in commits {
            out += "<li class=\"commit\" data-commit=\"\(esc(c.id))\"><p><code>\(esc(c.shortId))</code> <strong>\(esc(c.summary))</strong></p>"
            out += "<p class=\"muted\">\(esc(c.author.name)) &lt;\(esc(c.author.email))&gt; · \(timeTag(c.author.time))\(results[c.id].map { " · here: \(esc($0))" } ?? "")</p>"
            let body = c.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().joined().trimmed
            if !body.isEmpty { out += "<p class=\"message\">\(esc(body).replacing("\n", with: "<br>"))</p>" }
            let shown = files.filter { !hideFile($0.path) }
            if !shown.isEmpty {
                out += "<ul class=\"files\">" + shown.map { f in
                    "<li><span class=\"status status-\(f.status.rawValue)\">\(f.status.rawValue)</span> <code>\(esc(f.path))</code>\(f.oldPath.map { " (from <code>\(esc($0))</code>)" } ?? "")</li>"
                }.joined() + "</ul>"
            }
            if let diff = diffs[c.id] {
                out += "<details><summary>What changed in <code>\(esc(diff.path))</code></summary><pre class=\"diff\">"
                    + LineDiff.render(ChangeViews.maskEnvelopes(diff.before ?? ""), ChangeViews.maskEnvelopes(diff.after ?? "")) + "</pre></details>"
            }
            if let rollback { out += rollback(c) }
            out += "</li>"
        }
        return out + "</ol>"
    }

    static func rollbackForm(action: String, commit: GitCommitInfo, label: String, csrf: String) -> String {
        "<form method=\"post\" action=\"\(esc(action))\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"\(esc(csrf))\"><input type=\"hidden\" name=\"commit\" value=\"\(esc(commit.id))\"><button type=\"submit\" class=\"secondary\">\(esc(label))…</button></form>"
    }
}
