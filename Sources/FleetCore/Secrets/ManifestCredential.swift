/// One credential value in a set's manifests: a bot's channel credential, or a model provider
/// API key of a bot or of the Fleet manifest. The one list the audit, the masking of shown lines
/// and the checks walk, so a new kind of secret cannot be forgotten by one of them.
public struct ManifestCredential: Sendable {
    /// What the value is for.
    public enum Kind: Sendable, Hashable {
        /// A channel token or secret (`channels.<type>.<account>.<key>`).
        case channel
        /// A model provider API key (`providers.<id>.apiKey`).
        case provider
    }

    /// What the value is for.
    public var kind: Kind
    /// The bot's name, or ``SecretEnvelope/fleetScope`` for the Fleet manifest: the "bot" part of
    /// the value's additional authenticated data.
    public var scope: String
    /// The field part: `channels.telegram.default.botToken`, `providers.anthropic.apiKey`.
    public var field: String
    /// The value as written (plain text or an envelope).
    public var raw: String
    /// The file it is written in.
    public var file: String
    /// Where it is written.
    public var location: SourceLocation

    /// The bot, or nil for a Fleet-wide value.
    public var bot: String? { scope == SecretEnvelope.fleetScope ? nil : scope }
    /// `bot 'support'` or `the Fleet manifest`.
    public var owner: String { SecretEnvelope.ownerDescription(scope) }
    /// The command that (re)writes the value.
    public var setCommand: String { "fleet secrets set \(SecretEnvelope.setArguments(scope, field: field))" }
}

extension ManifestSet {
    /// Every credential value of the manifests: the Fleet manifest's provider keys, then each
    /// bot's channel credentials and provider keys, in a stable order.
    public var credentials: [ManifestCredential] { credentials(inFiles: nil) }

    /// ``credentials`` of the manifests written in `files` only (all when nil).
    func credentials(inFiles files: Set<String>?) -> [ManifestCredential] {
        var out: [ManifestCredential] = []
        if let origin = fleet.origin, files?.contains(origin.file) ?? true {
            for id in fleet.providerKeys.keys.sorted() {
                guard let raw = fleet.providerKeys[id] else { continue }
                let node = fleet.node?.node(at: ["spec", "providers", id, "apiKey"]) ?? fleet.node?.node(at: ["spec", "providers", id])
                let at = node.map { SourceLocation(file: origin.file, mark: $0.mark) }
                    ?? SourceLocation(file: origin.file, line: origin.line, column: 1)
                out.append(ManifestCredential(kind: .provider, scope: SecretEnvelope.fleetScope, field: "providers.\(id).apiKey",
                                              raw: raw, file: origin.file, location: at))
            }
        }
        let chosen = files.map { files in bots.filter { files.contains($0.origin.file) } } ?? bots
        // Each bot's credentials and where they are written: on every core for a large fleet.
        for credentials in ParallelMap.map(chosen, Self.credentials(of:)) { out += credentials }
        return out
    }

    private static func credentials(of bot: BotManifest) -> [ManifestCredential] {
        var out: [ManifestCredential] = []
        func at(_ path: [String], _ fallback: [String]) -> SourceLocation {
            let node = bot.node.node(at: path) ?? bot.node.node(at: fallback)
            return node.map { SourceLocation(file: bot.origin.file, mark: $0.mark) }
                ?? SourceLocation(file: bot.origin.file, line: bot.origin.line, column: 1)
        }
        for channel in bot.channels {
            for key in channel.credentials.keys.sorted() {
                guard let raw = channel.credentials[key] else { continue }
                out.append(ManifestCredential(
                    kind: .channel, scope: bot.name, field: "channels.\(channel.type).\(channel.accountId).\(key)", raw: raw,
                    file: bot.origin.file,
                    location: at(["spec", "channels", String(channel.index), "credentials", key], ["spec", "channels", String(channel.index)])))
            }
        }
        for id in bot.providers.keys.sorted() {
            guard let raw = bot.providers[id] else { continue }
            out.append(ManifestCredential(
                kind: .provider, scope: bot.name, field: "providers.\(id).apiKey", raw: raw, file: bot.origin.file,
                location: at(["spec", "providers", id, "apiKey"], ["spec", "providers", id])))
        }
        return out
    }
}
