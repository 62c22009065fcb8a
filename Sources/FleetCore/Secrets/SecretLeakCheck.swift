import Synchronization

/// E054: a secret in a field that is not secret. The system prompt, the display name, labels and
/// allow-lists are rendered in clear (the prompt into the workspace's AGENTS.md, which the model
/// reads) and stay readable in git forever; a token pasted there leaks even though the
/// `credentials` field holds it encrypted. Two checks: the fleet's own credential values (opened
/// with the keys) found in such a field, and the shapes of well-known tokens and API keys.
public enum SecretLeakCheck {
    /// Shapes of tokens whose prefix or form is fixed by the service that issues them. Compiled
    /// once: as a computed property every text checked parsed all seven patterns again (most of
    /// `fleet validate`'s time at 1,000 bots). `Regex` is not `Sendable`, hence the lock.
    private static let shapes = Mutex<[(name: String, pattern: Regex<Substring>)]>([
        ("a Telegram bot token", #/\b[0-9]{6,12}:[A-Za-z0-9_-]{30,}/#),
        ("a Slack token", #/\bxox[abprs]-[A-Za-z0-9-]{10,}/#),
        ("a Slack app-level token", #/\bxapp-[0-9]+-[A-Za-z0-9-]{10,}/#),
        ("an Anthropic API key", #/\bsk-ant-[A-Za-z0-9_-]{20,}/#),
        ("an OpenAI API key", #/\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}/#),
        ("a Google API key", #/\bAIza[0-9A-Za-z_-]{35}/#),
        ("a Discord bot token", #/\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}/#),
    ])

    /// What a text looks like it holds, nil when nothing.
    public static func tokenShape(in text: String) -> String? {
        // Every shape holds a run of at least 15 of [A-Za-z0-9_-] (Slack's `xoxb-` and 10 more is
        // the shortest): prose, names, labels and ids have none, and skip the regexes, whose
        // word-boundary checks were most of `fleet validate`'s time at 1,000 bots.
        guard longestTokenRun(in: text) >= 15 else { return nil }
        return shapes.withLock { shapes in shapes.first { text.contains($0.pattern) }?.name }
    }

    /// The length of the longest run of [A-Za-z0-9_-] in `text`.
    static func longestTokenRun(in text: String) -> Int {
        var longest = 0, run = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                run += 1
                longest = max(longest, run)
            default:
                run = 0
            }
        }
        return longest
    }

    /// E054 for every non-secret text field of every bot that holds one of `secrets` (opened
    /// values, at least 8 characters) or something shaped like a token.
    static func diagnostics(for set: ManifestSet, secrets: [(ManifestCredential, String)]) -> [Diagnostic] {
        let values = OpenedValues(secrets)
        // Each bot's fields are checked on their own: on every core for a large fleet.
        return ParallelMap.map(set.bots) { bot in diagnostics(for: bot, values: values) }.flatMap { $0 }
    }

    /// E054 for the non-secret text fields of `bot`.
    private static func diagnostics(for bot: BotManifest, values: OpenedValues) -> [Diagnostic] {
        var out: [Diagnostic] = []
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
            // Where the field is written: looked up only for a field that has a problem.
            var at: SourceLocation {
                bot.node.node(at: field.path).map { SourceLocation(file: bot.origin.file, mark: $0.mark) }
                    ?? SourceLocation(file: bot.origin.file, line: bot.origin.line, column: 1)
            }
            if let credential = values.first(in: field.text) {
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
        return out
    }

    /// The opened credential values (at least 8 characters), indexed by their first 8 bytes, so a
    /// text is searched for all of them in one pass. Asking `text.contains(value)` of each value
    /// made `fleet validate` of 1,000 bots with 1,068 credentials take 15 s (5 million searches).
    struct OpenedValues {
        private var byPrefix: [UInt64: [(bytes: [UInt8], credential: ManifestCredential)]] = [:]
        private static let width = 8

        init(_ secrets: [(ManifestCredential, String)]) {
            for (credential, value) in secrets where value.count >= Self.width {
                let bytes = Array(value.utf8)
                byPrefix[Self.prefix(bytes[...], at: 0), default: []].append((bytes, credential))
            }
        }

        /// The credential whose value occurs first in `text`, nil when none does.
        func first(in text: String) -> ManifestCredential? {
            guard !byPrefix.isEmpty else { return nil }
            let bytes = Array(text.utf8)
            guard bytes.count >= Self.width else { return nil }
            for start in 0...(bytes.count - Self.width) {
                guard let candidates = byPrefix[Self.prefix(bytes[...], at: start)] else { continue }
                for candidate in candidates where candidate.bytes.count <= bytes.count - start
                    && bytes[start..<(start + candidate.bytes.count)].elementsEqual(candidate.bytes) {
                    return candidate.credential
                }
            }
            return nil
        }

        /// The 8 bytes at `start` as one number.
        private static func prefix(_ bytes: ArraySlice<UInt8>, at start: Int) -> UInt64 {
            var key: UInt64 = 0
            for offset in 0..<width { key = key << 8 | UInt64(bytes[bytes.startIndex + start + offset]) }
            return key
        }
    }
}
