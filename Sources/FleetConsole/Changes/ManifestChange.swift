import FleetCore
import FoundationEssentials

/// One change made in the browser, before it is a commit: new texts for files of the manifest
/// directory (nil deletes a file), made on top of the commit the form was loaded from.
struct ManifestChange: Sendable {
    /// What the change does, for the commit's first line: `Add bot support-2 (telegram)`.
    var title: String
    /// A short slug of the change for a branch name: `add-support-2`.
    var slug: String
    /// The commit the form was loaded from.
    var base: String
    /// New texts by repository path; nil deletes the file.
    var files: [String: String?]
    /// New binary files (a bot's avatar next to its manifest) by repository path.
    var binaries: [String: [UInt8]] = [:]
    /// The bot the change is about (nil: the fleet).
    var bot: String?
    /// Where to go after it is committed.
    var returnTo: String

    /// The hidden fields that carry the change from the preview page to the commit.
    func hiddenFields() -> String {
        var out = hidden("title", title) + hidden("slug", slug) + hidden("base", base) + hidden("bot", bot ?? "") + hidden("return", returnTo)
        for (i, path) in binaries.keys.sorted().enumerated() {
            out += hidden("bin.\(i).path", path) + hidden("bin.\(i).base64", Data(binaries[path] ?? []).base64EncodedString())
        }
        for (i, path) in files.keys.sorted().enumerated() {
            out += hidden("file.\(i).path", path)
            if let text = files[path] ?? nil {
                out += hidden("file.\(i).text", text)
            } else {
                out += hidden("file.\(i).delete", "yes")
            }
        }
        return out
    }

    private func hidden(_ name: String, _ value: String) -> String {
        "<input type=\"hidden\" name=\"\(esc(name))\" value=\"\(esc(value))\">"
    }

    /// The change a preview page carried, nil when a part is missing.
    init?(form: [String: String]) {
        guard let title = form["title"], !title.isEmpty, let base = form["base"], !base.isEmpty else { return nil }
        var files: [String: String?] = [:]
        var i = 0
        while let path = form["file.\(i).path"] {
            if form["file.\(i).delete"] == "yes" {
                files[path] = .some(nil)
            } else {
                guard let text = form["file.\(i).text"] else { return nil }
                files[path] = .some(text.replacing("\r\n", with: "\n"))
            }
            i += 1
        }
        var binaries: [String: [UInt8]] = [:]
        var j = 0
        while let path = form["bin.\(j).path"] {
            guard let data = form["bin.\(j).base64"].flatMap({ Data(base64Encoded: $0) }) else { return nil }
            binaries[path] = [UInt8](data)
            j += 1
        }
        guard !files.isEmpty else { return nil }
        // Both come from the page: one line of text, and a slug fit for a branch name.
        let line = title.split(whereSeparator: \.isNewline).joined(separator: " ")
        self.init(title: String(line.prefix(200)), slug: Self.slug(form["slug"] ?? "change"), base: base, files: files,
                  bot: form["bot"].flatMap { $0.isEmpty ? nil : $0 }, returnTo: LoginController.safeNext(form["return"]))
        self.binaries = binaries
    }

    /// Whether `path` may be one of a change's binary files: an image under `dir`.
    static func isImagePath(_ path: String, under dir: String) -> Bool {
        let lower = path.lowercased()
        guard let dot = lower.lastIndex(of: "."), [".png", ".jpg", ".jpeg", ".webp", ".gif"].contains(String(lower[dot...])) else { return false }
        return ChangePreviewer.isInside(String(lower[..<dot]) + ".yaml", dir)
    }


    init(title: String, slug: String, base: String, files: [String: String?], bot: String?, returnTo: String) {
        self.title = title
        self.slug = slug
        self.base = base
        self.files = files
        self.bot = bot
        self.returnTo = returnTo
    }

    /// A slug of `text` for branch names: lowercase letters, digits and `-`, at most 40.
    static func slug(_ text: String) -> String {
        var out = ""
        for c in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(c) || ("0"..."9").contains(c) {
                out.unicodeScalars.append(c)
            } else if !out.hasSuffix("-"), !out.isEmpty {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(40)).isEmpty ? "change" : String(out.prefix(40))
    }
}
