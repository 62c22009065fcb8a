import FleetGit
import FleetTestSupport
import Foundation
import Testing

@Suite struct HistoryTests {
    @Test func unsignedCommitHasNoSignature() throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        try fx.write("r", "a", "1\n")
        let c1 = try fx.commitAll("r", "one")
        let git = try GitRepository(path: repo)
        #expect(try git.commitSignature(c1) == nil)
        #expect(try git.commitSignature("HEAD") == nil)
    }

    @Test(.enabled(if: GitFixture.has("ssh-keygen"), "needs ssh-keygen"))
    func sshSignedCommitHasItsSignature() throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        try fx.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "fleet-test", "-f", fx.path("key")])
        try fx.write("r", "a", "1\n")
        let signed = try fx.commitAll(
            "r", "signed one",
            config: ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(fx.path("key.pub"))"], sign: true)
        let git = try GitRepository(path: repo)
        let result = try #require(try git.commitSignature(signed))
        #expect(result.signature.contains("BEGIN SSH SIGNATURE"))
        #expect(result.signedData.contains("signed one"))
        #expect(result.signedData.hasPrefix("tree "))
        #expect(!result.signedData.contains("gpgsig"))
        #expect(try git.resolve(signed).summary == "signed one")
    }

    @Test func ancestry() throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        try fx.write("r", "a", "1\n")
        let c1 = try fx.commitAll("r", "one")
        try fx.write("r", "a", "2\n")
        let c2 = try fx.commitAll("r", "two")
        try fx.git("checkout", "-q", "-b", "side", c1, in: "r")
        try fx.write("r", "b", "side\n")
        let side = try fx.commitAll("r", "side")
        let git = try GitRepository(path: repo)
        #expect(try git.isAncestor(c1, of: c2))
        #expect(try git.isAncestor(c1, of: "main"))
        #expect(try !git.isAncestor(c2, of: c1))
        #expect(try git.isAncestor(c2, of: c2))  // equal counts
        #expect(try !git.isAncestor(side, of: c2))
        #expect(try !git.isAncestor(c2, of: side))
        #expect(throws: GitError.self) { try git.isAncestor("nope", of: c2) }
    }

    @Test func logIsNewestFirstAndLimited() throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        var ids: [String] = []
        for index in 0..<5 {
            try fx.write("r", index.isMultiple(of: 2) ? "fleet/a.yaml" : "other.txt", "\(index)\n")
            ids.append(try fx.commitAll("r", "commit \(index)"))
        }
        let git = try GitRepository(path: repo)
        let all = try git.log(from: "HEAD", limit: 100)
        #expect(all.map(\.id) == ids.reversed())
        #expect(all.map(\.summary).first == "commit 4")
        #expect(try git.log(from: "main", limit: 2).map(\.id) == [ids[4], ids[3]])
        #expect(try git.log(from: "HEAD~3", limit: 10).map(\.id) == [ids[1], ids[0]])
        #expect(try git.log(from: "HEAD", limit: 0).isEmpty)
        let touching = try git.log(from: "HEAD", limit: 10, touching: "fleet")
        #expect(touching.map(\.id) == [ids[4], ids[2], ids[0]])
        #expect(try git.log(from: "HEAD", limit: 1, touching: "other.txt").map(\.id) == [ids[3]])
        #expect(try git.log(from: "HEAD", limit: 10, touching: "missing").isEmpty)
    }
}
