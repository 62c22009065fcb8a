import CCrypto

/// Password hashing with scrypt (RFC 7914) through OpenSSL's `EVP_PBE_scrypt`, in a
/// self-describing text form: `scrypt$N$r$p$<salt hex>$<hash hex>`.
public enum PasswordHash {
    /// The cost parameters: N = 2^15, r = 8, p = 1 (32 MiB and about 0.1 s per hash), the
    /// interactive-login setting RFC 7914 section 2 suggests.
    public struct Cost: Sendable, Hashable {
        /// CPU/memory cost (a power of two).
        public var n: UInt64
        /// Block size.
        public var r: UInt64
        /// Parallelism.
        public var p: UInt64

        /// Creates a cost.
        public init(n: UInt64, r: UInt64, p: UInt64) {
            self.n = n
            self.r = r
            self.p = p
        }

        /// The default cost.
        public static let standard = Cost(n: 1 << 15, r: 8, p: 1)
    }

    /// A new salted hash of `password` (a 16-byte random salt, a 32-byte key).
    public static func make(_ password: [UInt8], cost: Cost = .standard) throws(CryptoError) -> String {
        let salt = try SecureRandom.bytes(16)
        let key = try derive(password, salt: salt, cost: cost)
        return "scrypt$\(cost.n)$\(cost.r)$\(cost.p)$\(Hex.encode(salt))$\(Hex.encode(key))"
    }

    /// Whether `password` matches `stored` (compared in constant time); false for a malformed
    /// or unsupported `stored`.
    public static func verify(_ password: [UInt8], against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "scrypt",
              let n = UInt64(parts[1]), let r = UInt64(parts[2]), let p = UInt64(parts[3]),
              n > 1, n & (n - 1) == 0, n <= 1 << 20, (1...32).contains(r), (1...16).contains(p),
              let salt = Hex.decode(parts[4]), let expected = Hex.decode(parts[5]), !expected.isEmpty,
              let key = try? derive(password, salt: salt, cost: Cost(n: n, r: r, p: p), length: expected.count)
        else { return false }
        return constantTimeEqual(key, expected)
    }

    /// The scrypt key of `password` and `salt`.
    static func derive(_ password: [UInt8], salt: [UInt8], cost: Cost, length: Int = 32) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        // Memory scrypt needs: 128 * r * (N + p + 2) bytes; allow twice that.
        let maxMemory = 2 * 128 * cost.r * (cost.n + cost.p + 2)
        let pass = password.isEmpty ? [0] : password
        let rc = pass.withUnsafeBufferPointer { pw in
            salt.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    pw.withMemoryRebound(to: CChar.self) { pwc in
                        EVP_PBE_scrypt(pwc.baseAddress, password.count, s.baseAddress, salt.count,
                                       cost.n, cost.r, cost.p, maxMemory, o.baseAddress, length)
                    }
                }
            }
        }
        guard rc == 1 else { throw CryptoError.openSSL("EVP_PBE_scrypt") }
        return out
    }
}
