import FoundationEssentials
import Synchronization

/// Encodes the state file, re-encoding only the bots that changed since the last time.
///
/// The applier writes the state after every start; with JSONEncoder encoding all of it each
/// time, 200 bots cost O(N²) and most of fleet's CPU during an apply. The bytes are the same as
/// `FleetState.encoder` gives for the whole state (sorted keys, two-space indentation): the
/// state without its bots, with each bot's own encoding, indented, spliced into `"bots"`.
struct StateEncoder: Sendable {
    /// Each bot's entry as last encoded, and the state it was encoded from.
    private var bytes: [String: [UInt8]] = [:]
    private var encodedState: [String: BotState] = [:]

    /// The state file's bytes (without the final newline).
    ///
    /// `changed` names the bots that may differ from the last encoding (the applier records
    /// which it touched); the others are taken from the cache without a look at their state.
    /// Without it every bot is compared with the state it was encoded from.
    mutating func encode(_ state: FleetState, changed: Set<String>? = nil) throws -> [UInt8] {
        var head = state
        head.bots = [:]
        let outer = [UInt8](try FleetState.encoder.encode(head))
        guard !state.bots.isEmpty else { return outer }
        let marker = Array("\"bots\" : {".utf8)
        guard let start = Self.find(marker, in: outer),
              let close = outer[(start + marker.count)...].firstIndex(of: UInt8(ascii: "}")) else {
            return [UInt8](try FleetState.encoder.encode(state))  // not the layout expected: the plain way
        }
        // One buffer, sized once: the file of 200 bots is ~150 KB, and building it in pieces
        // copied it three times a write.
        var out: [UInt8] = []
        out.reserveCapacity(outer.count + bytes.values.reduce(16) { $0 + $1.count + 2 } + 1)
        out += outer[..<(start + marker.count - 1)]
        out.append(UInt8(ascii: "{"))
        out.append(0x0A)
        var first = true
        for name in state.bots.keys.sorted() {
            if !first {
                out.append(UInt8(ascii: ","))
                out.append(0x0A)
            }
            first = false
            if let changed, !changed.contains(name), let cached = bytes[name] {
                out += cached
            } else if let bot = state.bots[name] {
                out += try entry(name, bot)
            }
        }
        out += [0x0A] + Array("  }".utf8)
        out += outer[(close + 1)...]
        // Bots gone from the state leave the cache.
        if bytes.count > state.bots.count {
            bytes = bytes.filter { state.bots[$0.key] != nil }
            encodedState = encodedState.filter { state.bots[$0.key] != nil }
        }
        return out
    }

    /// One bot's entry (`"name" : {...}`), indented for its place (two levels deep), from the
    /// cache if unchanged: a start of 200 bots writes the state some 300 times, and encoding
    /// every name again took a fifth of the daemon's CPU then.
    private mutating func entry(_ name: String, _ bot: BotState) throws -> [UInt8] {
        if let cached = bytes[name], encodedState[name] == bot { return cached }
        let plain = [UInt8](try FleetState.encoder.encode(bot))
        var entry: [UInt8] = Array("    ".utf8) + [UInt8](try FleetState.encoder.encode(name)) + Array(" : ".utf8)
        entry.reserveCapacity(entry.count + plain.count + plain.count / 4)
        for (i, byte) in plain.enumerated() {
            entry.append(byte)
            // Indent every line but the empty ones (inside an empty collection), as JSONEncoder does.
            if byte == 0x0A, i + 1 < plain.count, plain[i + 1] != 0x0A { entry += Array("    ".utf8) }
        }
        bytes[name] = entry
        encodedState[name] = bot
        return entry
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
/// the file still holds exactly those bytes (same path, size and hash). Anything another
/// writer put there is decoded as before.
enum StateFileMemory {
    private struct Written: Sendable {
        var path: String
        var size: Int
        var hash: UInt64
        var state: FleetState
    }

    private static let last = Mutex<Written?>(nil)

    /// A cheap check that the bytes are the ones written (no adversary here: the file is 0600
    /// in fleet's state root, and any mismatch only means decoding it). Byte by byte (FNV-1a), it
    /// took 1.4% of all CPU while the daemon started 200 bots (~300 writes of ~150 KB).
    static func hash(_ bytes: [UInt8]) -> UInt64 { WordHash.hash(bytes) }

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
