@testable import FleetCore
import FleetCrypto
import OpenClawConfig
import OpenClawWire
import Testing

/// The renderer hashes configs with libcrypto's SHA-256; the stand-in gateway, the observer's
/// older records and `ConfigDigest` use OpenClawWire's portable one. A config hash is compared
/// across them (drift, the hash a gateway reports), so the two must agree on every input.
@Suite struct DigestParityTests {
    @Test func libcryptoAndPortableSHA256AgreeOnEveryLengthAroundTheBlocks() {
        // Lengths 0-300 cross the 55/56/64-byte padding edges several times.
        for length in 0...300 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ length) }
            #expect(SHA256Digest.digest(bytes) == SHA256.digest(bytes), "length \(length)")
            #expect(SHA256Digest.hexDigest(bytes) == SHA256.hexDigest(bytes), "length \(length)")
        }
    }

    @Test func knownAnswers() {
        // FIPS 180-2, appendix B.1, and the empty message.
        #expect(SHA256Digest.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hexDigest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func renderedConfigHashIsThePortableDigestOfTheBody() throws {
        let set = loadFiles(generatedFleet(3))
        #expect(set.isValid)
        let renderer = Renderer(fleet: set.fleet, stateRoot: "/var/openclaw", commit: "abc1234", fingerprinter: Fingerprinter(key: [7]))
        for bot in set.bots {
            let rendered = try renderer.render(bot, port: 18789)
            #expect(rendered.configHash == ConfigDigest.sha256Hex(Array(rendered.body.utf8)))
            var workspace: [UInt8] = []
            for name in rendered.workspaceFiles.keys.sorted() {
                workspace += Array(name.utf8) + [0] + SHA256.digest(rendered.workspaceFiles[name] ?? [])
            }
            #expect(rendered.workspaceHash == SHA256.hexDigest(workspace))
        }
    }
}
