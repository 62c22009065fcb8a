import FleetCrypto
import Testing

/// Known answers from the GCM specification (McGrew & Viega, "The Galois/Counter Mode of
/// Operation", test cases 13-16, the AES-256 ones with a 96-bit IV; also NIST SP 800-38D's
/// validation vectors), through the EVP wrapper, and tamper tests.
@Suite struct AESGCMTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name, key, iv, plaintext, aad, ciphertext, tag: String
        var testDescription: String { name }
    }

    static let key15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
    static let plain15 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    static let cipher15 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"

    static let vectors: [Vector] = [
        Vector(name: "TC13 empty plaintext, no AAD", key: String(repeating: "00", count: 32), iv: String(repeating: "00", count: 12),
               plaintext: "", aad: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        Vector(name: "TC14 one zero block, no AAD", key: String(repeating: "00", count: 32), iv: String(repeating: "00", count: 12),
               plaintext: String(repeating: "00", count: 16), aad: "",
               ciphertext: "cea7403d4d606b6e074ec5d3baf39d18", tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        Vector(name: "TC15 four blocks, no AAD", key: key15, iv: "cafebabefacedbaddecaf888", plaintext: plain15, aad: "",
               ciphertext: cipher15, tag: "b094dac5d93471bdec1a502270e3cc6c"),
        Vector(name: "TC16 60 bytes with 20 bytes of AAD", key: key15, iv: "cafebabefacedbaddecaf888",
               plaintext: String(plain15.dropLast(8)), aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
               ciphertext: String(cipher15.dropLast(8)), tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    static func h(_ s: String) -> [UInt8] { Hex.decode(s)! }

    @Test(arguments: vectors)
    func knownAnswer(_ v: Vector) throws {
        let gcm = try AES256GCM()
        let (c, t) = try gcm.seal(Self.h(v.plaintext), key: Self.h(v.key), nonce: Self.h(v.iv), aad: Self.h(v.aad))
        #expect(Hex.encode(c) == v.ciphertext)
        #expect(Hex.encode(t) == v.tag)
        // The same context opens it again (reuse after reset).
        let p = try gcm.open(c, key: Self.h(v.key), nonce: Self.h(v.iv), tag: t, aad: Self.h(v.aad))
        #expect(Hex.encode(p) == v.plaintext)
        // And a published ciphertext opens with a fresh context.
        let q = try AES256GCM.open(Self.h(v.ciphertext), key: Self.h(v.key), nonce: Self.h(v.iv), tag: Self.h(v.tag), aad: Self.h(v.aad))
        #expect(q == Self.h(v.plaintext))
    }

    /// Flips one bit in each input in turn: every change must fail authentication.
    @Test func tamperingWithAnyPartFails() throws {
        let v = Self.vectors[3]
        let key = Self.h(v.key), iv = Self.h(v.iv), aad = Self.h(v.aad), c = Self.h(v.ciphertext), t = Self.h(v.tag)
        func fails(_ c: [UInt8], _ key: [UInt8], _ iv: [UInt8], _ t: [UInt8], _ aad: [UInt8]) {
            #expect(throws: CryptoError.self) { try AES256GCM.open(c, key: key, nonce: iv, tag: t, aad: aad) }
            do {
                _ = try AES256GCM.open(c, key: key, nonce: iv, tag: t, aad: aad)
            } catch {
                #expect(error.kind == .authenticationFailed)
            }
        }
        func flip(_ b: [UInt8], _ i: Int) -> [UInt8] { var b = b; b[i] ^= 0x01; return b }
        fails(flip(c, 0), key, iv, t, aad)
        fails(flip(c, c.count - 1), key, iv, t, aad)
        fails(c, key, flip(iv, 5), t, aad)
        fails(c, key, iv, flip(t, 15), aad)
        fails(c, key, iv, t, flip(aad, 0))
        fails(c, key, iv, t, [])
        fails(c, flip(key, 31), iv, t, aad)
        fails(Array(c.dropLast()), key, iv, t, aad)
    }

    @Test func wrongSizesAreTypedErrors() throws {
        let gcm = try AES256GCM()
        #expect(throws: CryptoError(.invalidKey, "AES-256-GCM needs a 32-byte key, got 16 bytes")) {
            try gcm.seal([1], key: [UInt8](repeating: 0, count: 16), nonce: [UInt8](repeating: 0, count: 12))
        }
        #expect(throws: CryptoError(.invalidNonce, "fleet uses 12-byte (96-bit) GCM nonces, got 8 bytes")) {
            try gcm.seal([1], key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 8))
        }
        #expect(throws: CryptoError.self) {
            try gcm.open([1], key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12), tag: [1, 2])
        }
    }

    @Test func randomNoncesDiffer() throws {
        let key = try SecureRandom.bytes(32)
        let a = try AES256GCM.seal(Array("same".utf8), key: key, aad: [])
        let b = try AES256GCM.seal(Array("same".utf8), key: key, aad: [])
        #expect(a.nonce.count == 12)
        #expect(a.nonce != b.nonce)
        #expect(a.ciphertext != b.ciphertext)
        #expect(try AES256GCM.open(a.ciphertext, key: key, nonce: a.nonce, tag: a.tag, aad: []) == Array("same".utf8))
    }

    @Test func helpers() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2], [1, 2, 3]))
        #expect(constantTimeEqual([], []))
        // RFC 4231 test case 2 (SHA-256 itself is OpenClawWire's, tested in OpenClawWireTests).
        #expect(Hex.encode(HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // RFC 4231 test case 6: a key longer than the block is hashed first.
        #expect(Hex.encode(HMACSHA256.mac(key: [UInt8](repeating: 0xaa, count: 131),
                                          message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(HMACSHA256.mac(key: [], message: []).count == 32)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("abc") == nil)
    }
}
