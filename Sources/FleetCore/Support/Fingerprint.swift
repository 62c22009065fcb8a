import OpenClawConfig

/// Keyed fingerprints (HMAC-SHA256) that let two secret values be compared without
/// revealing them: without the key, a fingerprint says nothing about a low-entropy token.
public struct Fingerprinter: Sendable {
    private let key: [UInt8]

    /// Creates a fingerprinter with a host-local key.
    public init(key: [UInt8]) {
        self.key = key.count > 64 ? ConfigDigest.sha256(key) : key
    }

    /// `hmac-sha256:` and the first 16 hex digits of HMAC-SHA256(key, value).
    public func fingerprint(_ value: String) -> String {
        "hmac:" + String(hex(hmac(Array(value.utf8))).prefix(16))
    }

    /// HMAC-SHA256 (RFC 2104).
    public func hmac(_ message: [UInt8]) -> [UInt8] {
        var block = key + [UInt8](repeating: 0, count: 64 - key.count)
        let inner = block.map { $0 ^ 0x36 }
        block = block.map { $0 ^ 0x5C }
        return ConfigDigest.sha256(block + ConfigDigest.sha256(inner + message))
    }

    private func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
