@testable import FleetCore
import Foundation
import Synchronization
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

    /// A cache of its own (the shared one serves every suite running beside this one): a second
    /// load of the same files reads none of them, a load with one file changed reads that one.
    @Test func onlyChangedFilesAreReadAgain() {
        let cache = ManifestFileCache()
        let reads = Mutex<[String]>([])
        let record: @Sendable (SourceFile) -> Void = { file in reads.withLock { $0.append(file.path) } }
        let many = (0..<40).map { file("fleet/bots/b\($0).yaml", "b\($0)", model: "openai/gpt-5") }
        _ = cache.botNames(for: many, reading: record)
        #expect(reads.withLock { $0.count } == 40)
        reads.withLock { $0 = [] }
        #expect(cache.botNames(for: many, reading: record) == (0..<40).map { ["b\($0)"] })
        #expect(reads.withLock { $0 }.isEmpty)
        var changed = many
        changed[3] = file("fleet/bots/b3.yaml", "b3", model: "anthropic/claude-sonnet-4-5")
        _ = cache.botNames(for: changed, reading: record)
        #expect(reads.withLock { $0 } == ["fleet/bots/b3.yaml"])
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

extension ManifestFileCache {
    /// Reads `files` through this cache as `ManifestLoader.load` does, telling `reading` of each
    /// file actually read; the bots' names of each file, in order.
    func botNames(for files: [SourceFile], reading: @Sendable (SourceFile) -> Void) -> [[String]] {
        results(for: files) { file in
            reading(file)
            return ManifestLoader.read(file)
        }.map { $0.bots.map(\.name) }
    }
}
