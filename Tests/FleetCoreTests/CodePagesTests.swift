@testable import FleetCore
import Foundation
import Testing

/// The daemon's release of its code pages between rounds: the program's read-only segments are
/// unmapped (resident memory falls) and the code keeps working (the pages come back on use).
@Suite struct CodePagesTests {
    static func residentFileKB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("RssFile:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    @Test func codePagesAreReleasedAndComeBackOnUse() throws {
        // Touch a good part of the program first (encoding and decoding touch plenty of code).
        var state = FleetState()
        for i in 0..<50 { state.bots["b\(i)"] = BotState(port: 20_000 + i) }
        let bytes = try FleetState.encoder.encode(state)
        let before = try #require(Self.residentFileKB())
        let released = Daemon<ContinuousClock>.releaseCodePages()
        let after = try #require(Self.residentFileKB())
        #expect(released > 0)
        #expect(after < before, "resident file-backed memory \(before) kB -> \(after) kB")
        // The code still runs.
        let again = try FleetState.decoder.decode(FleetState.self, from: bytes)
        #expect(again.bots.count == 50)
    }
}
