/// A broken rule of RFC 6455 found in the bytes a peer sent, with the close code to answer it.
public struct WebSocketViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: Sendable, Hashable {
        /// RSV1-3 set without a negotiated extension (§5.2).
        case reservedBits
        /// An opcode RFC 6455 does not define (§5.2).
        case unknownOpcode(UInt8)
        /// A client frame without a mask, or a server frame with one (§5.1).
        case masking
        /// A control frame that is fragmented or longer than 125 bytes (§5.5).
        case malformedControlFrame
        /// A payload larger than the decoder accepts.
        case tooBig(length: UInt64, limit: Int)
    }

    /// What was wrong.
    public var kind: Kind
    /// Which end sent the bytes (it broke the rule).
    public var sender: WebSocketFrameDecoder.Sender

    /// Creates a violation.
    public init(_ kind: Kind, sender: WebSocketFrameDecoder.Sender) {
        self.kind = kind
        self.sender = sender
    }

    /// The close code to answer with: 1009 for a message too big, else 1002 (protocol error, §7.4.1).
    public var closeCode: UInt16 {
        if case .tooBig = kind { return 1009 }
        return 1002
    }

    public var description: String {
        let who = sender == .client ? "client" : "server"
        switch kind {
        case .reservedBits: return "reserved bits set in a \(who) frame"
        case .unknownOpcode(let opcode): return "unknown opcode \(opcode)"
        case .masking: return sender == .client ? "client frames must be masked" : "the server sent a masked frame"
        case .malformedControlFrame: return "malformed control frame (fragmented, or over 125 bytes)"
        case .tooBig(let length, let limit): return "a frame of \(length) bytes exceeds \(limit)"
        }
    }
}

/// Reads RFC 6455 frames from the front of a byte buffer. Pure: it keeps no state between calls,
/// answers need-more, a frame (and how many bytes it used), or the rule the peer broke; the
/// caller owns the buffer and drops the consumed bytes.
public struct WebSocketFrameDecoder: Sendable {
    /// The end whose frames are decoded: a server decodes `.client` frames (masked), a client
    /// decodes `.server` frames (unmasked).
    public enum Sender: Sendable, Hashable { case client, server }

    /// What ``decode(_:)`` found at the start of a buffer.
    public enum Result: Sendable, Hashable {
        /// The buffer holds no whole frame yet.
        case needMore
        /// A frame (payload unmasked) and the number of bytes it took.
        case frame(WebSocketFrame, consumed: Int)
        /// The peer broke the protocol; close with ``WebSocketViolation/closeCode``.
        case invalid(WebSocketViolation)
    }

    /// Whose frames these are.
    public var sender: Sender
    /// The largest payload accepted in one frame.
    public var maxPayload: Int

    /// A decoder for the frames `sender` writes, refusing payloads over `maxPayload` bytes.
    public init(sender: Sender, maxPayload: Int) {
        self.sender = sender
        self.maxPayload = maxPayload
    }

    /// Decodes the frame at the start of `bytes`.
    public func decode(_ bytes: [UInt8]) -> Result {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    /// Decodes the frame at the start of `bytes`.
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result {
        guard bytes.count >= 2 else { return .needMore }
        guard bytes[0] & 0x70 == 0 else { return .invalid(WebSocketViolation(.reservedBits, sender: sender)) }
        guard let opcode = WebSocketFrame.Opcode(rawValue: bytes[0] & 0x0F) else {
            return .invalid(WebSocketViolation(.unknownOpcode(bytes[0] & 0x0F), sender: sender))
        }
        let fin = bytes[0] & 0x80 != 0
        let masked = bytes[1] & 0x80 != 0
        guard masked == (sender == .client) else { return .invalid(WebSocketViolation(.masking, sender: sender)) }
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
        if opcode.isControl && (!fin || length > UInt64(WebSocketFrame.maxControlPayload)) {
            return .invalid(WebSocketViolation(.malformedControlFrame, sender: sender))
        }
        guard length <= UInt64(max(0, maxPayload)) else {
            return .invalid(WebSocketViolation(.tooBig(length: length, limit: maxPayload), sender: sender))
        }
        let keyLength = masked ? 4 : 0
        let end = offset + keyLength + Int(length)
        guard bytes.count >= end else { return .needMore }
        var payload = Array(bytes[(offset + keyLength)..<end])
        if masked {
            let key = (bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3])
            for i in payload.indices {
                switch i & 3 {
                case 0: payload[i] ^= key.0
                case 1: payload[i] ^= key.1
                case 2: payload[i] ^= key.2
                default: payload[i] ^= key.3
                }
            }
        }
        return .frame(WebSocketFrame(fin: fin, opcode: opcode, payload: payload), consumed: end)
    }
}
