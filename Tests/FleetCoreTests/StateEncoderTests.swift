@testable import FleetCore
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
}
