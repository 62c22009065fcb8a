import CCrypto

/// AES-256-GCM, HMAC-SHA256, SHA-256 and randomness through the system's OpenSSL libcrypto (EVP).
///
/// Every type here owns the OpenSSL objects it creates and frees them; errors carry OpenSSL's
/// own text (`ERR_get_error`). Nothing here ever puts key or plaintext bytes into an error.
public enum FleetCrypto {
    /// The OpenSSL version string, for diagnostics.
    public static var openSSLVersion: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }
}

/// A failure of a cryptographic operation.
public struct CryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: String, Sendable, Hashable {
        /// A key of the wrong length.
        case invalidKey
        /// A nonce of the wrong length.
        case invalidNonce
        /// A tag of the wrong length.
        case invalidTag
        /// The tag does not match: wrong key, wrong AAD, or tampered data, nonce or tag.
        case authenticationFailed
        /// OpenSSL reported an error (out of memory, unsupported cipher, ...).
        case openSSL
        /// The random generator failed.
        case random
        /// A TLS handshake or transfer failed (certificate, host name, protocol).
        case tls
    }

    /// What kind of failure.
    public var kind: Kind
    /// What went wrong, in words (never key or plaintext bytes).
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// An error for a failed OpenSSL call, with the text of OpenSSL's error queue (which is cleared).
    static func openSSL(_ call: String, kind: Kind = .openSSL) -> CryptoError {
        var texts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            texts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let detail = texts.isEmpty ? "" : ": " + texts.joined(separator: "; ")
        return CryptoError(kind, "\(call) failed\(detail)")
    }
}

/// Cryptographically secure random bytes (`RAND_bytes`).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let rc = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard rc == 1 else { throw CryptoError.openSSL("RAND_bytes", kind: .random) }
        return out
    }
}

/// Constant-time comparison (`CRYPTO_memcmp`): the time taken does not depend on where the
/// inputs differ. Inputs of different lengths compare unequal (the length is not secret).
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { pa in
        b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 }
    }
}

/// HMAC-SHA256 (`HMAC` from libcrypto, RFC 2104).
public enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key` (any length; longer than 64 bytes is hashed first).
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        // OpenSSL wants non-NULL pointers even for empty inputs.
        let keyBytes = key.isEmpty ? [0] : key
        let messageBytes = message.isEmpty ? [0] : message
        let result = keyBytes.withUnsafeBytes { k in
            messageBytes.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { o in
                    HMAC(EVP_sha256(), k.baseAddress, Int32(key.count), m.baseAddress, message.count, o.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == 32, "HMAC-SHA256 failed")
        return out
    }
}

/// Lowercase hexadecimal.
public enum Hex {
    /// `bytes` as lowercase hex digits.
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a hex string (either case); nil if it is not hex of even length.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
