/// One RFC 6455 frame, and the codec the stand-in's WebSocket server uses.
struct WebSocketFrame {
    /// Frame opcodes (RFC 6455 §5.2).
    enum Opcode: UInt8 {
        case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA

        var isControl: Bool { rawValue & 0x8 != 0 }
    }

    var fin: Bool
    var opcode: Opcode
    var payload: [UInt8]

    /// What ``parse(_:maxPayload:)`` found at the start of a buffer.
    enum ParseResult {
        case frame(WebSocketFrame, consumed: Int)
        case needMore
        /// A protocol violation: close with `code` (1002, 1009) and `reason`.
        case invalid(code: UInt16, reason: String)
    }

    /// Parses one client frame; client frames must be masked (RFC 6455 §5.1). `fromServer` parses
    /// a server's unmasked frame instead (the `channels login` client of later releases).
    static func parse(_ bytes: [UInt8], maxPayload: Int, fromServer: Bool = false) -> ParseResult {
        guard bytes.count >= 2 else { return .needMore }
        let fin = bytes[0] & 0x80 != 0
        guard bytes[0] & 0x70 == 0 else { return .invalid(code: 1002, reason: "reserved bits set") }
        guard let opcode = Opcode(rawValue: bytes[0] & 0x0F) else {
            return .invalid(code: 1002, reason: "unknown opcode \(bytes[0] & 0x0F)")
        }
        let masked = bytes[1] & 0x80 != 0
        guard masked != fromServer else {
            return .invalid(code: 1002, reason: fromServer ? "server frames must not be masked" : "client frames must be masked")
        }
        var length = Int(bytes[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return .needMore }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return .needMore }
            var value: UInt64 = 0
            for i in 2..<10 { value = value << 8 | UInt64(bytes[i]) }
            guard value <= UInt64(maxPayload) else { return .invalid(code: 1009, reason: "message too big") }
            length = Int(value)
            offset = 10
        }
        if opcode.isControl {
            guard fin else { return .invalid(code: 1002, reason: "fragmented control frame") }
            guard length <= 125 else { return .invalid(code: 1002, reason: "control frame payload over 125 bytes") }
        }
        guard length <= maxPayload else { return .invalid(code: 1009, reason: "message too big") }
        let maskBytes = masked ? 4 : 0
        guard bytes.count >= offset + maskBytes + length else { return .needMore }
        let mask = Array(bytes[offset..<offset + maskBytes])
        offset += maskBytes
        var payload = Array(bytes[offset..<offset + length])
        if masked { for i in payload.indices { payload[i] ^= mask[i & 3] } }
        return .frame(WebSocketFrame(fin: fin, opcode: opcode, payload: payload), consumed: offset + length)
    }

    /// The bytes of an unmasked server frame, or with `mask` (4 bytes) a masked client frame.
    static func encode(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true, mask: [UInt8]? = nil) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | opcode.rawValue]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        if payload.count < 126 {
            out.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: payload.count >> shift)) }
        }
        guard let mask, mask.count == 4 else { return out + payload }
        return out + mask + payload.enumerated().map { $0.element ^ mask[$0.offset & 3] }
    }

    /// A close frame payload: the status code, then the UTF-8 reason (cut to fit 125 bytes).
    static func closePayload(code: UInt16, reason: String) -> [UInt8] {
        [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8.prefix(123))
    }
}
