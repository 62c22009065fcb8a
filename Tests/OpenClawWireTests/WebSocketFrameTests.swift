import OpenClawWire
import Testing

/// The shared RFC 6455 frame codec: both roles, masking, fragmentation, control frames, limits,
/// and input cut at every byte.
@Suite struct WebSocketFrameTests {
    static let server = WebSocketFrameDecoder(sender: .server, maxPayload: 1 << 20)
    static let client = WebSocketFrameDecoder(sender: .client, maxPayload: 1 << 20)
    static let key = WebSocketMaskingKey(0x37, 0xFA, 0x21, 0x3D)

    func frame(_ result: WebSocketFrameDecoder.Result) -> (WebSocketFrame, Int)? {
        if case .frame(let frame, let consumed) = result { return (frame, consumed) }
        return nil
    }

    func violation(_ result: WebSocketFrameDecoder.Result) -> WebSocketViolation? {
        if case .invalid(let violation) = result { return violation }
        return nil
    }

    @Test func rfcExamplesDecode() throws {
        // RFC 6455 §5.7: "Hello" unmasked (from a server) and masked (from a client).
        let unmasked: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]
        let masked: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        let (a, usedA) = try #require(frame(Self.server.decode(unmasked)))
        #expect(a == WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)) && usedA == 7)
        let (b, usedB) = try #require(frame(Self.client.decode(masked)))
        #expect(b == WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)) && usedB == 11)
        // The encoder writes exactly those bytes.
        #expect(WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)).encode() == unmasked)
        #expect(WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)).encode(maskingKey: Self.key) == masked)
        // A fragmented unmasked text message: "Hel" then "lo".
        let first = try #require(frame(Self.server.decode([0x01, 0x03, 0x48, 0x65, 0x6c])))
        let second = try #require(frame(Self.server.decode([0x80, 0x02, 0x6c, 0x6f])))
        #expect(!first.0.fin && first.0.opcode == .text && first.0.payload == Array("Hel".utf8))
        #expect(second.0.fin && second.0.opcode == .continuation && second.0.payload == Array("lo".utf8))
        // 256 bytes (16-bit length) and 65536 bytes (64-bit length) headers.
        #expect(Array(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 256)).encode().prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        #expect(Array(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 65536)).encode().prefix(10))
                == [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test func roundTripsEverySizeClassInBothRoles() throws {
        for size in [0, 1, 125, 126, 127, 65_535, 65_536, 70_000] {
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            for opcode in [WebSocketFrame.Opcode.text, .binary, .continuation] {
                for fin in [true, false] {
                    let original = WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
                    let (fromServer, usedS) = try #require(frame(Self.server.decode(original.encode())))
                    let clientBytes = original.encode(maskingKey: .random())
                    let (fromClient, usedC) = try #require(frame(Self.client.decode(clientBytes)))
                    #expect(fromServer == original && fromClient == original, "size \(size)")
                    #expect(usedS == original.encode().count && usedC == clientBytes.count)
                }
            }
        }
    }

    @Test func maskingIsAppliedOnTheWire() {
        let payload = Array("a secret the proxy must not see in clear".utf8)
        let bytes = WebSocketFrame(opcode: .text, payload: payload).encode(maskingKey: Self.key)
        #expect(bytes[1] & 0x80 != 0, "mask bit set")
        #expect(Array(bytes[2..<6]) == Self.key.bytes)
        let wire = Array(bytes[6...])
        #expect(wire != payload)
        #expect(wire.enumerated().map { $0.element ^ Self.key.bytes[$0.offset & 3] } == payload)
    }

    @Test func maskingDirectionIsEnforced() {
        let unmasked = WebSocketFrame(opcode: .text, payload: [1, 2, 3]).encode()
        let masked = WebSocketFrame(opcode: .text, payload: [1, 2, 3]).encode(maskingKey: Self.key)
        #expect(violation(Self.client.decode(unmasked))?.kind == .masking, "a server must refuse unmasked client frames")
        #expect(violation(Self.server.decode(masked))?.kind == .masking, "a client must refuse masked server frames")
        #expect(violation(Self.client.decode(unmasked))?.closeCode == 1002)
        #expect(violation(Self.client.decode(unmasked))?.description == "client frames must be masked")
    }

    @Test func controlFrames() throws {
        let ping = WebSocketFrame(opcode: .ping, payload: Array("p".utf8))
        #expect(try #require(frame(Self.client.decode(ping.encode(maskingKey: Self.key)))).0 == ping)
        let close = WebSocketFrame(opcode: .close, payload: WebSocketFrame.closePayload(code: 1001, reason: "going away"))
        let decoded = try #require(frame(Self.server.decode(close.encode()))).0
        #expect(decoded.closeCode == 1001 && decoded.closeReason == "going away")
        #expect(WebSocketFrame(opcode: .close, payload: []).closeCode == nil)
        // The reason is cut so the payload fits a control frame.
        #expect(WebSocketFrame.closePayload(code: 1000, reason: String(repeating: "x", count: 300)).count == 125)
        // A fragmented control frame and one over 125 bytes are violations.
        let fragmented = WebSocketFrame(fin: false, opcode: .ping, payload: []).encode()
        #expect(violation(Self.server.decode(fragmented))?.kind == .malformedControlFrame)
        let long = WebSocketFrame(opcode: .pong, payload: [UInt8](repeating: 1, count: 126)).encode(maskingKey: Self.key)
        #expect(violation(Self.client.decode(long))?.kind == .malformedControlFrame)
        let longest = WebSocketFrame(opcode: .pong, payload: [UInt8](repeating: 1, count: 125)).encode(maskingKey: Self.key)
        #expect(frame(Self.client.decode(longest)) != nil)
    }

    @Test func oversizeIsRefusedFromTheHeaderAlone() {
        let small = WebSocketFrameDecoder(sender: .server, maxPayload: 1000)
        #expect(violation(small.decode([0x82, 0x7E, 0x03, 0xE9]))?.kind == .tooBig(length: 1001, limit: 1000))
        #expect(violation(small.decode([0x82, 0x7E, 0x03, 0xE9]))?.closeCode == 1009)
        #expect(frame(small.decode(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 1000)).encode())) != nil)
        // A 64-bit length with the top bit set (2^63 and more) never overflows into a small one.
        let huge: [UInt8] = [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 5]
        #expect(violation(small.decode(huge))?.kind == .tooBig(length: 0x8000_0000_0000_0005, limit: 1000))
        let max: [UInt8] = [0x82, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(violation(Self.server.decode(max))?.closeCode == 1009)
    }

    @Test func reservedBitsAndUnknownOpcodes() {
        for opcode: UInt8 in [0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF] {
            #expect(violation(Self.server.decode([0x80 | opcode, 0x00]))?.kind == .unknownOpcode(opcode))
        }
        for rsv: UInt8 in [0x40, 0x20, 0x10] {
            #expect(violation(Self.server.decode([0x81 | rsv, 0x00]))?.kind == .reservedBits)
        }
        #expect(violation(Self.server.decode([0xC1, 0x00]))?.closeCode == 1002)
    }

    @Test func partialInputAtEveryByteBoundaryNeedsMore() throws {
        let frames = [
            WebSocketFrame(opcode: .text, payload: Array("x".utf8)),
            WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 9, count: 300)),
            WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 7, count: 66_000)),
            WebSocketFrame(opcode: .close, payload: WebSocketFrame.closePayload(code: 1000, reason: "bye")),
        ]
        for original in frames {
            for (decoder, bytes) in [(Self.server, original.encode()), (Self.client, original.encode(maskingKey: Self.key))] {
                // Headers cut anywhere, and the payload at a spread of places (every byte would be
                // 66,000 decodes of the large frame): every prefix needs more.
                let cuts = Set(Array(0..<min(bytes.count, 400)) + Array(stride(from: 0, to: bytes.count, by: 997)) + [bytes.count - 1])
                for cut in cuts.sorted() {
                    #expect(decoder.decode(Array(bytes[0..<cut])) == .needMore, "cut at \(cut) of \(bytes.count)")
                }
                let (decoded, used) = try #require(frame(decoder.decode(bytes + [0x81, 0x00])))
                #expect(decoded == original && used == bytes.count, "the next frame's bytes are left alone")
            }
        }
    }

    @Test func streamCutAtEveryBoundaryYieldsTheSameFrames() {
        // Three frames written back to back, delivered in two pieces cut at every byte: a reader
        // that decodes, drops what was consumed and appends the rest gets the same frames.
        let frames = [
            WebSocketFrame(fin: false, opcode: .text, payload: Array("{\"type\":".utf8)),
            WebSocketFrame(opcode: .ping, payload: Array("hb".utf8)),
            WebSocketFrame(opcode: .continuation, payload: Array("\"req\"}".utf8)),
        ]
        let stream = frames.flatMap { $0.encode(maskingKey: Self.key) }
        for cut in 0...stream.count {
            var buffer: [UInt8] = []
            var got: [WebSocketFrame] = []
            for piece in [Array(stream[0..<cut]), Array(stream[cut...])] {
                buffer += piece
                while case .frame(let frame, let used) = Self.client.decode(buffer) {
                    got.append(frame)
                    buffer.removeFirst(used)
                }
            }
            #expect(got == frames && buffer.isEmpty, "cut at \(cut)")
        }
    }

    @Test func handshakeAcceptKeyAndDigests() {
        // RFC 6455 §1.3's example key.
        #expect(WebSocketKey.accept(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let key = WebSocketKey.random()
        #expect(WebSocketKey.isWellFormed(key) && key != WebSocketKey.random())
        #expect(!WebSocketKey.isWellFormed("short"))
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        // FIPS 180 examples.
        #expect(hex(SHA1.digest(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.digest(Array(repeating: UInt8(ascii: "a"), count: 1_000))) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
        #expect(hex(SHA1.digest([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA256.hexDigest(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // 55 and 56 bytes: the padding spills into a second block at 56.
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.digest(Array("abc".utf8)).count == 32)
        #expect(Base64.encode([]) == "" && Base64.encode([0x66]) == "Zg==" && Base64.encode([0x66, 0x6f]) == "Zm8=")
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
    }
}
