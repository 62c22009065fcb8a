import FleetCrypto

/// Why a credential could not be opened or sealed. Messages never contain the value.
public struct SecretError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The envelope is malformed.
        case envelope(SecretEnvelopeError)
        /// No key with the envelope's id.
        case missingKey(kid: String)
        /// The key with the id does not open it (wrong key, tampered, or moved to another bot/field).
        case authentication(kid: String)
        /// No key to seal with.
        case noSealingKey
        /// OpenSSL failed.
        case crypto(String)
    }

    public var kind: Kind
    /// The bot and field.
    public var bot: String
    public var field: String
    /// The ids of the keys that were available.
    public var available: [String]

    public var description: String {
        let what = "\(field) of \(SecretEnvelope.ownerDescription(bot))"
        let have = available.isEmpty ? "no keys are loaded" : "keys loaded: \(available.joined(separator: ", "))"
        switch kind {
        case .envelope(let e): return "the encrypted \(what) is malformed: \(e)"
        case .missingKey(let kid): return "cannot open \(what): it was sealed with key \(kid), which is not loaded (\(have))"
        case .authentication(let kid):
            return "cannot open \(what) with key \(kid): the value was changed, or copied from another bot or field, or the key is wrong"
        case .noSealingKey: return "cannot encrypt \(what): no key is loaded"
        case .crypto(let m): return "cannot process \(what): \(m)"
        }
    }

    /// How to fix it.
    public var fix: String {
        switch kind {
        case .envelope, .authentication:
            return "write the value again: fleet secrets set \(SecretEnvelope.setArguments(bot, field: field))"
        case .missingKey(let kid):
            return "pass --key-file with the key whose id is \(kid) (or set FLEET_KEY_FILE / FLEET_ENCRYPTION_KEYS); see docs/secrets.md"
        case .noSealingKey:
            return "pass --key-file FILE (fleet secrets keygen --out FILE makes one), or set FLEET_KEY_FILE or ENCRYPTION_KEY"
        case .crypto: return "check the OpenSSL installation"
        }
    }
}

/// Opens (decrypts) and seals (encrypts) credential values with a set of keys.
/// Plain text passes through `open` unchanged; whether plain text is allowed is the audit's job.
public struct SecretOpener: Sendable {
    /// The keys.
    public var keys: SecretKeys

    /// An opener with `keys` (none by default: every envelope then fails to open).
    public init(keys: SecretKeys = SecretKeys()) {
        self.keys = keys
    }

    /// The plaintext of `raw`, the value of `field` of `bot`.
    public func open(bot: String, field: String, raw: String) throws(SecretError) -> String {
        guard SecretEnvelope.isEnvelope(raw) else { return raw }
        let envelope: SecretEnvelope
        do {
            envelope = try SecretEnvelope.parse(raw)
        } catch {
            throw SecretError(kind: .envelope(error), bot: bot, field: field, available: keys.ids)
        }
        guard let key = keys.key(id: envelope.kid) else {
            throw SecretError(kind: .missingKey(kid: envelope.kid), bot: bot, field: field, available: keys.ids)
        }
        do {
            let bytes = try AES256GCM.open(envelope.data, key: key.bytes, nonce: envelope.iv, tag: envelope.tag,
                                           aad: SecretEnvelope.aad(bot: bot, field: field))
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SecretError(kind: .crypto("the plaintext is not UTF-8"), bot: bot, field: field, available: keys.ids)
            }
            return text
        } catch let error as CryptoError where error.kind == .authenticationFailed {
            throw SecretError(kind: .authentication(kid: envelope.kid), bot: bot, field: field, available: keys.ids)
        } catch let error as SecretError {
            throw error
        } catch {
            throw SecretError(kind: .crypto("\(error)"), bot: bot, field: field, available: keys.ids)
        }
    }

    /// The envelope text of `value` for `field` of `bot`, sealed with `key` (default: the primary key).
    public func seal(_ value: String, bot: String, field: String, with key: SecretKey? = nil) throws(SecretError) -> String {
        guard let key = key ?? keys.primary else {
            throw SecretError(kind: .noSealingKey, bot: bot, field: field, available: [])
        }
        do {
            let sealed = try AES256GCM.seal(Array(value.utf8), key: key.bytes, aad: SecretEnvelope.aad(bot: bot, field: field))
            return SecretEnvelope(data: sealed.ciphertext, iv: sealed.nonce, tag: sealed.tag, kid: key.id).text
        } catch {
            throw SecretError(kind: .crypto(error.message), bot: bot, field: field, available: keys.ids)
        }
    }
}
