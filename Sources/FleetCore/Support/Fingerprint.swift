import FleetCrypto

/// Keyed fingerprints (HMAC-SHA256 through OpenSSL) that let two secret values be compared
/// without revealing them: without the key, a fingerprint says nothing about a low-entropy token.
public struct Fingerprinter: Sendable {
    private let key: [UInt8]

    /// Creates a fingerprinter with a host-local key.
    public init(key: [UInt8]) {
        self.key = key
    }

    /// `hmac:` and the first 16 hex digits of HMAC-SHA256(key, value).
    public func fingerprint(_ value: String) -> String {
        "hmac:" + String(Hex.encode(hmac(Array(value.utf8))).prefix(16))
    }

    /// HMAC-SHA256 (RFC 2104).
    public func hmac(_ message: [UInt8]) -> [UInt8] {
        HMACSHA256.mac(key: key, message: message)
    }
}
