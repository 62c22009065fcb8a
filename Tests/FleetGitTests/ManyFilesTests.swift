import FleetGit
import FleetTestSupport
import Foundation
import Testing

/// A tree of enough files that `files(at:under:maxBlobSize:)` reads the blobs on several
/// threads, each worker with its own object database: the same answer, in tree order, as the
/// files hold, from loose and packed objects and from a linked worktree.
@Suite struct ManyFilesTests {
    /// 60 files: 30 packed by `git gc`, 30 loose; every tenth is over the size limit.
    private func fixture() throws -> (GitFixture, String, [String: String]) {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        var expected: [String: String] = [:]
        for i in 0..<60 {
            let name = String(format: "fleet/bots/b%02d.yaml", i)
            let text = i % 10 == 9 ? String(repeating: "x", count: 200) + "\n" : "name: b\(i)\n"
            expected[name] = text
            try fx.write("r", name, text)
            if i == 29 {
                _ = try fx.commitAll("r", "first half")
                _ = try fx.git("gc", "-q", in: "r")
            }
        }
        _ = try fx.commitAll("r", "second half")
        return (fx, repo, expected)
    }

    private func check(_ files: [GitTreeFile], _ expected: [String: String]) {
        #expect(files.map(\.path) == expected.keys.sorted())
        for file in files {
            let text = expected[file.path] ?? ""
            if text.utf8.count > 100 {
                #expect(file.data == nil, "\(file.path) is over the limit")
                #expect(file.size == text.utf8.count)
            } else {
                #expect(file.data == Array(text.utf8), "\(file.path)")
                #expect(file.size == text.utf8.count)
            }
        }
    }

    @Test func readsEveryBlobInTreeOrderFromLooseAndPackedObjects() throws {
        let (fx, repo, expected) = try fixture()
        let packs = try FileManager.default.contentsOfDirectory(atPath: repo + "/.git/objects/pack")
        #expect(packs.contains { $0.hasSuffix(".pack") }, "half of the blobs are packed")
        check(try GitRepository(path: repo).files(at: "HEAD", under: "fleet", maxBlobSize: 100), expected)
        _ = fx
    }

    @Test func readsFromALinkedWorktree() throws {
        let (fx, _, expected) = try fixture()
        _ = try fx.git("worktree", "add", "-q", fx.path("wt"), "HEAD", in: "r")
        // The worktree's objects live in the main repository's (common) directory.
        check(try GitRepository(path: fx.path("wt")).files(at: "HEAD", under: "fleet", maxBlobSize: 100), expected)
    }

    @Test func aMissingObjectFailsWithTheFirstBrokenPathInTreeOrder() throws {
        let (fx, repo, _) = try fixture()
        // Remove the loose objects of two blobs written after the pack: b41 and b52.
        for name in ["fleet/bots/b52.yaml", "fleet/bots/b41.yaml"] {
            let id = try fx.git("rev-parse", "HEAD:\(name)", in: "r").trimmingCharacters(in: .whitespacesAndNewlines)
            try FileManager.default.removeItem(atPath: repo + "/.git/objects/\(id.prefix(2))/\(id.dropFirst(2))")
        }
        let error = try #require(throws: GitError.self) {
            try GitRepository(path: repo).files(at: "HEAD", under: "fleet", maxBlobSize: 100)
        }
        #expect(error.operation == "reading the size of 'fleet/bots/b41.yaml'", "\(error)")
        #expect(error.isNotFound)
    }
}
