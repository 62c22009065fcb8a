/// E054: a secret in a field that is not secret. The system prompt, the display name, labels and
/// allow-lists are rendered in clear (the prompt into the workspace's AGENTS.md, which the model
/// reads) and stay readable in git forever; a token pasted there leaks even though the
/// `credentials` field holds it encrypted. Two checks: the fleet's own credential values (opened
/// with the keys) found in such a field, and the shapes of well-known tokens and API keys.
public enum SecretLeakCheck {
    /// Shapes of tokens whose prefix or form is fixed by the service that issues them.
    static var shapes: [(name: String, pattern: Regex<Substring>)] { [
        ("a Telegram bot token", #/\b[0-9]{6,12}:[A-Za-z0-9_-]{30,}/#),
        ("a Slack token", #/\bxox[abprs]-[A-Za-z0-9-]{10,}/#),
        ("a Slack app-level token", #/\bxapp-[0-9]+-[A-Za-z0-9-]{10,}/#),
        ("an Anthropic API key", #/\bsk-ant-[A-Za-z0-9_-]{20,}/#),
        ("an OpenAI API key", #/\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}/#),
        ("a Google API key", #/\bAIza[0-9A-Za-z_-]{35}/#),
        ("a Discord bot token", #/\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}/#),
    ] }

    /// What a text looks like it holds, nil when nothing.
    public static func tokenShape(in text: String) -> String? {
        for shape in shapes where text.contains(shape.pattern) { return shape.name }
        return nil
    }

    /// E054 for every non-secret text field of every bot that holds one of `secrets` (opened
    /// values, at least 8 characters) or something shaped like a token.
    static func diagnostics(for set: ManifestSet, secrets: [(ManifestCredential, String)]) -> [Diagnostic] {
        let values = secrets.filter { $0.1.count >= 8 }
        var out: [Diagnostic] = []
        for bot in set.bots {
            var fields: [(path: [String], name: String, text: String)] = []
            if let prompt = bot.systemPrompt { fields.append((["spec", "systemPrompt"], "systemPrompt", prompt)) }
            if let display = bot.displayName { fields.append((["spec", "displayName"], "displayName", display)) }
            for key in bot.labels.keys.sorted() {
                fields.append((["metadata", "labels", key], "label \(key)", bot.labels[key] ?? ""))
            }
            for channel in bot.channels {
                let ids = (channel.allowFrom ?? []) + (channel.groupAllowFrom ?? [])
                if !ids.isEmpty { fields.append((["spec", "channels"], "allow-list of \(channel.key)", ids.joined(separator: " "))) }
            }
            for field in fields {
                let node = bot.node.node(at: field.path)
                let at = node.map { SourceLocation(file: bot.origin.file, mark: $0.mark) }
                    ?? SourceLocation(file: bot.origin.file, line: bot.origin.line, column: 1)
                if let (credential, _) = values.first(where: { field.text.contains($0.1) }) {
                    out.append(Diagnostic(
                        .secretInText,
                        "\(field.name) of bot '\(bot.name)' contains the value of \(credential.field) of \(credential.owner); it would be readable in git and in the rendered workspace",
                        at: at, fix: "remove it from \(field.name) (the credential stays in its own field, encrypted), and since it was exposed, issue a new one: \(credential.setCommand)",
                        bot: bot.name))
                } else if let shape = tokenShape(in: field.text) {
                    out.append(Diagnostic(
                        .secretInText,
                        "\(field.name) of bot '\(bot.name)' contains what looks like \(shape); it would be readable in git and in the rendered workspace",
                        at: at, fix: "remove it; credentials go into their own fields, encrypted (fleet secrets set \(bot.name) FIELD)",
                        bot: bot.name))
                }
            }
        }
        return out
    }
}
