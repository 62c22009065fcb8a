@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `HostFiles.read`: every byte of a file, whatever its size says (`/proc` files say 0), and nil
/// for what cannot be read.
@Suite struct HostFilesReadTests {
    @Test func readsEveryByteOfFilesSmallAndLarge() throws {
        let dir = try TempDirectory(prefix: "fleet-hostfiles")
        for size in [0, 1, 4095, 4096, 4097, 100_000] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = dir.file("f\(size)")
            try HostFiles.writeAtomically(path, bytes)
            #expect(HostFiles.read(path) == bytes, "a file of \(size) bytes")
        }
    }

    /// A `/proc` file larger than one buffer, whose size reads as 0: read to its end.
    @Test func readsProcFilesToTheirEnd() throws {
        let smaps = try #require(HostFiles.read("/proc/self/smaps"))
        #expect(smaps.count > 8192, "\(smaps.count) bytes")
        let text = String(decoding: smaps, as: UTF8.self)
        #expect(text.contains("[stack]"), "the last mappings are there too")
        let stat = try #require(HostFiles.read("/proc/self/stat"))
        #expect(String(decoding: stat, as: UTF8.self).hasPrefix("\(getpid()) ("))
    }

    @Test func missingFilesAndDirectoriesAreNil() throws {
        let dir = try TempDirectory(prefix: "fleet-hostfiles")
        #expect(HostFiles.read(dir.file("missing")) == nil)
        #expect(HostFiles.read(dir.path) == nil)
    }
}
