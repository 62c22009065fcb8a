import FleetGit
import FleetTestSupport
import Foundation
import Testing

@Suite struct MirrorTests {
    /// A bare "source" repository with one commit on main, plus a work clone "work" to push from.
    static func makeSource(_ fx: GitFixture) throws -> (bare: String, first: String) {
        try fx.makeRepo("seed")
        try fx.write("seed", "fleet/a.yaml", "v: 1\n")
        let first = try fx.commitAll("seed", "first")
        try fx.git("clone", "-q", "--bare", fx.path("seed"), "source.git")
        try fx.git("clone", "-q", fx.path("source.git"), "work")
        return (fx.path("source.git"), first)
    }

    /// Commits a change in the work clone and pushes it to the source; returns the commit id.
    static func pushChange(_ fx: GitFixture, _ contents: String) throws -> String {
        try fx.write("work", "fleet/a.yaml", contents)
        let id = try fx.commitAll("work", "change to \(contents)")
        try fx.git("push", "-q", "origin", "main", in: "work")
        return id
    }

    @Test func fetchesFromAPlainPathAndSeesNewCommits() throws {
        let fx = try GitFixture()
        let (bare, first) = try Self.makeSource(fx)
        let mirrorPath = fx.path("mirrors/one")
        let fetched = try GitMirror.fetch(url: bare, branch: "main", into: mirrorPath)
        #expect(fetched.id == first)
        #expect(fetched.summary == "first")

        let mirror = try GitRepository(path: mirrorPath)
        #expect(mirror.isBare)
        #expect(try mirror.resolve("origin/main").id == first)
        #expect(try mirror.files(at: first, under: "fleet", maxBlobSize: 100).first?.data == Array("v: 1\n".utf8))

        let second = try Self.pushChange(fx, "v: 2\n")
        let again = try GitMirror.fetch(url: bare, branch: "main", into: mirrorPath)
        #expect(again.id == second)
        let reopened = try GitRepository(path: mirrorPath)
        #expect(try reopened.resolve("refs/remotes/origin/main").id == second)
        #expect(try reopened.blob(at: second, path: "fleet/a.yaml") == Array("v: 2\n".utf8))
        #expect(try reopened.isAncestor(first, of: second))

        // Nothing new: same answer.
        #expect(try GitMirror.fetch(url: bare, branch: "main", into: mirrorPath).id == second)
    }

    @Test func fetchesFromAFileURL() throws {
        let fx = try GitFixture()
        let (bare, first) = try Self.makeSource(fx)
        let url = URL(fileURLWithPath: bare).absoluteString
        #expect(url.hasPrefix("file://"))
        let mirrorPath = fx.path("mirror-url")
        #expect(try GitMirror.fetch(url: url, branch: "main", into: mirrorPath).id == first)
        let second = try Self.pushChange(fx, "v: 3\n")
        #expect(try GitMirror.fetch(url: url, branch: "main", into: mirrorPath).id == second)
    }

    @Test func followsAnotherBranchAndRepointsOrigin() throws {
        let fx = try GitFixture()
        let (bare, first) = try Self.makeSource(fx)
        try fx.git("push", "-q", "origin", "main:release", in: "work")
        let mirrorPath = fx.path("m")
        #expect(try GitMirror.fetch(url: bare, branch: "release", into: mirrorPath).id == first)
        try fx.git("clone", "-q", "--bare", bare, "copy.git")
        #expect(try GitMirror.fetch(url: fx.path("copy.git"), branch: "main", into: mirrorPath).id == first)
    }

    @Test func unreachableOrWrongSourcesThrowClearErrors() throws {
        let fx = try GitFixture()
        let (bare, _) = try Self.makeSource(fx)
        let missing = fx.path("does-not-exist.git")
        let error = try #require(throws: GitError.self) {
            try GitMirror.fetch(url: missing, branch: "main", into: fx.path("m1"))
        }
        #expect(error.description.contains("fetching branch 'main' from '\(missing)'"))
        #expect(error.message == "source repository '\(missing)' does not exist")
        #expect(error.isNotFound)
        let missingURL = try #require(throws: GitError.self) {
            try GitMirror.fetch(url: URL(fileURLWithPath: missing).absoluteString, branch: "main", into: fx.path("m1"))
        }
        #expect(missingURL.message.contains("does not exist"))

        let noBranch = try #require(throws: GitError.self) {
            try GitMirror.fetch(url: bare, branch: "nope", into: fx.path("m2"))
        }
        #expect(noBranch.message.contains("branch 'nope' does not exist"))

        #expect(throws: GitError.self) { try GitMirror.fetch(url: bare, branch: "a..b", into: fx.path("m3")) }

        try fx.write("notrepo", "file.txt", "x")
        let occupied = try #require(throws: GitError.self) {
            try GitMirror.fetch(url: bare, branch: "main", into: fx.path("notrepo"))
        }
        #expect(occupied.message.contains("not a git repository"))
    }
}
