@testable import FleetCore
import Foundation
import OpenClawConfig
import Testing

/// The planner is a pure function: these tests build desired and observed state by hand.
@Suite struct PlannerTests {
    static let renderer = Renderer(fleet: FleetSettings(), stateRoot: "/r", commit: "c1", fingerprinter: Fingerprinter(key: [1, 2, 3]))

    func desired(_ name: String, model: String = "openai/gpt-4o", port: Int = 18789, enabled: Bool = true,
                 suspended: Bool = false, token: String = "t") throws -> DesiredBot {
        let yaml = """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: \(name)}
            spec:
              enabled: \(enabled)
              model: \(model)
              channels: [{type: telegram, credentials: {botToken: \(token)}}]
            """
        let set = loadFiles([("fleet/\(name).yaml", Array(yaml.utf8))])
        let bot = try #require(set.bots.first)
        return DesiredBot(name: name, enabled: enabled, suspended: suspended,
                          rendered: try Self.renderer.render(bot, port: port), manifest: "fleet/\(name).yaml")
    }

    /// What the host looks like after `bot` was applied and runs healthily.
    func running(_ bot: DesiredBot, pid: Int32 = 100) -> ObservedBot {
        var state = BotState(port: bot.rendered.launch.port)
        state.phase = .Running
        state.pid = pid
        state.configHash = bot.rendered.configHash
        state.applied = AppliedRecord(bot.rendered)
        return ObservedBot(
            name: bot.name, record: state, directoryExists: true,
            process: ProcessInfoRecord(pid: pid, startTime: 5, state: "S", commandLine: []),
            health: GatewayHealth(live: true, ready: true, failing: []),
            configOnDisk: ConfigOnDisk(hash: bot.rendered.configHash, json: bot.rendered.config))
    }

    func plan(_ desired: [DesiredBot], _ observed: [ObservedBot], allowMassDestroy: Bool = false) -> Plan {
        Planner.plan(desired: desired, observed: Dictionary(uniqueKeysWithValues: observed.map { ($0.name, $0) }),
                     commit: "c1", stateRoot: "/r", fingerprint: "f", options: PlanOptions(allowMassDestroy: allowMassDestroy))
    }

    @Test func newBotsAreCreated() throws {
        let p = plan([try desired("a"), try desired("b", port: 18809)], [])
        #expect(p.actions.map(\.kind) == [.create, .create])
        #expect(p.actions[1].reasons == ["new bot on port 18809"])
        #expect(PlanPrinter.summary(p) == "Plan: 2 to create, 0 to reload, 0 to restart, 0 to destroy.")
    }

    @Test func anUnchangedRunningBotIsANoOp() throws {
        let a = try desired("a")
        let p = plan([a], [running(a)])
        #expect(p.changes.isEmpty)
        #expect(PlanPrinter.human(p, commit: "c1", style: .plain).contains("No changes."))
    }

    @Test func aModelChangeReloads() throws {
        let old = try desired("a")
        let p = plan([try desired("a", model: "anthropic/claude-opus-4-1")], [running(old)])
        #expect(p.actions.first?.kind == .reload)
        #expect(p.actions.first?.reasons == ["model changed"])
    }

    @Test func aPortOrTokenChangeRestarts() throws {
        let old = try desired("a")
        let moved = plan([try desired("a", port: 18829)], [running(old)])
        #expect(moved.actions.first?.kind == .restart)
        #expect(moved.actions.first?.reasons.contains("port 18789 -> 18829") == true)
        let rotated = plan([try desired("a", token: "t2")], [running(old)])
        #expect(rotated.actions.first?.kind == .restart)
        #expect(rotated.actions.first?.reasons == ["credentials changed (channels.telegram.default.botToken)"])
    }

    @Test func aCrashedGatewayIsStartedWithItsExit() throws {
        let a = try desired("a")
        var obs = running(a)
        obs.process = nil
        obs.health = nil
        obs.record?.lastExit = ExitInfo(code: 1, signal: nil, at: Date())
        let p = plan([a], [obs])
        #expect(p.actions.first?.kind == .start)
        #expect(p.actions.first?.reasons == ["process exited with code 1"])
    }

    @Test func aHandEditIsDrift() throws {
        let a = try desired("a")
        var obs = running(a)
        var edited = a.rendered.config
        if case .object(var root) = edited {
            root["session"] = .object(["scope": "global"])
            edited = .object(root)
        }
        obs.configOnDisk = ConfigOnDisk(hash: "edited", json: edited)
        let p = plan([a], [obs])
        #expect(p.actions.first?.kind == .reload)
        #expect(p.actions.first?.reasons.first == "config.json5 edited on disk")
    }

    @Test func anUnhealthyGatewayRestartsAndStraysAreStopped() throws {
        let a = try desired("a")
        var sick = running(a)
        sick.health = GatewayHealth(live: false, ready: nil, failing: [])
        #expect(plan([a], [sick]).actions.first?.kind == .restart)
        var doubled = running(a)
        doubled.strays = [ProcessInfoRecord(pid: 7, startTime: 1, state: "S", commandLine: [])]
        let p = plan([a], [doubled])
        #expect(p.actions.first?.kind == .restart)
        #expect(p.actions.first?.reasons.first == "stray gateway process 7 stopped")
    }

    @Test func disabledSuspendedAndRemovedBots() throws {
        let a = try desired("a")
        let off = plan([try desired("a", enabled: false)], [running(a)])
        #expect(off.actions.first?.kind == .stop)
        let frozen = plan([try desired("a", model: "x/y", suspended: true)], [running(a)])
        #expect(frozen.actions.first?.kind == .noop)
        #expect(frozen.actions.first?.reasons.first?.hasPrefix("suspended") == true)
        let b = try desired("b", port: 18809)
        let c = try desired("c", port: 18829)
        let removed = plan([a, c], [running(a), running(b), running(c)])
        #expect(removed.actions.map(\.kind) == [.noop, .destroy, .noop])
        #expect(removed.refusal == nil)
    }

    @Test func massDestroyIsRefusedUnlessAllowed() throws {
        let a = try desired("a")
        let b = try desired("b", port: 18809)
        let empty = plan([], [running(a), running(b)])
        #expect(empty.refusal?.contains("hold no bots") == true)
        let most = plan([try desired("c", port: 18829)], [running(a), running(b)])
        #expect(most.refusal?.contains("more than half") == true)
        #expect(plan([], [running(a), running(b)], allowMassDestroy: true).refusal == nil)
    }
}
