import FleetCrypto
import FoundationEssentials
import Glibc

/// An encrypted value as written in a manifest:
/// `ENC[AES256_GCM,data:<base64>,iv:<base64>,tag:<base64>,kid:<key id>]`.
public struct SecretEnvelope: Sendable, Hashable {
    /// The ciphertext (as long as the plaintext).
    public var data: [UInt8]
    /// The 96-bit nonce.
    public var iv: [UInt8]
    /// The 128-bit tag.
    public var tag: [UInt8]
    /// The id of the key that sealed it.
    public var kid: String

    /// The prefix that marks a value as an envelope.
    public static let prefix = "ENC["
    /// The only algorithm.
    public static let algorithm = "AES256_GCM"

    /// Whether `raw` is meant to be an envelope (it may still be malformed).
    public static func isEnvelope(_ raw: String) -> Bool { raw.hasPrefix(prefix) }

    /// The additional authenticated data binding a value to its bot and field.
    public static func aad(bot: String, field: String) -> [UInt8] { Array("fleet/v1|\(bot)|\(field)".utf8) }

    /// The "bot" part of the additional authenticated data of a value in the Fleet manifest
    /// (a fleet-wide model provider key): `Fleet`, which no bot can be called (bot names are
    /// lowercase slugs), so a fleet-wide value never opens as a bot's and the other way round.
    /// It names no fleet, so renaming the fleet keeps its values valid.
    public static let fleetScope = "Fleet"

    /// How messages name the owner of a value: `bot 'support'`, or `the Fleet manifest`.
    public static func ownerDescription(_ scope: String) -> String {
        scope == fleetScope ? "the Fleet manifest" : "bot '\(scope)'"
    }

    /// The `fleet secrets set` arguments that write `field` of `scope`.
    public static func setArguments(_ scope: String, field: String) -> String {
        scope == fleetScope ? "--fleet \(field)" : "\(scope) \(field)"
    }

    /// The text form.
    public var text: String {
        "ENC[\(Self.algorithm),data:\(Data(data).base64EncodedString()),iv:\(Data(iv).base64EncodedString()),"
            + "tag:\(Data(tag).base64EncodedString()),kid:\(kid)]"
    }

    public init(data: [UInt8], iv: [UInt8], tag: [UInt8], kid: String) {
        self.data = data
        self.iv = iv
        self.tag = tag
        self.kid = kid
    }

    /// Parses an envelope; never traps, whatever the input. Errors carry the 0-based character
    /// position of the problem in `raw`.
    public static func parse(_ raw: String) throws(SecretEnvelopeError) -> SecretEnvelope {
        let chars = Array(raw.unicodeScalars)
        func fail(_ at: Int, _ message: String) -> SecretEnvelopeError { SecretEnvelopeError(position: max(0, min(at, chars.count)), message: message) }
        let head = Array(prefix.unicodeScalars)
        guard chars.count >= head.count, Array(chars[0..<head.count]) == head else {
            throw fail(0, "an encrypted value starts with 'ENC['")
        }
        guard chars.last == "]" else { throw fail(chars.count, "the envelope does not end with ']'") }
        let bodyEnd = chars.count - 1
        var fields: [String: (value: String, at: Int)] = [:]
        var order: [String] = []
        var start = head.count
        var index = start
        while index <= bodyEnd {
            if index == bodyEnd || chars[index] == "," {
                let part = String(String.UnicodeScalarView(chars[start..<index]))
                if order.isEmpty {
                    guard part == algorithm else {
                        throw fail(start, "unsupported algorithm '\(part.prefix(32))'; fleet writes \(algorithm)")
                    }
                    order.append("alg")
                } else {
                    guard let colon = part.firstIndex(of: ":") else {
                        throw fail(start, "expected 'name:value' in the envelope")
                    }
                    let name = String(part[..<colon])
                    let value = String(part[part.index(after: colon)...])
                    guard ["data", "iv", "tag", "kid"].contains(name) else {
                        throw fail(start, "unknown envelope field '\(name.prefix(32))'; expected data, iv, tag and kid")
                    }
                    guard fields[name] == nil else { throw fail(start, "envelope field '\(name)' appears twice") }
                    fields[name] = (value, start + name.unicodeScalars.count + 1)
                    order.append(name)
                }
                start = index + 1
            }
            index += 1
        }
        for name in ["data", "iv", "tag", "kid"] where fields[name] == nil {
            throw fail(bodyEnd, "the envelope has no '\(name):' field")
        }
        func bytes(_ name: String, count: Int?) throws(SecretEnvelopeError) -> [UInt8] {
            guard let (value, at) = fields[name] else { throw fail(bodyEnd, "the envelope has no '\(name):' field") }
            guard let data = Data(base64Encoded: value) else { throw fail(at, "'\(name)' is not valid base64") }
            if let count, data.count != count {
                throw fail(at, "'\(name)' is \(data.count) bytes; AES-256-GCM here uses \(count)")
            }
            return [UInt8](data)
        }
        let data = try bytes("data", count: nil)
        guard !data.isEmpty else { throw fail(fields["data"]?.at ?? bodyEnd, "'data' is empty") }
        let iv = try bytes("iv", count: AES256GCM.nonceSize)
        let tag = try bytes("tag", count: AES256GCM.tagSize)
        guard let (kid, kidAt) = fields["kid"] else { throw fail(bodyEnd, "the envelope has no 'kid:' field") }
        guard kid.unicodeScalars.count == 8, Hex.decode(kid) != nil, kid == kid.lowercased() else {
            throw fail(kidAt, "'kid' must be 8 lowercase hex digits")
        }
        return SecretEnvelope(data: data, iv: iv, tag: tag, kid: kid)
    }
}

/// A malformed envelope.
public struct SecretEnvelopeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 0-based character position in the value.
    public var position: Int
    /// What is wrong.
    public var message: String

    public var description: String { "\(message) (at character \(position + 1) of the value)" }
}
