import FleetCrypto

/// Checks every credential of a fleet with the keys at hand: plain text (E050, or one W005 when
/// the Fleet manifest allows it), malformed envelopes (E052), values that cannot be opened (E051),
/// and one value used by two bots (E053, compared by keyed fingerprint, in memory).
public struct SecretAudit: Sendable {
    /// The keys.
    public var opener: SecretOpener

    public init(opener: SecretOpener) {
        self.opener = opener
    }

    /// Every problem with the credentials of `set`.
    public func diagnostics(for set: ManifestSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var plaintext = 0
        // A random key per audit: the fingerprints mean nothing outside this call.
        let fingerprinter = Fingerprinter(key: (try? SecureRandom.bytes(32)) ?? [])
        var seen: [String: (bot: String, field: String, file: String, line: Int)] = [:]
        for bot in set.bots {
            for channel in bot.channels {
                for key in channel.credentials.keys.sorted() {
                    guard let raw = channel.credentials[key] else { continue }
                    let field = "channels.\(channel.type).\(channel.accountId).\(key)"
                    let at = location(bot, channel: channel.index, key: key)
                    let value: String
                    if !SecretEnvelope.isEnvelope(raw) {
                        if set.fleet.allowPlaintextSecrets {
                            plaintext += 1
                        } else {
                            out.append(Diagnostic(
                                .plaintextSecret, "\(field) of bot '\(bot.name)' is plain text in git",
                                at: at, fix: "run: fleet secrets encrypt \(bot.origin.file)", bot: bot.name))
                        }
                        value = raw
                    } else {
                        do {
                            value = try opener.open(bot: bot.name, field: field, raw: raw)
                        } catch {
                            if case .envelope(let e) = error.kind {
                                out.append(Diagnostic(
                                    .secretEnvelope, "\(field) of bot '\(bot.name)' is not a valid ENC[...] envelope: \(e)",
                                    at: at, fix: error.fix, bot: bot.name))
                            } else {
                                out.append(Diagnostic(.secretUndecryptable, error.description, at: at, fix: error.fix, bot: bot.name))
                            }
                            continue
                        }
                    }
                    guard !value.isEmpty else { continue }
                    let print = fingerprinter.fingerprint(value)
                    if let first = seen[print] {
                        if first.bot != bot.name {
                            out.append(Diagnostic(
                                .secretReused,
                                "bots '\(first.bot)' and '\(bot.name)' use the same credential (\(first.field) in \(first.file):\(first.line), and \(field) here); one token can feed only one gateway",
                                at: at, fix: "give bot '\(bot.name)' its own token: fleet secrets set \(bot.name) \(field)", bot: bot.name))
                        }
                    } else {
                        seen[print] = (bot.name, field, bot.origin.file, at.line)
                    }
                }
            }
        }
        if plaintext > 0, let origin = set.fleet.origin {
            let mark = set.fleet.node?["spec"]?["secrets"]?["allowPlaintext"]?.mark
            let at = mark.map { SourceLocation(file: origin.file, mark: $0) } ?? SourceLocation(file: origin.file, line: origin.line, column: 1)
            out.append(Diagnostic(
                .plaintextAllowed,
                "\(plaintext) credential\(plaintext == 1 ? " is" : "s are") plain text in git, allowed by spec.secrets.allowPlaintext",
                at: at, fix: "for real tokens remove allowPlaintext and run: fleet secrets encrypt FILE..."))
        }
        return out
    }

    /// The file texts with every plain-text credential value masked on its line (`*` for each
    /// character, so columns stay), for showing diagnostics without printing tokens. `files`
    /// limits the work to the files whose lines will be shown.
    public static func maskingPlaintext(in set: ManifestSet, files: Set<String>? = nil) -> [String: String] {
        var lines: [String: [String]] = [:]
        for bot in set.bots where files?.contains(bot.origin.file) ?? true {
            for channel in bot.channels {
                for (key, raw) in channel.credentials where !raw.isEmpty && !SecretEnvelope.isEnvelope(raw) {
                    guard let mark = bot.node.node(at: ["spec", "channels", String(channel.index), "credentials", key])?.mark,
                          let text = set.texts[bot.origin.file] else { continue }
                    var fileLines = lines[bot.origin.file]
                        ?? text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    guard fileLines.indices.contains(mark.line - 1) else { continue }
                    let parts = raw.split(separator: "\n").map(String.init)
                    for part in parts where !part.isEmpty {
                        for i in (mark.line - 1)..<min(fileLines.count, mark.line + parts.count) where fileLines[i].contains(part) {
                            fileLines[i] = fileLines[i].replacing(part, with: String(repeating: "*", count: part.count))
                        }
                    }
                    lines[bot.origin.file] = fileLines
                }
            }
        }
        var texts = set.texts
        for (file, fileLines) in lines { texts[file] = fileLines.joined(separator: "\n") }
        return texts
    }

    private func location(_ bot: BotManifest, channel: Int, key: String) -> SourceLocation {
        let node = bot.node.node(at: ["spec", "channels", String(channel), "credentials", key])
            ?? bot.node.node(at: ["spec", "channels", String(channel)])
        return node.map { SourceLocation(file: bot.origin.file, mark: $0.mark) }
            ?? SourceLocation(file: bot.origin.file, line: bot.origin.line, column: 1)
    }
}
