import FleetGit
import FleetTestSupport
import Foundation
import Testing

@Suite struct ResolveTests {
    /// A repo with three commits on main, a lightweight tag v1 on the first, an annotated tag v2
    /// on the second, and a branch "feature" one commit ahead of main.
    static func makeHistory(_ fx: GitFixture) throws -> (repo: String, ids: [String], feature: String) {
        let repo = try fx.makeRepo("r")
        try fx.write("r", "fleet/a.yaml", "one\n")
        let c1 = try fx.commitAll("r", "first commit\n\nwith a body")
        try fx.git("tag", "v1", in: "r")
        try fx.write("r", "fleet/a.yaml", "two\n")
        let c2 = try fx.commitAll("r", "second commit")
        try fx.git("tag", "-a", "v2", "-m", "release two", in: "r")
        try fx.write("r", "fleet/a.yaml", "three\n")
        let c3 = try fx.commitAll("r", "third commit")
        try fx.git("checkout", "-q", "-b", "feature", in: "r")
        try fx.write("r", "fleet/b.yaml", "feature\n")
        let f = try fx.commitAll("r", "feature commit")
        try fx.git("checkout", "-q", "main", in: "r")
        return (repo, [c1, c2, c3], f)
    }

    @Test func resolvesEveryKindOfRef() throws {
        let fx = try GitFixture()
        let (repo, ids, feature) = try Self.makeHistory(fx)
        let git = try GitRepository(path: repo)

        let head = try git.resolve("HEAD")
        #expect(head.id == ids[2])
        #expect(head.id.count == 40)
        #expect(head.shortId == String(ids[2].prefix(head.shortId.count)))
        #expect((7...12).contains(head.shortId.count))
        #expect(head.summary == "third commit")
        #expect(head.author.name == "Ada Author")
        #expect(head.author.email == "ada@example.com")
        #expect(head.committer.name == "Cy Committer")
        #expect(head.author.offsetMinutes == 120)
        #expect(head.author.time.timeIntervalSince1970 == 1_700_000_180)

        #expect(try git.resolve("main").id == ids[2])
        #expect(try git.resolve("feature").id == feature)
        #expect(try git.resolve("refs/heads/feature").id == feature)
        #expect(try git.resolve("v1").id == ids[0])
        #expect(try git.resolve("v2").id == ids[1])  // annotated: peeled to the commit
        #expect(try git.resolve(ids[1]).id == ids[1])
        #expect(try git.resolve(String(ids[0].prefix(8))).id == ids[0])
        #expect(try git.resolve("HEAD~1").id == ids[1])
        #expect(try git.resolve("main~2").id == ids[0])

        let first = try git.resolve("v1")
        #expect(first.summary == "first commit")
        #expect(first.message == "first commit\n\nwith a body\n")
    }

    @Test func unknownRefSaysSoInWords() throws {
        let fx = try GitFixture()
        let (repo, _, _) = try Self.makeHistory(fx)
        let git = try GitRepository(path: repo)
        let error = try #require(throws: GitError.self) { try git.resolve("nope") }
        #expect(error.isNotFound)
        #expect(error.message.contains("ref 'nope' not found in"))
        #expect(error.message.hasSuffix("/r"))
        _ = repo
        #expect(error.description.contains("resolving ref 'nope'"))
        #expect(throws: GitError.self) { try git.resolve("") }
        #expect(throws: GitError.self) { try git.resolve("HEAD~99") }
    }

    @Test func resolvesRemoteTrackingBranchInAClone() throws {
        let fx = try GitFixture()
        let (repo, _, feature) = try Self.makeHistory(fx)
        try fx.git("clone", "-q", repo, "clone")
        let git = try GitRepository(path: fx.path("clone"))
        #expect(try git.resolve("origin/feature").id == feature)
    }

    @Test func opensFromASubdirectory() throws {
        let fx = try GitFixture()
        let (repo, ids, _) = try Self.makeHistory(fx)
        let git = try GitRepository(path: repo + "/fleet")
        #expect(!git.isBare)
        let workdir = try #require(git.workdir)
        #expect(URL(fileURLWithPath: workdir).standardizedFileURL.path
            == URL(fileURLWithPath: repo).standardizedFileURL.path)
        #expect(try git.resolve("HEAD").id == ids[2])
    }

    @Test func bareRepositoryWorks() throws {
        let fx = try GitFixture()
        let (repo, ids, _) = try Self.makeHistory(fx)
        try fx.git("clone", "-q", "--bare", repo, "bare.git")
        let git = try GitRepository(path: fx.path("bare.git"))
        #expect(git.isBare)
        #expect(git.workdir == nil)
        #expect(try git.resolve("main").id == ids[2])
        #expect(try git.resolve("v2").id == ids[1])
        let files = try git.files(at: ids[0], under: "fleet", maxBlobSize: 1024)
        #expect(files.map(\.path) == ["fleet/a.yaml"])
        #expect(files.first?.data == Array("one\n".utf8))
    }

    @Test func notARepositoryThrows() throws {
        let fx = try GitFixture()
        try FileManager.default.createDirectory(atPath: fx.path("plain"), withIntermediateDirectories: true)
        // The temp dir itself is not inside a repository.
        let error = try #require(throws: GitError.self) { try GitRepository(path: fx.path("plain")) }
        #expect(error.message.contains("no git repository"))
    }
}
