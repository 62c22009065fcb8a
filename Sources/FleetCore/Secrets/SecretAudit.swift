import FleetCrypto

/// Checks every credential of a fleet (channel credentials, and model provider keys of the bots
/// and the Fleet manifest) with the keys at hand: plain text (E050, or one W005 when the Fleet
/// manifest allows it), malformed envelopes (E052), values that cannot be opened (E051), one
/// channel credential used by two bots, or one value used both as a channel credential and as a
/// provider key (E053, compared in memory, never written anywhere). A provider key shared by bots is
/// fine: that is what the Fleet manifest's `spec.providers` is for.
///
/// With ``missingKeysAreWarnings`` (`fleet validate` without the decryption key), values sealed
/// with a key that is not loaded are one warning per key id (W011) instead of E051: their form and
/// key id are still checked.
public struct SecretAudit: Sendable {
    /// The keys.
    public var opener: SecretOpener
    /// Whether a value whose key is not loaded is a warning (W011) rather than an error (E051).
    public var missingKeysAreWarnings: Bool

    public init(opener: SecretOpener, missingKeysAreWarnings: Bool = false) {
        self.opener = opener
        self.missingKeysAreWarnings = missingKeysAreWarnings
    }

    /// Every problem with the credentials of `set`.
    public func diagnostics(for set: ManifestSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var plaintext = 0
        // Values are compared as they are, in memory (they are already opened here and never
        // leave this call): a keyed fingerprint of each (an HMAC through libcrypto per
        // credential, on one core) was a tenth of `fleet validate`'s serial time at 1,000 bots.
        // Keyed by the bytes, as the fingerprints compared them (String equality would also match
        // canonically equivalent texts).
        var seen: [[UInt8]: [ManifestCredential]] = [:]
        var unopened: [String: [ManifestCredential]] = [:]
        var opened: [(ManifestCredential, String)] = []
        for credential in set.credentials {
            let field = credential.field
            let at = credential.location
            let value: String
            if !SecretEnvelope.isEnvelope(credential.raw) {
                if set.fleet.allowPlaintextSecrets {
                    plaintext += 1
                } else {
                    out.append(Diagnostic(
                        .plaintextSecret, "\(field) of \(credential.owner) is plain text in git",
                        at: at, fix: "run: fleet secrets encrypt \(credential.file)", bot: credential.bot))
                }
                value = credential.raw
            } else {
                do {
                    value = try opener.open(bot: credential.scope, field: field, raw: credential.raw)
                } catch {
                    switch error.kind {
                    case .envelope(let e):
                        out.append(Diagnostic(
                            .secretEnvelope, "\(field) of \(credential.owner) is not a valid ENC[...] envelope: \(e)",
                            at: at, fix: error.fix, bot: credential.bot))
                    case .missingKey(let kid) where missingKeysAreWarnings:
                        unopened[kid, default: []].append(credential)
                    default:
                        out.append(Diagnostic(.secretUndecryptable, error.description, at: at, fix: error.fix, bot: credential.bot))
                    }
                    continue
                }
            }
            guard !value.isEmpty else { continue }
            opened.append((credential, value))
            let bytes = Array(value.utf8)
            if let reuse = reuse(credential, earlier: seen[bytes] ?? []) { out.append(reuse) }
            seen[bytes, default: []].append(credential)
        }
        if plaintext > 0, let origin = set.fleet.origin {
            let mark = set.fleet.node?["spec"]?["secrets"]?["allowPlaintext"]?.mark
            let at = mark.map { SourceLocation(file: origin.file, mark: $0) } ?? SourceLocation(file: origin.file, line: origin.line, column: 1)
            out.append(Diagnostic(
                .plaintextAllowed,
                "\(plaintext) credential\(plaintext == 1 ? " is" : "s are") plain text in git, allowed by spec.secrets.allowPlaintext",
                at: at, fix: "for real tokens remove allowPlaintext and run: fleet secrets encrypt FILE..."))
        }
        out += SecretLeakCheck.diagnostics(for: set, secrets: opened)
        for kid in unopened.keys.sorted() {
            guard let values = unopened[kid], let first = values.first else { continue }
            let shown = values.prefix(10).map { "\($0.bot ?? "Fleet") \($0.field)" }.joined(separator: ", ")
            let more = values.count > 10 ? " and \(values.count - 10) more" : ""
            let have = opener.keys.ids.isEmpty ? "no keys are loaded" : "keys loaded: \(opener.keys.ids.joined(separator: ", "))"
            out.append(Diagnostic(
                .secretKeyNotLoaded,
                "\(values.count) encrypted value\(values.count == 1 ? " was" : "s were") not opened: sealed with key \(kid), which is not loaded (\(have)); their form and key id are fine: \(shown)\(more)",
                at: first.location,
                fix: "nothing to do for a check without keys; to check the values too, pass --key-file with key \(kid) (render, plan and apply need it)"))
        }
        return out
    }

    /// E053 when `credential` repeats a value seen before: one channel credential in two bots, or
    /// one value used as a channel credential and as a provider key.
    private func reuse(_ credential: ManifestCredential, earlier: [ManifestCredential]) -> Diagnostic? {
        let field = credential.field
        switch credential.kind {
        case .channel:
            if let first = earlier.first(where: { $0.kind == .channel }), first.scope != credential.scope {
                return Diagnostic(
                    .secretReused,
                    "bots '\(first.scope)' and '\(credential.scope)' use the same credential (\(first.field) in \(first.file):\(first.location.line), and \(field) here); one token can feed only one gateway",
                    at: credential.location, fix: "give bot '\(credential.scope)' its own token: \(credential.setCommand)", bot: credential.bot)
            }
            if let provider = earlier.first(where: { $0.kind == .provider }) {
                return mixedUp(channel: credential, provider: provider, at: credential)
            }
        case .provider:
            if let channel = earlier.first(where: { $0.kind == .channel }) {
                return mixedUp(channel: channel, provider: credential, at: credential)
            }
        }
        return nil
    }

    private func mixedUp(channel: ManifestCredential, provider: ManifestCredential, at here: ManifestCredential) -> Diagnostic {
        let other = here.field == channel.field && here.scope == channel.scope ? provider : channel
        return Diagnostic(
            .secretReused,
            "\(here.field) of \(here.owner) has the same value as \(other.field) of \(other.owner) (\(other.file):\(other.location.line)); a channel token is not a model provider key",
            at: here.location, fix: "write the right value: \(here.setCommand)", bot: here.bot)
    }

    /// The file texts with every plain-text credential value masked on its line (`*` for each
    /// character, so columns stay), for showing diagnostics without printing tokens. `files`
    /// limits the work to the files whose lines will be shown.
    public static func maskingPlaintext(in set: ManifestSet, files: Set<String>? = nil) -> [String: String] {
        // The plain-text credentials of each file to show.
        var byFile: [String: [ManifestCredential]] = [:]
        for credential in set.credentials(inFiles: files) {
            let raw = credential.raw
            guard !raw.isEmpty, !SecretEnvelope.isEnvelope(raw), credential.location.line > 0,
                  set.texts[credential.file] != nil else { continue }
            byFile[credential.file, default: []].append(credential)
        }
        var texts = set.texts
        for (file, credentials) in byFile {
            guard let text = texts[file] else { continue }
            // ASCII values (tokens, in practice) are masked in the file's bytes; a value with other
            // characters goes the way of Characters, line by line.
            let ascii = credentials.allSatisfy { $0.raw.utf8.allSatisfy { $0 < 0x80 } }
            texts[file] = ascii ? maskASCII(text, credentials) : maskCharacters(text, credentials)
        }
        return texts
    }

    /// Each part (line) of each credential replaced by as many `*` on its own lines of `text`.
    static func maskASCII(_ text: String, _ credentials: [ManifestCredential]) -> String {
        var bytes = Array(text.utf8)
        var starts = [0]
        for (i, byte) in bytes.enumerated() where byte == 0x0A { starts.append(i + 1) }
        for credential in credentials {
            let line = credential.location.line
            guard line - 1 < starts.count else { continue }
            let parts = credential.raw.split(separator: "\n").map { Array($0.utf8) }
            for part in parts where !part.isEmpty {
                for index in (line - 1)..<min(starts.count, line + parts.count) {
                    let end = index + 1 < starts.count ? starts[index + 1] - 1 : bytes.count
                    var at = starts[index]
                    while at + part.count <= end {
                        if bytes[at] == part[0], bytes[at..<(at + part.count)].elementsEqual(part) {
                            for k in at..<(at + part.count) { bytes[k] = UInt8(ascii: "*") }
                            at += part.count
                        } else {
                            at += 1
                        }
                    }
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func maskCharacters(_ text: String, _ credentials: [ManifestCredential]) -> String {
        var fileLines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for credential in credentials {
            let line = credential.location.line
            guard fileLines.indices.contains(line - 1) else { continue }
            let parts = credential.raw.split(separator: "\n").map(String.init)
            for part in parts where !part.isEmpty {
                for i in (line - 1)..<min(fileLines.count, line + parts.count) where fileLines[i].contains(part) {
                    fileLines[i] = fileLines[i].replacing(part, with: String(repeating: "*", count: part.count))
                }
            }
        }
        return fileLines.joined(separator: "\n")
    }
}
