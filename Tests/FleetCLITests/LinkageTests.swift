import FleetTestSupport
import Foundation
import Testing

/// `fleet` links FoundationEssentials only: Foundation would bring ICU (about 12 MB of resident
/// memory in the daemon, see Benchmarks/README.md). A stray `import Foundation` fails here.
@Suite struct LinkageTests {
    @Test func fleetDoesNotLinkFoundationOrICU() async throws {
        let result = try await runProcess("/usr/bin/ldd", [TestPaths.executable("fleet")])
        #expect(result.status == 0, "\(result.stderr)")
        let libraries = result.stdout.split(separator: "\n").compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) }
        #expect(libraries.contains { $0.hasPrefix("libgit2") }, "ldd lists the libraries: \(libraries)")
        #expect(!libraries.contains("libFoundation.so"), "\(libraries)")
        #expect(!libraries.contains { $0.contains("FoundationICU") || $0.contains("FoundationInternationalization") }, "\(libraries)")
    }
}
