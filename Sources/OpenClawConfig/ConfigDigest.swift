import OpenClawWire

/// The hash of a config: the stand-in gateway reports the SHA-256 of its live config file so
/// that tests and fleet can tell which bytes it runs with. The digest is OpenClawWire's
/// ``SHA256``, the one implementation every target shares.
public enum ConfigDigest {
    /// The SHA-256 digest of `bytes` (32 bytes).
    public static func sha256<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        SHA256.digest(bytes)
    }

    /// The SHA-256 digest of `bytes` as 64 lower-case hex digits.
    public static func sha256Hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        SHA256.hexDigest(bytes)
    }
}
