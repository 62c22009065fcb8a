/// The keys of the WebSocket opening handshake (RFC 6455 §4.1, §4.2.2).
public enum WebSocketKey {
    /// The GUID RFC 6455 appends to the client's key.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// `base64(sha1(key + GUID))`: the `Sec-WebSocket-Accept` value a server answers `key` with.
    public static func accept(for key: String) -> String {
        Base64.encode(SHA1.digest(Array((key + guid).utf8)))
    }

    /// A client's `Sec-WebSocket-Key`: 16 random bytes in base64 (24 characters).
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Whether `key` has the form §4.1 requires: 16 bytes in base64, so 24 characters.
    public static func isWellFormed(_ key: String) -> Bool {
        key.utf8.count == 24
    }
}
