import FleetGit
import FleetTestSupport
import Foundation
import Testing

/// The web console's git writes: commits from an in-memory index, compare-and-swap refs, push.
@Suite struct WriteTests {
    /// A bare repository with one commit (fleet/a.yaml, fleet/b.yaml) and a bare clone of it.
    static func repos() throws -> (GitFixture, upstream: String, clone: String, first: String) {
        let fx = try GitFixture()
        try fx.makeRepo("r")
        try fx.write("r", "fleet/a.yaml", "a: 1\n")
        try fx.write("r", "fleet/b.yaml", "b: 1\n")
        let first = try fx.commitAll("r", "first")
        try fx.git("clone", "-q", "--bare", "r", "up.git")
        try fx.git("clone", "-q", "--bare", "up.git", "mine.git")
        return (fx, fx.path("up.git"), fx.path("mine.git"), first)
    }

    @Test func aCommitChangesAddsAndDeletesOnlyTheNamedFilesWithItsAuthor() throws {
        let (fx, _, clone, first) = try Self.repos()
        let repo = try GitRepository(path: clone)
        let id = try repo.commit(changes: ["fleet/a.yaml": Array("a: 2\n".utf8), "fleet/c.yaml": Array("c: 1\n".utf8), "fleet/b.yaml": nil],
                                 parent: first, author: GitPerson(name: "Sam Admin", email: "sam@example.com"), message: "change\n")
        #expect(try repo.blob(at: id, path: "fleet/a.yaml") == Array("a: 2\n".utf8))
        #expect(try repo.blob(at: id, path: "fleet/c.yaml") == Array("c: 1\n".utf8))
        #expect(try repo.blob(at: id, path: "fleet/b.yaml") == nil)
        let info = try repo.resolve(id)
        #expect(info.author.name == "Sam Admin" && info.author.email == "sam@example.com")
        #expect(try repo.parent(of: id)?.id == first)
        // No ref moved.
        #expect(try fx.git("--git-dir", clone, "rev-parse", "main") == first)
        let changed = try repo.changedFiles(in: id, under: "fleet")
        #expect(changed.map(\.path) == ["fleet/a.yaml", "fleet/b.yaml", "fleet/c.yaml"])
        #expect(changed.map(\.status) == [.modified, .deleted, .added])
        #expect(throws: GitError.self) { try repo.commit(changes: ["../x": []], parent: first, author: GitPerson(name: "a", email: "a@b"), message: "x") }
    }

    @Test func aReferenceMovesOnlyFromTheCommitItWasExpectedAt() throws {
        let (fx, _, clone, first) = try Self.repos()
        defer { withExtendedLifetime(fx) {} }
        let repo = try GitRepository(path: clone)
        let author = GitPerson(name: "a", email: "a@example.com")
        let one = try repo.commit(changes: ["fleet/a.yaml": Array("1".utf8)], parent: first, author: author, message: "one")
        let two = try repo.commit(changes: ["fleet/a.yaml": Array("2".utf8)], parent: first, author: author, message: "two")
        try repo.updateReference("refs/heads/main", to: one, expected: first, message: "one")
        do {
            try repo.updateReference("refs/heads/main", to: two, expected: first, message: "two")
            Issue.record("a ref that moved was overwritten")
        } catch {
            #expect(error.isModified)
        }
        #expect(try repo.resolve("main").id == one)
    }

    @Test func aPushIsRefusedWhenTheRemoteBranchMoved() throws {
        let (fx, upstream, clone, first) = try Self.repos()
        let repo = try GitRepository(path: clone)
        let author = GitPerson(name: "a", email: "a@example.com")
        let one = try repo.commit(changes: ["fleet/a.yaml": Array("1".utf8)], parent: first, author: author, message: "one")
        try repo.forceReference("refs/heads/out", to: one, message: "out")
        try repo.push(url: upstream, refspecs: ["refs/heads/out:refs/heads/main"])
        #expect(try fx.git("--git-dir", upstream, "rev-parse", "main") == one)
        // A commit on the old tip does not replace the one pushed meanwhile.
        let stale = try repo.commit(changes: ["fleet/b.yaml": Array("2".utf8)], parent: first, author: author, message: "stale")
        try repo.forceReference("refs/heads/out", to: stale, message: "out")
        do {
            try repo.push(url: "file://" + upstream, refspecs: ["refs/heads/out:refs/heads/main"])
            Issue.record("a non-fast-forward push went through")
        } catch {
            #expect(error.isNotFastForward, "\(error)")
        }
        #expect(try fx.git("--git-dir", upstream, "rev-parse", "main") == one)
        // A new branch is fine.
        try repo.push(url: upstream, refspecs: ["refs/heads/out:refs/heads/fleet/a/draft"])
        #expect(try fx.git("--git-dir", upstream, "rev-parse", "fleet/a/draft") == stale)
    }

    @Test func headBranchNamesTheCheckedOutBranch() throws {
        let (fx, upstream, _, _) = try Self.repos()
        defer { withExtendedLifetime(fx) {} }
        #expect(try GitRepository(path: upstream).headBranch == "main")
    }
}
