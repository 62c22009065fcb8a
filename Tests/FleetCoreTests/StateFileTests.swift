@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// The state file and the journal: what cannot be read or written is an error with its code,
/// never an empty state or a lost line; a lost state file is rebuilt from the host.
@Suite struct StateFileTests {
    @Test func aCorruptStateFileIsAnErrorThatKeepsACopyAndSaysHowToRecover() throws {
        let dir = try TempDirectory(prefix: "fleet-state")
        let path = dir.file("state.json")
        #expect(try FleetState.load(from: path).bots.isEmpty, "a missing file is an empty state")
        let garbage = "{\"formatVersion\": 1, \"bots\": {\"a\": {\"phase\": \"Runn"
        try garbage.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try FleetState.load(from: path)
        } throws: { error in
            guard let error = error as? ApplyError else { return false }
            return error.kind == .stateCorrupt && error.code == "R010"
                && error.message.hasPrefix("the state file \(path) is not valid fleet state")
                && error.message.contains("a copy is kept at \(path).corrupt-")
                && error.fix?.contains("fleet state rebuild --state-root \(dir.path)") == true
        }
        // One copy per content, however often it is read; the copy holds the bytes as they were.
        _ = try? FleetState.load(from: path)
        let copies = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("state.json.corrupt-") }
        #expect(copies.count == 1)
        #expect(try String(contentsOfFile: dir.file(copies[0]), encoding: .utf8) == garbage)

        // A directory where the file should be cannot be read either.
        let other = try TempDirectory(prefix: "fleet-state")
        try FileManager.default.createDirectory(atPath: other.file("state.json"), withIntermediateDirectories: true)
        #expect(throws: ApplyError.self) { _ = try FleetState.load(from: other.file("state.json")) }
    }

    @Test func aFailedWriteOfTheStateOrTheJournalIsAnError() throws {
        let dir = try TempDirectory(prefix: "fleet-state")
        try FileManager.default.createDirectory(atPath: dir.file("state.json"), withIntermediateDirectories: true)
        #expect {
            try FleetState().save(to: dir.file("state.json"))
        } throws: { ($0 as? ApplyError)?.kind == .stateWrite }
        try FileManager.default.createDirectory(atPath: dir.file("journal.jsonl"), withIntermediateDirectories: true)
        let entry = JournalEntry(time: Date(), commit: nil, author: nil, bot: "a", action: "start", reasons: [], result: "ok", error: nil, pid: 1)
        #expect {
            try Journal.append([entry], to: dir.file("journal.jsonl"))
        } throws: { ($0 as? ApplyError)?.kind == .journalWrite }
        // /dev/full takes the open and refuses the write: a short or failed write is an error too.
        if FileManager.default.fileExists(atPath: "/dev/full") {
            #expect {
                try Journal.append([entry], to: "/dev/full")
            } throws: { ($0 as? ApplyError)?.message.contains("No space left on device") == true }
        }
    }

    @Test func rebuildFindsTheRunningGatewaysFromTheirPidRecordsAndProc() async throws {
        let dir = try TempDirectory(prefix: "fleet-rebuild")
        let root = dir.path
        let launcher = StandInLauncher()
        defer { launcher.killAll() }
        // Two bots as an apply left them: one running (pid record, config), one stopped (config only).
        let running = try desiredBot("running", root: root, port: 43_000)
        let stopped = try desiredBot("stopped", root: root, port: 43_020)
        let applier = Applier(root: root, state: FleetState(), options: ApplyOptions(), commit: "abc", author: nil,
                              runtime: GatewayRuntime(launcher: launcher, prober: StandInProber(launcher), time: { .continuous }),
                              progress: { _ in })
        try Applier.writeFiles(stopped.rendered)
        let plan = Plan(commit: "abc", observedFingerprint: "-", stateRoot: root,
                        actions: [PlannedAction(bot: "running", kind: .create, reasons: [], port: 43_000)])
        #expect(await applier.apply(plan, desired: [running], observed: [:]).ok)
        let pid = try #require(launcher.launches(of: "running").first?.pid)
        try "not json".write(toFile: root + "/state.json", atomically: true, encoding: .utf8)

        let (found, kept) = try StateRebuild.write(root: root)
        #expect(kept?.contains("state.json.corrupt-") == true)
        #expect(found.map(\.bot) == ["running", "stopped"])
        let state = try FleetState.load(from: root + "/state.json")
        #expect(state.bots["running"]?.pid == pid)
        #expect(state.bots["running"]?.pidStartTime == ProcessTable.process(pid)?.startTime)
        #expect(state.bots["running"]?.port == 43_000)
        #expect(state.bots["running"]?.phase == .Running)
        #expect(state.bots["running"]?.configHash == running.rendered.configHash)
        #expect(state.bots["stopped"]?.pid == nil)
        #expect(state.bots["stopped"]?.port == 43_020, "the port from the config on disk")
        #expect(state.bots["stopped"]?.phase == .Pending)
        // The running gateway is adopted as it is: the plan has nothing to do for it.
        var observer = Observer(root: root, probeTimeout: .seconds(1))
        observer.prober = StandInProber(launcher)
        let observed = await observer.observe(state: state, names: ["running"], ports: ["running": 43_000])
        let replanned = Planner.plan(desired: [running], observed: observed, commit: "abc", stateRoot: root, fingerprint: "-")
        #expect(replanned.actions.first { $0.bot == "running" }?.kind == .noop, "\(replanned.actions)")
    }
}
