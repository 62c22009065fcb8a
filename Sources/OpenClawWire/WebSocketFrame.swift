/// One RFC 6455 frame: the unit both ends of a WebSocket connection read and write.
///
/// The codec is shared by fleet's gateway client, the stand-in gateway's server and the tests'
/// peers, as swift-nio's `NIOWebSocket` serves clients and servers alike: ``encode(maskingKey:)``
/// writes a frame (masked when a client sends it), ``WebSocketFrameDecoder`` reads one.
public struct WebSocketFrame: Sendable, Hashable {
    /// Frame opcodes (RFC 6455 §5.2).
    public enum Opcode: UInt8, Sendable, Hashable {
        case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA

        /// Close, ping and pong: at most 125 bytes, never fragmented (§5.5).
        public var isControl: Bool { rawValue & 0x8 != 0 }
    }

    /// The last frame of a message.
    public var fin: Bool
    /// What the frame carries.
    public var opcode: Opcode
    /// The payload, unmasked.
    public var payload: [UInt8]

    /// The largest payload of a control frame (§5.5).
    public static let maxControlPayload = 125

    /// Creates a frame.
    public init(fin: Bool = true, opcode: Opcode, payload: [UInt8]) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }

    /// The frame's bytes: masked with `maskingKey` (every frame a client sends, §5.3), or
    /// unmasked when it is nil (every frame a server sends).
    public func encode(maskingKey: WebSocketMaskingKey? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 14)
        out.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        if payload.count < 126 {
            out.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: payload.count >> shift)) }
        }
        guard let key = maskingKey else { return out + payload }
        out += key.bytes
        for (i, byte) in payload.enumerated() { out.append(byte ^ key.bytes[i & 3]) }
        return out
    }

    /// A close frame's payload: the status code, then the UTF-8 reason cut to fit 125 bytes (§5.5.1).
    public static func closePayload(code: UInt16, reason: String) -> [UInt8] {
        [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8.prefix(maxControlPayload - 2))
    }

    /// The status code of a close frame, nil when it carries none.
    public var closeCode: UInt16? {
        guard opcode == .close, payload.count >= 2 else { return nil }
        return UInt16(payload[0]) << 8 | UInt16(payload[1])
    }

    /// The reason text of a close frame (empty when there is none).
    public var closeReason: String {
        guard opcode == .close, payload.count > 2 else { return "" }
        return String(decoding: payload[2...], as: UTF8.self)
    }
}

/// The 4-byte key a client masks its frames with (RFC 6455 §5.3).
public struct WebSocketMaskingKey: Sendable, Hashable {
    /// The four bytes, in wire order.
    public let bytes: [UInt8]

    /// A key of four given bytes.
    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
        bytes = [b0, b1, b2, b3]
    }

    /// A fresh random key, as every client frame needs (§5.3: unpredictable to the network).
    public static func random() -> WebSocketMaskingKey {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt32
        return WebSocketMaskingKey(
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value))
    }
}
