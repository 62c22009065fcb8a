@testable import FleetCore
import Foundation
import OpenClawConfig
import Testing

/// Rendering, launching, planning and process bookkeeping per OpenClaw release.
@Suite struct ReleaseRenderingTests {
    static let r4 = OpenClawRelease(year: 2026, month: 4, patch: 27)
    static let r8 = OpenClawRelease(year: 2026, month: 8, patch: 1)
    static let r9 = OpenClawRelease(year: 2026, month: 9, patch: 6)

    static let bot = """
        apiVersion: fleet/v1
        kind: Bot
        metadata: {name: x}
        spec:
          model: openai/gpt-4o
          tools: {bash: true}
          gateway: {GATEWAY}
          channels: [{type: telegram, credentials: {botToken: t}}]
        """

    func render(_ release: OpenClawRelease, gateway: String = "{}", target: RenderTarget = .host) throws -> RenderedBot {
        let set = loadFiles([("fleet/x.yaml", Array(Self.bot.replacingOccurrences(of: "{GATEWAY}", with: gateway).utf8))])
        #expect(set.isValid, "\(set.dump)")
        var renderer = Renderer(fleet: set.fleet, stateRoot: "/r", commit: nil, fingerprinter: Fingerprinter(key: [1]))
        renderer.release = release
        renderer.target = target
        return try renderer.render(try #require(set.bots.first), port: 18789)
    }

    @Test func agentsAndExecPolicyFollowTheRelease() throws {
        let old = try render(Self.r4)
        #expect(old.config["agents"]?["list"]?.arrayValue?.first?["default"] == .bool(true))
        #expect(old.config["agents"]?["entries"] == nil)
        #expect(old.config["tools"]?["exec"] == .object(["security": "full"]))
        for release in [Self.r8, Self.r9, OpenClawRelease(year: 2027, month: 1, patch: 1)] {
            let new = try render(release)
            #expect(new.config["agents"]?["list"] == nil)
            #expect(new.config["agents"]?["entries"]?["x"]?["model"] == .string("openai/gpt-4o"))
            #expect(new.config["agents"]?["entries"]?["x"]?["default"] == nil)
            #expect(new.config["agents"]?["entries"]?["x"]?["id"] == nil)
            #expect(new.config["tools"]?["exec"] == .object(["mode": "full"]))
            #expect(OpenClawConfigCheck.issues(new.config, release: release).isEmpty)
        }
        #expect(OpenClawConfigCheck.issues(old.config, release: Self.r4).isEmpty)
        #expect(!OpenClawConfigCheck.issues(old.config, release: Self.r9).isEmpty)
    }

    @Test func theLaunchCarriesTheReleaseAndWhatASupervisorSets() throws {
        let rendered = try render(Self.r9)
        #expect(rendered.launch.release == "2026.9.6")
        #expect(rendered.launch.environment["OPENCLAW_NO_RESPAWN"] == "1")
        #expect(rendered.launch.environment["OPENCLAW_DISABLE_BONJOUR"] == "1")
        #expect(rendered.header.contains("Rendered for OpenClaw 2026.9.6"))
        let newer = try render(OpenClawRelease(year: 2027, month: 1, patch: 1))
        #expect(newer.header.contains("in the form of 2026.9.6"))
    }

    /// Beyond loopback the Control UI is off (else OpenClaw refuses to start); on a loopback
    /// address, custom ones included, it is left alone.
    @Test func controlUiBeyondLoopback() throws {
        for gateway in ["{bind: lan}", "{bind: tailnet}", "{bind: custom, customBindHost: 10.1.2.3}"] {
            let rendered = try render(Self.r9, gateway: gateway)
            #expect(rendered.config["gateway"]?["controlUi"] == .object(["enabled": .bool(false)]), "\(gateway)")
        }
        for gateway in ["{}", "{bind: custom, customBindHost: 127.0.0.2}"] {
            #expect(try render(Self.r9, gateway: gateway).config["gateway"]?["controlUi"] == nil, "\(gateway)")
        }
        let custom = try render(Self.r9, gateway: "{bind: custom, customBindHost: 127.0.0.2}")
        #expect(custom.launch.customBindHost == "127.0.0.2")
        #expect(custom.launch.connectHost == "127.0.0.2")
        #expect(try render(Self.r9, gateway: "{bind: lan}").launch.connectHost == "127.0.0.1")
        #expect(try render(Self.r9, target: .container).config["gateway"]?["controlUi"] == .object(["enabled": .bool(false)]))
    }

    @Test func rawControlUiSettingsWin() throws {
        let yaml = Self.bot.replacingOccurrences(of: "{GATEWAY}", with: "{bind: lan}")
            + "\n  openclaw: {gateway: {controlUi: {allowedOrigins: [\"https://ops.example\"]}}}\n"
        let set = loadFiles([("fleet/x.yaml", Array(yaml.utf8))])
        let rendered = try Renderer(fleet: set.fleet, stateRoot: "/r", commit: nil, fingerprinter: Fingerprinter(key: [1]))
            .render(try #require(set.bots.first), port: 18789)
        #expect(rendered.config["gateway"]?["controlUi"] == .object(["allowedOrigins": .array(["https://ops.example"])]))
    }

    @Test func versionCommandIsTheProgramBeforeGateway() {
        #expect(OpenClawVersionProbe.command(for: ["openclaw", "gateway", "run"]) == ["openclaw", "--version"])
        #expect(OpenClawVersionProbe.command(for: ["env", "X=1", "openclaw-sim", "gateway", "run"]) == ["env", "X=1", "openclaw-sim", "--version"])
        #expect(OpenClawVersionProbe.command(for: ["node", "/opt/openclaw.mjs", "gateway"]) == ["node", "/opt/openclaw.mjs", "--version"])
        #expect(OpenClawVersionProbe.command(for: ["my-gateway"]) == ["my-gateway", "--version"])
    }

    /// Detection that fails falls back to the release last recorded, else the newest known, and
    /// says so; a pin is used as it is, and one too old is refused naming the supported releases.
    @Test func detectionFallsBackAndSaysSo() async throws {
        var fleet = FleetSettings()
        fleet.gatewayCommand = ["/nonexistent/openclaw", "gateway", "run"]
        let none = try await OpenClawVersionProbe.target(for: fleet, recorded: nil).get()
        #expect(none.release == OpenClawReleaseTable.newestKnown && none.origin == .assumed)
        #expect(none.warning?.contains("could not detect the OpenClaw release: `/nonexistent/openclaw` not found") == true, "\(none.warning ?? "")")
        let recorded = OpenClawTarget(release: Self.r8, origin: .detected, command: ["openclaw", "--version"])
        let last = try await OpenClawVersionProbe.target(for: fleet, recorded: recorded).get()
        #expect(last.release == Self.r8 && last.origin == .lastDetected)
        #expect(last.warning?.contains("the release last detected") == true)
        fleet.gatewayCommand = ["/bin/echo", "gateway", "run"]
        let echo = try await OpenClawVersionProbe.target(for: fleet, recorded: nil).get()
        #expect(echo.warning?.contains("printed no OpenClaw release") == true, "\(echo.warning ?? "")")
        fleet.openclawVersion = .pinned(OpenClawRelease(year: 2026, month: 3, patch: 1))
        switch await OpenClawVersionProbe.target(for: fleet, recorded: nil) {
        case .success(let target): Issue.record("a release older than 2026.4 was accepted: \(target)")
        case .failure(let error): #expect(error.message.contains("OpenClaw 2026.4 through the 2026.9 line"))
        }
    }

    @Test func targetsForRenderAndKubernetes() throws {
        var fleet = FleetSettings()
        fleet.kubernetesTag = "2026.4.27"
        #expect(try OpenClawTarget.forKubernetes(fleet: fleet, flag: nil).get().release == Self.r4)
        #expect(try OpenClawTarget.forKubernetes(fleet: fleet, flag: nil).get().origin == .imageTag)
        fleet.kubernetesTag = "latest"
        let latest = try OpenClawTarget.forKubernetes(fleet: fleet, flag: nil).get()
        #expect(latest.release == OpenClawReleaseTable.newestKnown)
        #expect(latest.warning?.contains("latest") == true)
        #expect(try OpenClawTarget.forKubernetes(fleet: fleet, flag: "2026.8.1").get().release == Self.r8)
        #expect(throws: OpenClawTargetError.self) { try OpenClawTarget.forKubernetes(fleet: fleet, flag: "2026.3.9").get() }
        fleet.openclawVersion = .pinned(Self.r4)
        #expect(try OpenClawTarget.forKubernetes(fleet: fleet, flag: nil).get().origin == .pinned)
    }
}

/// The planner's view of releases and refused configs.
@Suite struct ReleasePlanningTests {
    func desired(_ release: OpenClawRelease) throws -> DesiredBot {
        let yaml = "apiVersion: fleet/v1\nkind: Bot\nmetadata: {name: a}\nspec:\n  channels: [{type: telegram, credentials: {botToken: t}}]\n"
        let set = loadFiles([("fleet/a.yaml", Array(yaml.utf8))])
        var renderer = Renderer(fleet: set.fleet, stateRoot: "/r", commit: "c", fingerprinter: Fingerprinter(key: [1]))
        renderer.release = release
        let rendered = try renderer.render(try #require(set.bots.first), port: 18789)
        return DesiredBot(name: "a", enabled: true, suspended: false, rendered: rendered, manifest: "fleet/a.yaml")
    }

    func observed(_ bot: DesiredBot, running: Bool) -> ObservedBot {
        var state = BotState(port: 18789)
        state.phase = running ? .Running : .Failed
        state.configHash = bot.rendered.configHash
        state.applied = AppliedRecord(bot.rendered)
        return ObservedBot(
            name: "a", record: state, directoryExists: true,
            process: running ? ProcessInfoRecord(pid: 100, startTime: 5, state: "S", commandLine: [], session: 100) : nil,
            health: running ? GatewayHealth(live: true, ready: true, failing: []) : nil,
            configOnDisk: ConfigOnDisk(hash: bot.rendered.configHash, json: bot.rendered.config))
    }

    /// A gateway binary upgrade (the detected release changes) is a restart that says so.
    @Test func aReleaseChangeIsARestartWithItsReason() throws {
        let old = try desired(ReleaseRenderingTests.r8)
        let new = try desired(ReleaseRenderingTests.r9)
        let action = Planner.action(for: new, observed(old, running: true))
        #expect(action.kind == .restart)
        #expect(action.reasons.contains("OpenClaw 2026.8.1 -> 2026.9.6 (the gateway binary changed)"), "\(action.reasons)")
        #expect(Planner.action(for: new, observed(new, running: true)).kind == .noop)
        // A record from before releases were recorded says nothing about one.
        var legacy = observed(new, running: true)
        legacy.record?.applied?.launch.release = nil
        #expect(Planner.action(for: new, legacy).kind == .noop)
    }

    /// Exit 78 is a refused config: not started again until the config, launch or release changes.
    @Test func aRefusedConfigIsHeldUntilSomethingChanges() throws {
        let bot = try desired(ReleaseRenderingTests.r9)
        var obs = observed(bot, running: false)
        obs.record?.lastExit = ExitInfo(code: 78, signal: nil, at: Date())
        obs.record?.lastError = BotError(message: "gateway exited with code 78 during start-up: OpenClaw refused its config", fix: nil, at: Date())
        let held = Planner.action(for: bot, obs)
        #expect(held.kind == .noop)
        #expect(held.reasons.first?.hasPrefix("Failed: gateway exited with code 78") == true, "\(held.reasons)")
        // Another exit code is retried; so is a new release or a new config.
        var crashed = obs
        crashed.record?.lastExit = ExitInfo(code: 1, signal: nil, at: Date())
        #expect(Planner.action(for: bot, crashed).kind == .start)
        #expect(Planner.action(for: try desired(ReleaseRenderingTests.r8), obs).kind == .start)
    }

    /// The gateway's own session is its business: a re-launched child or an exec command is no
    /// stray and no reason to restart.
    @Test func sessionMembersAreNoStrays() throws {
        let leader = ProcessInfoRecord(pid: 100, startTime: 5, state: "S", commandLine: ["openclaw"], parentPid: 1, processGroup: 100, session: 100)
        let child = ProcessInfoRecord(pid: 101, startTime: 6, state: "S", commandLine: ["node"], parentPid: 100, processGroup: 100, session: 100)
        let detached = ProcessInfoRecord(pid: 150, startTime: 9, state: "S", commandLine: ["sleep"], parentPid: 101, processGroup: 150, session: 150)
        // A double-forked helper: its parent is gone, it is still in the gateway's session.
        let daemonized = ProcessInfoRecord(pid: 120, startTime: 9, state: "S", commandLine: ["chrome"], parentPid: 1, processGroup: 100, session: 100)
        let other = ProcessInfoRecord(pid: 200, startTime: 7, state: "S", commandLine: ["openclaw"], parentPid: 1, processGroup: 200, session: 200)
        let orphan = ProcessInfoRecord(pid: 300, startTime: 8, state: "S", commandLine: ["sleep"], parentPid: 1, processGroup: 299, session: 299)
        let record = PidRecord(pid: 100, startTime: 5, bot: "a", port: 18789, startedAt: Date())
        let parents: [Int32: Int32] = [100: 1, 101: 100, 120: 1, 150: 101, 200: 1, 300: 1]
        let sorted = BotProcesses.classify([leader, child, daemonized, detached, other, orphan], pidRecord: record) { parents[$0] }
        #expect(sorted.primary?.pid == 100)
        #expect(sorted.members.map(\.pid) == [101, 120, 150])
        #expect(sorted.strays.map(\.pid) == [200, 300])
        // Without a record, only a lone session leader owning everything is adopted; leftovers
        // of a dead session never are.
        #expect(BotProcesses.classify([leader, child], pidRecord: nil) { parents[$0] }.primary?.pid == 100)
        #expect(BotProcesses.classify([orphan], pidRecord: nil).primary == nil)
        #expect(BotProcesses.classify([leader, other], pidRecord: nil).primary == nil)

        let bot = try desired(ReleaseRenderingTests.r9)
        var obs = observed(bot, running: true)
        obs.members = [child, detached]
        #expect(Planner.action(for: bot, obs).kind == .noop)
    }
}

/// docs/compatibility.md lists every row of the release table by its source.
@Suite struct CompatibilityDocTests {
    @Test func everyRowsSourceIsNamed() throws {
        let text = try String(contentsOfFile: Repo.root + "/docs/compatibility.md", encoding: .utf8)
        for row in OpenClawReleaseTable.rows {
            for file in row.source.split(separator: ",").compactMap({ $0.split(separator: " ").first { $0.contains("/") } }) {
                #expect(text.contains(String(file)), "docs/compatibility.md does not name \(file) (\(row.topic))")
            }
        }
        #expect(text.contains(OpenClawReleaseTable.newestKnown.description))
    }
}
