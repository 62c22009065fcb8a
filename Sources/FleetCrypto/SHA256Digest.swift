import CCrypto

/// SHA-256 through libcrypto (`EVP_Digest`, with the CPU's SHA instructions where it has them):
/// the renderer hashes every rendered config, 1.5 MB for 1,000 bots, which took 4 % of
/// `fleet plan` with the portable implementation OpenClawWire keeps for the stand-in. The same
/// digest, bit for bit.
public enum SHA256Digest {
    /// The algorithm, fetched once: `EVP_sha256()` makes every call look it up again (a lock and
    /// a table search), which two threads rendering 1,000 configs contended on.
    nonisolated(unsafe) private static let algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        // OpenSSL wants a non-NULL pointer even for empty input.
        let input = bytes.isEmpty ? [0] : bytes
        let result = input.withUnsafeBytes { i in
            out.withUnsafeMutableBufferPointer { o in
                EVP_Digest(i.baseAddress, bytes.count, o.baseAddress, &length, algorithm ?? EVP_sha256(), nil)
            }
        }
        precondition(result == 1 && length == 32, "SHA-256 failed")
        return out
    }

    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        Hex.encode(digest(bytes))
    }
}
