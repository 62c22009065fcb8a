@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// Manifests read from real git repositories (made by the git CLI in temp dirs).
@Suite struct ManifestSourceTests {
    /// A repository "r" with fleet/bots/a.yaml committed on main (first commit).
    static func repoWithOneBot(_ fx: GitFixture) throws -> (path: String, first: String) {
        let path = try fx.makeRepo("r")
        try fx.write("r", "fleet/bots/a.yaml", validBot("alpha"))
        try fx.write("r", "README.md", "not a manifest\n")
        let first = try fx.commitAll("r", "Add alpha\n\nThe first bot.")
        return (path, first)
    }

    static func names(_ source: ManifestSource) throws -> [String] {
        try FleetSession.load(source).bots.map(\.name)
    }

    @Test func readsHeadWithCommitFacts() throws {
        let fx = try GitFixture()
        let (path, first) = try Self.repoWithOneBot(fx)
        let snapshot = try ManifestSource(repository: path).read()
        #expect(snapshot.files.map(\.path) == ["fleet/bots/a.yaml"])
        let commit = try #require(snapshot.commit)
        #expect(commit.id == first)
        #expect(commit.shortId == String(first.prefix(commit.shortId.count)))
        #expect(commit.summary == "Add alpha")
        #expect(commit.author.name == "Ada Author")
        #expect(commit.author.email == "ada@example.com")
        #expect(commit.author.time == Date(timeIntervalSince1970: 1_700_000_060))
        #expect(commit.committer.name == "Cy Committer")
        let set = try FleetSession.load(ManifestSource(repository: path))
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
        #expect(set.commit?.id == first)
        #expect(set.bots.map(\.name) == ["alpha"])
    }

    @Test func readsBranchTagAndCommitId() throws {
        let fx = try GitFixture()
        let (path, first) = try Self.repoWithOneBot(fx)
        try fx.git("tag", "v1", in: "r")
        try fx.git("checkout", "-q", "-b", "feature", in: "r")
        try fx.write("r", "fleet/bots/b.yml", validBot("beta"))
        let second = try fx.commitAll("r", "Add beta")
        try fx.git("checkout", "-q", "main", in: "r")
        try fx.write("r", "fleet/bots/c.yaml", validBot("gamma"))
        try fx.commitAll("r", "Add gamma")

        #expect(try Self.names(ManifestSource(repository: path)) == ["alpha", "gamma"])
        #expect(try Self.names(ManifestSource(repository: path, ref: "main")) == ["alpha", "gamma"])
        #expect(try Self.names(ManifestSource(repository: path, ref: "feature")) == ["alpha", "beta"])
        #expect(try Self.names(ManifestSource(repository: path, ref: "refs/heads/feature")) == ["alpha", "beta"])
        #expect(try Self.names(ManifestSource(repository: path, ref: "v1")) == ["alpha"])
        #expect(try Self.names(ManifestSource(repository: path, ref: first)) == ["alpha"])
        #expect(try Self.names(ManifestSource(repository: path, ref: String(second.prefix(10)))) == ["alpha", "beta"])
        #expect(try Self.names(ManifestSource(repository: path, ref: "HEAD~1")) == ["alpha"])
        let atTag = try ManifestSource(repository: path, ref: "v1").read()
        #expect(atTag.commit?.id == first)
    }

    @Test func readsABareRepository() throws {
        let fx = try GitFixture()
        let (_, first) = try Self.repoWithOneBot(fx)
        try fx.git("clone", "-q", "--bare", fx.path("r"), "bare.git")
        let set = try FleetSession.load(ManifestSource(repository: fx.path("bare.git")))
        #expect(set.bots.map(\.name) == ["alpha"])
        #expect(set.commit?.id == first)
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
        // --worktree on a bare repository has no files on disk to read.
        #expect(throws: SourceError.self) { try ManifestSource(repository: fx.path("bare.git"), worktree: true).read() }
    }

    @Test func uncommittedEditsAreSeenOnlyInWorktreeMode() throws {
        let fx = try GitFixture()
        let (path, first) = try Self.repoWithOneBot(fx)
        // Edit a committed file (break it), add an untracked one, stage nothing.
        try fx.write("r", "fleet/bots/a.yaml", validBot("alpha", spec: "  model: sonnet"))
        try fx.write("r", "fleet/bots/new.yaml", validBot("newbie"))

        let committed = try FleetSession.load(ManifestSource(repository: path))
        #expect(committed.bots.map(\.name) == ["alpha"])
        #expect(committed.diagnostics.isEmpty, "\(committed.dump)")

        try fx.git("add", "fleet/bots/new.yaml", in: "r") // staged is still not committed
        #expect(try Self.names(ManifestSource(repository: path)) == ["alpha"])

        let disk = try FleetSession.load(ManifestSource(repository: path, worktree: true))
        #expect(disk.bots.map(\.name) == ["alpha", "newbie"])
        #expect(disk.reported == [Reported(code: "E036", line: 9, column: 10)], "\(disk.dump)")
        #expect(disk.diagnostics.first?.location?.file == "fleet/bots/a.yaml")
        #expect(disk.commit?.id == first, "worktree mode still reports HEAD")

        // From a subdirectory of the working copy too.
        let sub = try FleetSession.load(ManifestSource(repository: path + "/fleet", worktree: true))
        #expect(sub.bots.map(\.name) == ["alpha", "newbie"])
    }

    @Test func worktreeModeOutsideAGitRepository() throws {
        let dir = try TempDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("fleet"), withIntermediateDirectories: true)
        try Data(validBot("loose").utf8).write(to: URL(fileURLWithPath: dir.file("fleet/loose.yaml")))
        let set = try FleetSession.load(ManifestSource(repository: dir.path, worktree: true))
        #expect(set.bots.map(\.name) == ["loose"])
        #expect(set.commit == nil)
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
    }

    @Test func symlinkInsideThePathIsAnError() throws {
        let fx = try GitFixture()
        let (path, _) = try Self.repoWithOneBot(fx)
        try fx.symlink("r", "fleet/bots/link.yaml", to: "a.yaml")
        try fx.commitAll("r", "Add a symlink")
        let set = try FleetSession.load(ManifestSource(repository: path))
        #expect(set.diagnostics.map(\.code) == [.unsupportedEntry], "\(set.dump)")
        #expect(set.diagnostics.first?.location?.file == "fleet/bots/link.yaml")
        #expect(set.diagnostics.first?.message.contains("symlink") == true)
        #expect(set.bots.map(\.name) == ["alpha"], "the regular file is still read")

        let disk = try FleetSession.load(ManifestSource(repository: path, worktree: true))
        #expect(disk.diagnostics.map(\.code) == [.unsupportedEntry], "\(disk.dump)")
    }

    @Test func submoduleInsideThePathIsAnError() throws {
        let fx = try GitFixture()
        let (path, first) = try Self.repoWithOneBot(fx)
        // A gitlink entry, as `git submodule add` records it (no network, no .gitmodules needed).
        try fx.git("update-index", "--add", "--cacheinfo", "160000,\(first),fleet/vendor", in: "r")
        try fx.git("commit", "-q", "-m", "Add a submodule", in: "r")
        let set = try FleetSession.load(ManifestSource(repository: path))
        #expect(set.diagnostics.map(\.code) == [.unsupportedEntry], "\(set.dump)")
        #expect(set.diagnostics.first?.location?.file == "fleet/vendor")
        #expect(set.diagnostics.first?.message.contains("submodule") == true)
    }

    @Test func fileOverOneMebibyteIsAnError() throws {
        let fx = try GitFixture()
        let (path, _) = try Self.repoWithOneBot(fx)
        let padding = String(repeating: "# padding padding padding padding padding padding padding\n", count: 36_000)
        let big = validBot("huge") + "\n" + padding // about 2 MiB
        #expect(big.utf8.count > 2_000_000)
        try fx.write("r", "fleet/bots/huge.yaml", big)
        try fx.commitAll("r", "Add a huge file")
        let set = try FleetSession.load(ManifestSource(repository: path))
        #expect(set.reported == [Reported(code: "E006", line: 0, column: 0)], "\(set.dump)")
        #expect(set.diagnostics.first?.location?.file == "fleet/bots/huge.yaml")
        #expect(set.diagnostics.first?.message.contains("\(big.utf8.count) bytes") == true)
        #expect(set.bots.map(\.name) == ["alpha"])

        let disk = try FleetSession.load(ManifestSource(repository: path, worktree: true))
        #expect(disk.reported == [Reported(code: "E006", line: 0, column: 0)], "\(disk.dump)")
    }

    @Test func binaryAndNonYAMLFiles() throws {
        let fx = try GitFixture()
        let (path, _) = try Self.repoWithOneBot(fx)
        try fx.write("r", "fleet/bots/blob.yaml", Data([0x61, 0x3A, 0x00, 0xFF, 0x10]))
        try fx.write("r", "fleet/bots/avatar.png", Data([0x89, 0x50, 0x4E, 0x47, 0x00]))
        try fx.write("r", "fleet/notes.txt", "ignored\n")
        try fx.commitAll("r", "Add other files")
        let set = try FleetSession.load(ManifestSource(repository: path))
        #expect(set.reported == [Reported(code: "E005", line: 1, column: 1)], "\(set.dump)")
        #expect(set.diagnostics.first?.location?.file == "fleet/bots/blob.yaml")
    }

    @Test func missingPathIsASourceError() throws {
        let fx = try GitFixture()
        let (path, _) = try Self.repoWithOneBot(fx)
        do {
            _ = try FleetSession.load(ManifestSource(repository: path, path: "manifests"))
            Issue.record("expected a SourceError")
        } catch {
            #expect(error.message.contains("manifests"))
            #expect(error.fix?.contains("--path") == true)
        }
        #expect(throws: SourceError.self) { try FleetSession.load(ManifestSource(repository: path, path: "manifests", worktree: true)) }
    }

    @Test func unknownRefIsASourceError() throws {
        let fx = try GitFixture()
        let (path, _) = try Self.repoWithOneBot(fx)
        for ref in ["no-such-branch", "v9", "0123456789abcdef0123456789abcdef01234567"] {
            do {
                _ = try ManifestSource(repository: path, ref: ref).read()
                Issue.record("expected a SourceError for \(ref)")
            } catch {
                #expect(error.message.contains(ref))
                #expect(error.fix?.contains("--ref") == true)
            }
        }
    }

    @Test func notARepositoryIsASourceError() throws {
        let dir = try TempDirectory()
        do {
            _ = try ManifestSource(repository: dir.path).read()
            Issue.record("expected a SourceError")
        } catch {
            #expect(error.message.contains("cannot open git repository"))
        }
    }

    @Test func emptyDirectoryHasNoManifests() throws {
        let fx = try GitFixture()
        let (path, _) = try Self.repoWithOneBot(fx)
        try fx.write("r", "other/readme.txt", "x\n")
        try fx.commitAll("r", "Add other")
        let set = try FleetSession.load(ManifestSource(repository: path, path: "other"))
        #expect(set.diagnostics.map(\.code) == [.noManifests])
        #expect(!set.isValid)
    }

    @Test func pathVariantsAndSingleFile() throws {
        let fx = try GitFixture()
        let (path, _) = try Self.repoWithOneBot(fx)
        for p in ["fleet", "fleet/", "./fleet", "fleet/bots", "fleet/bots/a.yaml", "."] {
            #expect(try Self.names(ManifestSource(repository: path, path: p)) == ["alpha"], "path \(p)")
        }
    }

    @Test func avatarIsLookedUpAtTheSameCommit() throws {
        let fx = try GitFixture()
        let path = try fx.makeRepo("r")
        try fx.write("r", "fleet/bots/a.yaml", validBot("alpha", spec: "  avatar: assets/alpha.png"))
        try fx.commitAll("r", "Bot with a missing avatar")
        #expect(try FleetSession.load(ManifestSource(repository: path)).diagnostics.map(\.code) == [.missingAvatar])
        try fx.write("r", "assets/alpha.png", Data([0x89, 0x50]))
        // On disk but not committed: only worktree mode sees it.
        #expect(try FleetSession.load(ManifestSource(repository: path)).diagnostics.map(\.code) == [.missingAvatar])
        #expect(try FleetSession.load(ManifestSource(repository: path, worktree: true)).diagnostics.isEmpty)
        try fx.commitAll("r", "Add the avatar")
        #expect(try FleetSession.load(ManifestSource(repository: path)).diagnostics.isEmpty)
    }

    @Test func multiDocumentFilesAndFleetSettings() throws {
        let fx = try GitFixture()
        let path = try fx.makeRepo("r")
        let fleet = """
        apiVersion: fleet/v1
        kind: Fleet
        metadata: {name: prod}
        spec:
          basePort: 20000
          maxBots: 7
          reconcileInterval: 1m
          gatewayCommand: [openclaw-sim, gateway, run]
          health: {startTimeout: 5s, failureThreshold: 2}
        """
        try fx.write("r", "fleet/all.yaml", fleet + "\n---\n" + validBot("one") + "\n---\n" + validBot("two"))
        try fx.commitAll("r", "All in one file")
        let set = try FleetSession.load(ManifestSource(repository: path))
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
        #expect(set.bots.map(\.name) == ["one", "two"])
        #expect(set.fleet.name == "prod")
        #expect(set.fleet.basePort == 20000)
        #expect(set.fleet.maxBots == 7)
        #expect(set.fleet.reconcileInterval == .seconds(60))
        #expect(set.fleet.startTimeout == .seconds(5))
        #expect(set.fleet.failureThreshold == 2)
        #expect(set.fleet.gatewayCommand == ["openclaw-sim", "gateway", "run"])
        #expect(set.bots[1].origin.line == 21)
    }
}
