@testable import FleetCore
import FleetCrypto
import Foundation
import Testing

/// The daemon's release of its code pages between rounds: the read-only segments of the program
/// and of the libraries it loaded are unmapped (resident memory falls) and the code keeps working
/// (the pages come back on use).
@Suite(.serialized) struct CodePagesTests {
    static func residentFileKB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("RssFile:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    /// Resident kB of the read-only mappings (no `w` in their permissions) of files whose name
    /// contains `library`, from `/proc/self/smaps`.
    static func residentReadOnlyKB(of library: String) -> Int? {
        // Read to the end: /proc reports a size of 0, and a read of that size stops at a page.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps") else { return nil }
        defer { try? handle.close() }
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        var total = 0
        var counting = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 5, fields[3].contains(":") {
                counting = fields.count > 5 && fields[5].contains(library) && !fields[1].contains("w")
            } else if counting, fields.first == "Rss:", fields.count > 1, let kb = Int(fields[1]) {
                total += kb
            }
        }
        return total
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

    /// The shared libraries' code goes too (libcrypto here: an HMAC touches it), and works after.
    /// Other tests' daemons release pages at any time too, so a try whose first reading found
    /// libcrypto already released is tried again; with only the program's pages released, no try
    /// ever sees libcrypto's pages fall.
    @Test func libraryPagesAreReleasedAndComeBackOnUse() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let expected = HMACSHA256.mac(key: key, message: Array("fleet".utf8))
        var readings: [(before: Int, after: Int)] = []
        for _ in 0..<20 {
            #expect(HMACSHA256.mac(key: key, message: Array("fleet".utf8)) == expected)
            let before = try #require(Self.residentReadOnlyKB(of: "libcrypto"))
            _ = Daemon<ContinuousClock>.releaseCodePages()
            let after = try #require(Self.residentReadOnlyKB(of: "libcrypto"))
            readings.append((before, after))
            if before > 0 && after < before { break }
        }
        let fell = readings.contains { $0.before > 0 && $0.after < $0.before }
        #expect(fell, "libcrypto's resident read-only kB (before, after) each try: \(readings)")
    }
}
