@testable import FleetCore
import Foundation
import Testing

/// The source's condition that `fleet status` and the console show first.
@Suite struct SourceConditionTests {
    func state(phase: String?, error: String? = nil, applied: String? = "1111111aaaa", fetched: String? = "1111111aaaa",
               url: String = "/srv/fleet", path: String? = "fleet") -> FleetState {
        var s = FleetState()
        s.appliedCommit = applied
        s.fetchedCommit = fetched
        if let phase {
            s.source = SourceStatus(phase: phase, url: url, ref: "main", error: error, lastFetchAt: Date(timeIntervalSince1970: 1_800_000_000), lastSuccessAt: nil, path: path)
        }
        return s
    }

    @Test func anInvalidFetchedCommitIsAnErrorWithTheValidateCommand() throws {
        let s = state(phase: SourceStatus.Phase.invalid, error: "commit 2222222 has invalid manifests (1 error)", fetched: "2222222bbbb")
        let c = SourceCondition.of(s, root: "/var/openclaw", daemonPid: 42)
        #expect(c.map(\.kind) == [.invalidCommit])
        #expect(c[0].severity == .error)
        #expect(c[0].message == "the fetched commit 2222222 has invalid manifests and is not applied; the gateways keep running commit 1111111")
        #expect(c[0].detail == "commit 2222222 has invalid manifests (1 error)")
        #expect(c[0].fix == "fleet validate --repo /srv/fleet --ref 2222222")
    }

    @Test func aRemoteSourceIsValidatedInItsMirrorWithItsPath() throws {
        let s = state(phase: SourceStatus.Phase.invalid, fetched: "2222222bbbb", url: "https://git.example/fleet.git", path: "deploy")
        let c = SourceCondition.of(s, root: "/var/openclaw", daemonPid: 42)
        #expect(c[0].fix == "fleet validate --repo /var/openclaw/mirror.git --ref 2222222 --path deploy")
    }

    @Test func failingFetchesUntrustedCommitsAndAStoppedDaemon() throws {
        let failing = SourceCondition.of(state(phase: SourceStatus.Phase.failing, error: "could not resolve host"), root: "/r", daemonPid: 1)
        #expect(failing.map(\.kind) == [.fetchFailing])
        #expect(failing[0].detail == "could not resolve host")
        let untrusted = SourceCondition.of(state(phase: SourceStatus.Phase.untrusted, error: "commit 2222222 is not signed", fetched: "2222222bbbb"), root: "/r", daemonPid: 1)
        #expect(untrusted.map(\.kind) == [.untrustedCommit])
        // Both at once: the worst first.
        let both = SourceCondition.of(state(phase: SourceStatus.Phase.failing, error: "timeout"), root: "/r", daemonPid: nil)
        #expect(both.map(\.kind) == [.fetchFailing, .daemonNotRunning])
        let stopped = SourceCondition.of(state(phase: SourceStatus.Phase.ready), root: "/r", daemonPid: nil)
        #expect(stopped.map(\.kind) == [.daemonNotRunning])
        #expect(stopped[0].severity == .warning)
        #expect(stopped[0].message.hasPrefix("the daemon is not running (it last fetched at 2027-01-15T08:00:00Z)"))
    }

    @Test func quietStates() throws {
        #expect(SourceCondition.of(state(phase: SourceStatus.Phase.ready), root: "/r", daemonPid: 7).map(\.kind) == [.inSync])
        #expect(SourceCondition.of(state(phase: SourceStatus.Phase.ready, fetched: "3333333cccc"), root: "/r", daemonPid: 7).map(\.kind) == [.applying])
        let manual = SourceCondition.of(state(phase: nil), root: "/r", daemonPid: nil)
        #expect(manual.map(\.kind) == [.manual])
        #expect(manual[0].message == "applied commit 1111111 by fleet apply; no daemon follows git on this host")
        // A daemon error of another kind (the commit cannot be read) is shown, not hidden.
        let other = SourceCondition.of(state(phase: SourceStatus.Phase.ready, error: "E008: the path fleet does not exist"), root: "/r", daemonPid: 7)
        #expect(other.map(\.kind) == [.sourceError])
    }

    @Test func statusShowsTheConditionFirstInTheTableAndTheJSON() throws {
        var s = state(phase: SourceStatus.Phase.invalid, error: "commit 2222222 has invalid manifests (1 error)", fetched: "2222222bbbb")
        var bot = BotState(port: 18789)
        bot.phase = .Running
        s.bots["a"] = bot
        let conditions = SourceCondition.of(s, root: "/r", daemonPid: 9)
        let table = StatusReport.table(s, root: "/r", style: .plain, conditions: conditions)
        #expect(table.hasPrefix("source: the fetched commit 2222222 has invalid manifests and is not applied"))
        #expect(table.contains("  fix: fleet validate --repo /srv/fleet --ref 2222222\n"))
        let json = StatusReport.json(s, conditions: conditions)
        #expect(json.hasPrefix("{\n  \"condition\" : [\n    {\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let first = try #require((object["condition"] as? [[String: Any]])?.first)
        #expect(first["kind"] as? String == "invalidCommit")
        #expect((object["bots"] as? [String: Any])?["a"] != nil)
        let compact = StatusReport.compactJSON(s, conditions: conditions)
        #expect(compact.hasPrefix("{\"condition\":[{"))
        #expect(!compact.contains("\n"))
        #expect(try JSONSerialization.jsonObject(with: Data(compact.utf8)) is [String: Any])
    }

    @Test func journalsWithoutAUserStillRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/journal.jsonl"
        let old = #"{"action":"create","bot":"a","reasons":["new bot"],"result":"ok","time":"2026-11-01T10:00:00Z"}"#
        try (old + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var entry = JournalEntry(time: Date(), commit: nil, author: nil, bot: "a", action: "restart", reasons: ["restart asked by alice"], result: "ok", error: nil, pid: 5)
        entry.user = "alice"
        try Journal.append([entry], to: path)
        let read = Journal.read(path)
        #expect(read.map(\.user) == [nil, "alice"])
    }

    @Test func theStateSchemaKnowsEveryConditionKindAndSourcePhase() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.root + "/schemas/state.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let condition = try #require((properties["condition"] as? [String: Any])?["items"] as? [String: Any])
        let kinds = try #require(((condition["properties"] as? [String: Any])?["kind"] as? [String: Any])?["enum"] as? [String])
        #expect(kinds == SourceCondition.Kind.allCases.map(\.rawValue))
        let source = try #require((properties["source"] as? [String: Any])?["properties"] as? [String: Any])
        let phases = try #require((source["phase"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(phases) == [SourceStatus.Phase.ready, SourceStatus.Phase.failing, SourceStatus.Phase.untrusted, SourceStatus.Phase.invalid])
    }
}
