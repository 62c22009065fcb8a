import FleetGit
import FleetTestSupport
import Foundation
import Testing

@Suite struct TreeTests {
    @Test func filesDifferBetweenCommitsAndIgnoreTheWorkingTree() throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        try fx.write("r", "fleet/bots/a.yaml", "a: 1\n")
        try fx.write("r", "fleet/fleet.yaml", "kind: Fleet\n")
        try fx.write("r", "README.md", "hi\n")
        let c1 = try fx.commitAll("r", "one")
        try fx.write("r", "fleet/bots/a.yaml", "a: 2\n")
        try fx.write("r", "fleet/bots/b.yaml", "b: 1\n")
        let c2 = try fx.commitAll("r", "two")
        // Uncommitted edits: a modified tracked file, a new untracked file, a staged new file.
        try fx.write("r", "fleet/bots/a.yaml", "a: dirty\n")
        try fx.write("r", "fleet/bots/untracked.yaml", "x\n")
        try fx.write("r", "fleet/bots/staged.yaml", "y\n")
        try fx.git("add", "fleet/bots/staged.yaml", in: "r")

        let git = try GitRepository(path: repo)
        let old = try git.files(at: c1, under: "fleet", maxBlobSize: 1 << 20)
        let new = try git.files(at: c2, under: "fleet", maxBlobSize: 1 << 20)
        #expect(old.map(\.path) == ["fleet/bots/a.yaml", "fleet/fleet.yaml"])
        #expect(new.map(\.path) == ["fleet/bots/a.yaml", "fleet/bots/b.yaml", "fleet/fleet.yaml"])
        #expect(old[0].data == Array("a: 1\n".utf8))
        #expect(new[0].data == Array("a: 2\n".utf8))
        #expect(new[0].size == 5)
        #expect(new.allSatisfy { $0.kind == .blob })

        let root = try git.files(at: "HEAD", under: "", maxBlobSize: 100)
        #expect(root.map(\.path) == ["README.md", "fleet/bots/a.yaml", "fleet/bots/b.yaml", "fleet/fleet.yaml"])
        #expect(try git.files(at: "HEAD", under: ".", maxBlobSize: 100) == root)
        #expect(try git.files(at: "HEAD", under: "/fleet/bots/", maxBlobSize: 100).count == 2)

        // A path naming a file returns just that file.
        let single = try git.files(at: c2, under: "fleet/fleet.yaml", maxBlobSize: 100)
        #expect(single == [GitTreeFile(path: "fleet/fleet.yaml", kind: .blob, size: 12, data: Array("kind: Fleet\n".utf8))])
    }

    @Test func missingPathThrowsAClearError() throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        try fx.write("r", "README.md", "hi\n")
        let c1 = try fx.commitAll("r", "one")
        let git = try GitRepository(path: repo)
        let error = try #require(throws: GitError.self) {
            try git.files(at: c1, under: "fleet", maxBlobSize: 100)
        }
        #expect(error.message == "path 'fleet' does not exist at commit \(c1.prefix(7))")
        #expect(error.isNotFound)
    }

    @Test func specialEntriesHaveTheirKinds() throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        try fx.write("r", "fleet/run.sh", "#!/bin/sh\necho hi\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo + "/fleet/run.sh")
        try FileManager.default.createSymbolicLink(atPath: repo + "/fleet/link.yaml", withDestinationPath: "run.sh")
        let big = Data(repeating: 0x61, count: 2 << 20)
        try fx.write("r", "fleet/big.bin", big)
        let first = try fx.commitAll("r", "one")
        try fx.git("update-index", "--add", "--cacheinfo", "160000,\(first),fleet/sub", in: "r")
        try fx.git("commit", "-q", "-m", "add submodule gitlink", in: "r")

        let git = try GitRepository(path: repo)
        let files = try git.files(at: "HEAD", under: "fleet", maxBlobSize: 1 << 20)
        let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0) })
        #expect(files.map(\.path) == ["fleet/big.bin", "fleet/link.yaml", "fleet/run.sh", "fleet/sub"])

        let bigFile = try #require(byPath["fleet/big.bin"])
        #expect(bigFile.kind == .blob)
        #expect(bigFile.size == 2 << 20)
        #expect(bigFile.data == nil)

        let link = try #require(byPath["fleet/link.yaml"])
        #expect(link.kind == .symlink)
        #expect(link.size == "run.sh".utf8.count)
        #expect(link.data == nil)

        let script = try #require(byPath["fleet/run.sh"])
        #expect(script.kind == .executable)
        #expect(script.data == Array("#!/bin/sh\necho hi\n".utf8))

        let sub = try #require(byPath["fleet/sub"])
        #expect(sub.kind == .submodule)
        #expect(sub.data == nil)

        // A larger limit reads the big blob.
        let all = try git.files(at: "HEAD", under: "fleet/big.bin", maxBlobSize: 4 << 20)
        #expect(all.first?.data?.count == 2 << 20)
    }

    @Test func singleBlobReads() throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        try fx.write("r", "avatars/a.png", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF]))
        try FileManager.default.createSymbolicLink(atPath: repo + "/avatars/l.png", withDestinationPath: "a.png")
        let c1 = try fx.commitAll("r", "one")
        let git = try GitRepository(path: repo)
        #expect(try git.blob(at: c1, path: "avatars/a.png") == [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF])
        #expect(try git.blob(at: c1, path: "avatars/l.png") == Array("a.png".utf8))
        #expect(try git.blob(at: c1, path: "avatars/missing.png") == nil)
        #expect(try git.blob(at: c1, path: "nodir/missing.png") == nil)
        #expect(throws: GitError.self) { try git.blob(at: c1, path: "avatars") }
        #expect(throws: GitError.self) { try git.blob(at: "nope", path: "avatars/a.png") }
    }

    @Test func readsAThousandFilesQuickly() throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        for index in 0..<1000 {
            try fx.write("r", "fleet/bots/bot\(index / 100)/b\(index).yaml", "name: bot\(index)\nport: \(18789 + index)\n")
        }
        let commit = try fx.commitAll("r", "many")
        try fx.git("gc", "-q", in: "r")  // packed, like a real clone
        let git = try GitRepository(path: repo)
        _ = try git.files(at: commit, under: "fleet", maxBlobSize: 1 << 20)  // warm up
        let clock = ContinuousClock()
        var files: [GitTreeFile] = []
        let elapsed = try clock.measure { files = try git.files(at: commit, under: "fleet", maxBlobSize: 1 << 20) }
        #expect(files.count == 1000)
        #expect(files.allSatisfy { $0.data != nil })
        #expect(files.map(\.path) == files.map(\.path).sorted())
        print("FleetGit: read 1000 files in \(elapsed)")
        #expect(elapsed < .milliseconds(500))
    }
}
