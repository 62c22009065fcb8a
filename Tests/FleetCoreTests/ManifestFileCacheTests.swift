@testable import FleetCore
import Foundation
import Testing

/// Loads reuse what unchanged files yielded the last time, and never serve a file's old
/// reading for new bytes, nor one path's reading for another.
@Suite(.serialized) struct ManifestFileCacheTests {
    func file(_ path: String, _ name: String, model: String) -> SourceFile {
        SourceFile(path: path, bytes: Array("""
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: \(name)}
            spec:
              model: \(model)
              channels: [{type: telegram, credentials: {botToken: "tok-\(name)"}}]

            """.utf8))
    }

    func load(_ files: [SourceFile]) -> ManifestSet {
        ManifestLoader.load(SourceSnapshot(commit: nil, files: files, diagnostics: [], source: ManifestSource(worktree: true)))
    }

    func models(_ set: ManifestSet) -> [String: String] {
        Dictionary(uniqueKeysWithValues: set.bots.map { ($0.name, $0.model ?? "-") })
    }

    @Test func aChangedFileIsReadAgainAndTheOthersKeepTheirReading() {
        let many = (0..<40).map { file("fleet/bots/b\($0).yaml", "b\($0)", model: "openai/gpt-5") }
        #expect(Set(models(load(many)).values) == ["openai/gpt-5"])
        var changed = many
        changed[7] = file("fleet/bots/b7.yaml", "b7", model: "anthropic/claude-sonnet-4-5")
        let after = models(load(changed))
        #expect(after["b7"] == "anthropic/claude-sonnet-4-5")
        #expect(after.filter { $0.key != "b7" }.values.allSatisfy { $0 == "openai/gpt-5" })
        // And back: the first bytes again give the first reading.
        #expect(models(load(many))["b7"] == "openai/gpt-5")
    }

    @Test func theSameBytesAtAnotherPathAreThatPathsOwn() {
        let broken = SourceFile(path: "fleet/bots/a.yaml", bytes: Array("kind: [unclosed\n".utf8))
        #expect(load([broken]).diagnostics.contains { $0.location?.file == "fleet/bots/a.yaml" })
        let moved = SourceFile(path: "fleet/bots/z.yaml", bytes: broken.bytes)
        let set = load([moved])
        #expect(set.diagnostics.contains { $0.location?.file == "fleet/bots/z.yaml" })
        #expect(!set.diagnostics.contains { $0.location?.file == "fleet/bots/a.yaml" })
    }
}
