/// One RFC 6455 frame as the client sees it: server frames arrive unmasked, client frames are
/// sent masked.
struct WebSocketClientFrame: Sendable {
    /// Frame opcodes (RFC 6455 §5.2).
    enum Opcode: UInt8, Sendable {
        case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA

        var isControl: Bool { rawValue & 0x8 != 0 }
    }

    var fin: Bool
    var opcode: Opcode
    var payload: [UInt8]

    /// What ``parse(_:maxPayload:)`` found at the start of a buffer.
    enum ParseResult: Sendable {
        case frame(WebSocketClientFrame, consumed: Int)
        case needMore
        case invalid(String)
    }

    /// Parses one server frame.
    static func parse(_ bytes: [UInt8], maxPayload: Int) -> ParseResult {
        guard bytes.count >= 2 else { return .needMore }
        guard bytes[0] & 0x70 == 0 else { return .invalid("reserved bits set in a frame") }
        guard let opcode = Opcode(rawValue: bytes[0] & 0x0F) else { return .invalid("unknown opcode \(bytes[0] & 0x0F)") }
        guard bytes[1] & 0x80 == 0 else { return .invalid("the server sent a masked frame") }
        let fin = bytes[0] & 0x80 != 0
        var length = UInt64(bytes[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return .needMore }
            length = UInt64(bytes[2]) << 8 | UInt64(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return .needMore }
            length = 0
            for i in 2..<10 { length = length << 8 | UInt64(bytes[i]) }
            offset = 10
        }
        if opcode.isControl && (!fin || length > 125) { return .invalid("malformed control frame") }
        guard length <= UInt64(maxPayload) else { return .invalid("a frame of \(length) bytes exceeds \(maxPayload)") }
        let end = offset + Int(length)
        guard bytes.count >= end else { return .needMore }
        return .frame(WebSocketClientFrame(fin: fin, opcode: opcode, payload: Array(bytes[offset..<end])), consumed: end)
    }

    /// The bytes of a masked client frame.
    static func encode(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true, mask: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | opcode.rawValue]
        if payload.count < 126 {
            out.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: payload.count >> shift)) }
        }
        out += mask
        for (i, byte) in payload.enumerated() { out.append(byte ^ mask[i & 3]) }
        return out
    }
}
