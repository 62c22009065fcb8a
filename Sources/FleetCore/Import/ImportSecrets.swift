/// Secret values on their way from an imported OpenClaw config into manifests.
///
/// Every secret the importer writes into a manifest (channel tokens, app tokens, signing
/// secrets, model provider keys) passes through ``seal(bot:field:value:)``, and the manifest holds
/// exactly what it returns: an envelope sealed with the primary key when a key is loaded (the
/// same envelope `fleet secrets encrypt` writes, bound to the bot and field), else the plain text,
/// counted in ``plaintext`` so the Fleet manifest can allow it with a warning.
public struct ImportSecrets: Sendable {
    /// The keys; the primary one seals.
    public var opener: SecretOpener
    /// Values left in plain text (no key was loaded).
    public private(set) var plaintext = 0
    /// Values sealed.
    public private(set) var sealed = 0
    /// Values that could not be sealed (an OpenSSL failure), by bot and field; the import stops.
    public private(set) var failures: [String] = []

    /// Seals with the primary key of `keys`; without keys, values stay plain text.
    public init(keys: SecretKeys = SecretKeys()) {
        opener = SecretOpener(keys: keys)
    }

    /// The id of the key that seals, if any.
    public var keyId: String? { opener.keys.primary?.id }

    /// The manifest value for `value`.
    ///
    /// - Parameters:
    ///   - bot: the bot (agent id) the secret belongs to, or ``SecretEnvelope/fleetScope`` for a
    ///     value of the Fleet manifest.
    ///   - field: the manifest path of the value, e.g. `channels.telegram.default.botToken` or
    ///     `providers.anthropic.apiKey` (the same form as ``SecretFile/field`` and the renderer's
    ///     `openSecret`).
    ///   - value: the plaintext from the OpenClaw config.
    public mutating func seal(bot: String, field: String, value: String) -> String {
        guard opener.keys.primary != nil else {
            plaintext += 1
            return value
        }
        do {
            let envelope = try opener.seal(value, bot: bot, field: field)
            sealed += 1
            return envelope
        } catch {
            failures.append("\(field) of \(SecretEnvelope.ownerDescription(bot)): \(error)")
            return ""
        }
    }
}
