/// A fast 64-bit hash of bytes, eight at a time: FNV-1a's constants over words, a byte tail,
/// then a final mix. For telling bytes apart where nobody chooses them to collide (a file read
/// back against the one written, a manifest against its last reading); never for security.
enum WordHash {
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        bytes.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                h ^= raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                h = (h &* 0x0000_0100_0000_01B3) ^ (h >> 29)
            }
            for i in (words * 8)..<raw.count {
                h ^= UInt64(raw[i])
                h = h &* 0x0000_0100_0000_01B3
            }
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}
