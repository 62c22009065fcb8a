@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// The state file's encoding, bot by bot with a cache, is byte for byte what JSONEncoder gives
/// for the whole state, however the bots change between writes.
@Suite struct StateEncoderTests {
    func state(_ names: [String]) -> FleetState {
        var state = FleetState()
        state.appliedCommit = "abc1234"
        state.appliedAt = Date(timeIntervalSince1970: 1_790_000_000)
        for (i, name) in names.enumerated() {
            var bot = BotState(port: 18_789 + 20 * i)
            bot.phase = .Running
            bot.pid = Int32(4000 + i)
            bot.configHash = String(repeating: "a", count: 64)
            bot.health = HealthRecord(live: true, ready: i % 2 == 0, failing: i % 2 == 0 ? [] : ["channel:telegram:default"], at: Date(timeIntervalSince1970: 1_790_000_100))
            bot.lastError = i == 1 ? BotError(message: "a \"quoted\"\nmessage", fix: "fix it", at: Date(timeIntervalSince1970: 1_790_000_200), code: "R002") : nil
            state.bots[name] = bot
        }
        return state
    }

    func plain(_ state: FleetState) throws -> [UInt8] { [UInt8](try FleetState.encoder.encode(state)) }

    @Test func theSplicedEncodingIsTheWholeEncoding() throws {
        var encoder = StateEncoder()
        #expect(try encoder.encode(FleetState()) == plain(FleetState()))
        var current = state(["beta", "alpha", "bot-0010", "gamma"])
        #expect(try encoder.encode(current) == plain(current))
        // One bot changes, one goes, one comes: the cache must not serve stale bytes.
        current.bots["alpha"]?.phase = .Failed
        current.bots["alpha"]?.pid = nil
        current.bots["gamma"] = nil
        current.bots["delta"] = BotState(port: 20_000)
        #expect(try encoder.encode(current) == plain(current))
        current.bots = [:]
        #expect(try encoder.encode(current) == plain(current))
        let decoded = try FleetState.decoder.decode(FleetState.self, from: Data(try encoder.encode(state(["x", "y"]))))
        #expect(decoded.bots.keys.sorted() == ["x", "y"])
    }

    /// With the names of the bots that changed, the others come from the cache unlooked-at, and
    /// the whole is still the plain encoding; a name left out serves its last bytes (which is
    /// why the applier names every bot it records).
    @Test func theChangedBotsAreTheOnlyOnesEncodedAgain() throws {
        var encoder = StateEncoder()
        var current = state(["alpha", "beta", "gamma"])
        #expect(try encoder.encode(current, changed: []) == plain(current))
        current.bots["beta"]?.phase = .Failed
        current.bots["delta"] = BotState(port: 20_000)
        current.bots["gamma"] = nil
        #expect(try encoder.encode(current, changed: ["beta", "delta", "gamma"]) == plain(current))
        let before = current
        current.bots["alpha"]?.pid = 1
        #expect(try encoder.encode(current, changed: []) == plain(before))
        #expect(try encoder.encode(current, changed: ["alpha"]) == plain(current))
    }

    /// The hash that tells a file read back from the one written: every byte counts, in words
    /// and in the tail.
    @Test func theWrittenFileHashSeesEveryByte() {
        let base = [UInt8](repeating: 7, count: 37)
        var seen: Set<UInt64> = [StateFileMemory.hash(base)]
        for i in base.indices {
            var changed = base
            changed[i] ^= 1
            seen.insert(StateFileMemory.hash(changed))
        }
        seen.insert(StateFileMemory.hash(Array(base.dropLast())))
        seen.insert(StateFileMemory.hash([]))
        #expect(seen.count == base.count + 3)
    }
}

/// Reading back the state file this process wrote needs no decoding, but a file anyone else wrote
/// (or changed) is read from its bytes.
@Suite struct StateFileMemoryTests {
    @Test func aFileChangedBehindOurBackIsReadAgain() throws {
        let dir = try TempDirectory(prefix: "fleet-state-memory")
        let path = dir.path + "/state.json"
        var state = FleetState()
        state.bots["a"] = BotState(port: 18_789)
        try state.save(to: path)
        #expect(try FleetState.load(from: path).bots.keys.sorted() == ["a"])
        // Another writer: same size, one byte different (the port), written in place.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "18789", with: "18790")
        #expect(edited.utf8.count == text.utf8.count)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(edited.utf8))
        try handle.close()
        #expect(try FleetState.load(from: path).bots["a"]?.port == 18_790)
        // Garbage in place: R010, not the remembered state.
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ApplyError.self) { try FleetState.load(from: path) }
    }
}
