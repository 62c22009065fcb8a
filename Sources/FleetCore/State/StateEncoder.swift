import FoundationEssentials
import Synchronization

/// Encodes the state file, re-encoding only the bots that changed since the last time.
///
/// The applier writes the state after every start; with JSONEncoder encoding all of it each
/// time, 200 bots cost O(N²) and most of fleet's CPU during an apply. The bytes are the same as
/// `FleetState.encoder` gives for the whole state (sorted keys, two-space indentation): the
/// state without its bots, with each bot's own encoding, indented, spliced into `"bots"`.
struct StateEncoder: Sendable {
    private var cache: [String: (state: BotState, bytes: [UInt8])] = [:]

    /// The state file's bytes (without the final newline).
    mutating func encode(_ state: FleetState) throws -> [UInt8] {
        var head = state
        head.bots = [:]
        let outer = [UInt8](try FleetState.encoder.encode(head))
        guard !state.bots.isEmpty else { return outer }
        let marker = Array("\"bots\" : {".utf8)
        guard let start = Self.find(marker, in: outer),
              let close = outer[(start + marker.count)...].firstIndex(of: UInt8(ascii: "}")) else {
            return [UInt8](try FleetState.encoder.encode(state))  // not the layout expected: the plain way
        }
        var bots: [UInt8] = [UInt8(ascii: "{"), 0x0A]
        var first = true
        for name in state.bots.keys.sorted() {
            guard let bot = state.bots[name] else { continue }
            if !first { bots += [UInt8(ascii: ","), 0x0A] }
            first = false
            bots += Array("    ".utf8) + [UInt8](try FleetState.encoder.encode(name)) + Array(" : ".utf8)
            bots += try encoded(name, bot)
        }
        bots += [0x0A] + Array("  }".utf8)
        var out = [UInt8](outer[..<(start + marker.count - 1)])
        out += bots
        out += outer[(close + 1)...]
        // Bots gone from the state leave the cache.
        if cache.count > state.bots.count { cache = cache.filter { state.bots[$0.key] != nil } }
        return out
    }

    /// One bot's encoding, indented for its place (two levels deep), from the cache if unchanged.
    private mutating func encoded(_ name: String, _ bot: BotState) throws -> [UInt8] {
        if let hit = cache[name], hit.state == bot { return hit.bytes }
        let plain = [UInt8](try FleetState.encoder.encode(bot))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(plain.count + plain.count / 4)
        for (i, byte) in plain.enumerated() {
            bytes.append(byte)
            // Indent every line but the empty ones (inside an empty collection), as JSONEncoder does.
            if byte == 0x0A, i + 1 < plain.count, plain[i + 1] != 0x0A { bytes += Array("    ".utf8) }
        }
        cache[name] = (bot, bytes)
        return bytes
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}

/// The state this process last wrote, and the file it wrote: reading that file back (the daemon
/// reads the state before each round, and again under the lock to plan) needs no decoding while
/// the file still holds exactly those bytes (same path, size and FNV-1a hash). Anything another
/// writer put there is decoded as before.
enum StateFileMemory {
    private struct Written: Sendable {
        var path: String
        var size: Int
        var hash: UInt64
        var state: FleetState
    }

    private static let last = Mutex<Written?>(nil)

    /// 64-bit FNV-1a: a cheap check that the bytes are the ones written (no adversary here: the
    /// file is 0600 in fleet's state root, and any mismatch only means decoding it).
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    static func remember(_ state: FleetState, at path: String, bytes: [UInt8]) {
        let written = Written(path: path, size: bytes.count, hash: hash(bytes), state: state)
        last.withLock { $0 = written }
    }

    /// The state last written to `path`, if `bytes` (the file as read now) are what was written.
    static func lastWritten(at path: String, bytes: [UInt8]) -> FleetState? {
        guard let written = last.withLock({ $0 }), written.path == path, written.size == bytes.count,
              written.hash == hash(bytes) else { return nil }
        return written.state
    }
}
