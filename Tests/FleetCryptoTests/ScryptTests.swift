@testable import FleetCrypto
import Testing

/// scrypt through OpenSSL: RFC 7914's known answers, and the stored form.
@Suite struct ScryptTests {
    @Test func rfc7914KnownAnswers() throws {
        // RFC 7914 section 12, the second and third vectors.
        let second = try PasswordHash.derive(Array("password".utf8), salt: Array("NaCl".utf8), cost: .init(n: 1024, r: 8, p: 16), length: 64)
        #expect(Hex.encode(second) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
        let third = try PasswordHash.derive(Array("pleaseletmein".utf8), salt: Array("SodiumChloride".utf8), cost: .init(n: 16384, r: 8, p: 1), length: 64)
        #expect(Hex.encode(third) == "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
            + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887")
    }

    @Test func storedHashesVerifyOnlyTheirPassword() throws {
        let cheap = PasswordHash.Cost(n: 1024, r: 8, p: 1)
        let stored = try PasswordHash.make(Array("hunter22".utf8), cost: cheap)
        #expect(stored.hasPrefix("scrypt$1024$8$1$"))
        #expect(PasswordHash.verify(Array("hunter22".utf8), against: stored))
        #expect(!PasswordHash.verify(Array("hunter23".utf8), against: stored))
        #expect(try PasswordHash.make(Array("hunter22".utf8), cost: cheap) != stored, "a fresh salt each time")
        for malformed in ["", "scrypt$1024$8$1$zz$00", "bcrypt$1$2$3$00$00", "scrypt$1000$8$1$00$00", "scrypt$1024$8$1$00$", "scrypt$1048576000$8$1$00$00"] {
            #expect(!PasswordHash.verify(Array("hunter22".utf8), against: malformed), "\(malformed)")
        }
    }
}
