@testable import FleetCore
import Testing

/// `spec.maxConcurrentStarts`: the Fleet's cap on gateways started at once, checked by the
/// validator and carried into every apply.
@Suite struct StartCapSettingTests {
    func fleet(_ line: String) -> ManifestSet {
        loadFiles([("fleet/fleet.yaml", Array("""
        apiVersion: fleet/v1
        kind: Fleet
        metadata: {name: prod}
        spec:
          \(line)

        """.utf8)), ("fleet/bots/one.yaml", Array(validBot("one").utf8))])
    }

    @Test func aCapIsReadAndReachesTheApply() {
        let set = fleet("maxConcurrentStarts: 16")
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
        #expect(set.fleet.maxConcurrentStarts == 16)
        #expect(Reconciler.applyOptions(for: set.fleet).parallelism == 16)
    }

    @Test func withoutACapTheHostDecides() {
        let set = fleet("basePort: 20000")
        #expect(set.fleet.maxConcurrentStarts == nil)
        #expect(Reconciler.applyOptions(for: set.fleet).parallelism == nil)
    }

    @Test(arguments: ["maxConcurrentStarts: 0", "maxConcurrentStarts: -3", "maxConcurrentStarts: many", "maxConcurrentStarts: 10001"])
    func aCapOutsideItsRangeIsAnError(_ line: String) {
        let set = fleet(line)
        #expect(!set.isValid)
        #expect(set.reported.count == 1 && set.reported.first?.line == 5, "\(set.dump)")
        #expect(set.diagnostics.first?.message.contains("maxConcurrentStarts") == true, "\(set.dump)")
    }
}
