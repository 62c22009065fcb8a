import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// fleet against the stand-in's release personas: the release it detects, what it renders and
/// launches for it, the address it probes, and the gateway's whole process tree.
@Suite(.serialized) struct OpenClawReleaseEndToEndTests {
    /// A gateway command that is a script, as an npm install is: rewriting it is a binary upgrade.
    static func writeGateway(_ path: String, release: String) throws {
        try "#!/bin/sh\nexec env OPENCLAW_SIM_VERSION=\(release) openclaw-sim \"$@\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    /// The Fleet manifest of a world, with extra spec lines.
    static func fleetManifest(_ w: FleetWorld, gatewayCommand: String = "[openclaw-sim, gateway, run]", extra: String = "") throws {
        try w.git.write("repo", "fleet/fleet.yaml", """
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: test}
            spec:
              secrets: {allowPlaintext: true}
              basePort: \(w.basePort)
              gatewayCommand: \(gatewayCommand)
              health: {startTimeout: 10s, probeTimeout: 1s, stopGracePeriod: 2s}
            \(extra)
            """)
    }

    /// Plan and state.json name the detected release; a new gateway binary shows up in the plan
    /// as a restart with its reason, and the new release's form is rendered.
    @Test func theDetectedReleaseAndABinaryUpgrade() async throws {
        let w = try await FleetWorld()
        let gateway = w.git.path("bin-openclaw")
        try Self.writeGateway(gateway, release: "2026.4.27")
        try Self.fleetManifest(w, gatewayCommand: "[\(gateway), gateway, run]")
        try w.bot("alpha")
        try w.commit()

        let plan = try await w.fleet("plan")
        #expect(plan.stdout.contains("Target: OpenClaw 2026.4.27 (detected: `\(gateway) --version`)"), "\(plan.stdout)")
        #expect(try await w.fleet("apply").status == 0)
        var state = try w.state()
        #expect(state.openclaw?.release.description == "2026.4.27")
        #expect(state.openclaw?.origin == .detected)
        #expect(state.bots["alpha"]?.applied?.launch.release == "2026.4.27")
        #expect(try String(contentsOfFile: w.root + "/bots/alpha/config.json5", encoding: .utf8).contains("list: ["))
        #expect(try await w.stateMatchesSchema())
        let before = try #require(w.pid("alpha"))

        // `npm install -g openclaw@latest`: the same command now answers another release.
        try Self.writeGateway(gateway, release: "2026.9.6")
        let upgrade = try await w.fleet("plan", "--detailed-exitcode")
        #expect(upgrade.status == 2)
        #expect(upgrade.stdout.contains("Target: OpenClaw 2026.9.6 (detected"), "\(upgrade.stdout)")
        #expect(upgrade.stdout.contains("-/+ restart  alpha"), "\(upgrade.stdout)")
        #expect(upgrade.stdout.contains("OpenClaw 2026.4.27 -> 2026.9.6 (the gateway binary changed)"), "\(upgrade.stdout)")
        let json = try await w.fleet("plan", "--json")
        #expect(json.stdout.contains("\"release\" : \"2026.9.6\""), "\(json.stdout)")
        let applied = try await w.fleet("apply")
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(w.pid("alpha") != before)
        state = try w.state()
        #expect(state.openclaw?.release.description == "2026.9.6")
        #expect(state.bots["alpha"]?.phase == .Running)
        let config = try String(contentsOfFile: w.root + "/bots/alpha/config.json5", encoding: .utf8)
        #expect(config.contains("entries: {") && !config.contains("list: ["), "\(config)")
        #expect(try await w.fleet("plan", "--detailed-exitcode").status == 0)
        #expect(try await w.stateMatchesSchema())
    }

    /// A gateway on `bind: custom` at another loopback address is probed there and is healthy.
    @Test func customBindOnAnotherLoopbackAddressIsHealthy() async throws {
        let w = try await FleetWorld()
        try w.bot("edge", extra: "  gateway: {bind: custom, customBindHost: 127.0.0.2}")
        try w.commit()
        let applied = try await w.fleet("apply")
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let state = try w.state()
        #expect(state.bots["edge"]?.phase == .Running, "\(state.bots["edge"].map { "\($0.phase) \($0.lastError?.message ?? "")" } ?? "")")
        #expect(state.bots["edge"]?.health?.live == true)
        #expect(HTTPProbe.get(host: "127.0.0.2", port: w.basePort, path: "/healthz")?.status == 200)
        #expect(HTTPProbe.get(port: w.basePort, path: "/healthz") == nil)
        #expect(try await w.fleet("plan", "--detailed-exitcode").status == 0)
        let status = try await w.fleet("status")
        #expect(status.stdout.contains("Running"), "\(status.stdout)")
        #expect(!status.stdout.contains("Failed"), "\(status.stdout)")
    }

    /// A gateway that re-launches itself (2026.4 without OPENCLAW_NO_RESPAWN) and gateways with an
    /// exec-tool command (in their session, or detached into its own): every process is the bot's,
    /// a second plan is a no-op, and `fleet destroy` leaves nothing with the bot's config path.
    @Test(arguments: [
        "[env, -u, OPENCLAW_NO_RESPAWN, OPENCLAW_SIM_VERSION=2026.4.27, openclaw-sim, gateway, run]",
        "[env, OPENCLAW_SIM_EXEC_CHILD=1, openclaw-sim, gateway, run]",
        "[env, OPENCLAW_SIM_EXEC_CHILD=detached, openclaw-sim, gateway, run]",
    ])
    func theWholeProcessTreeIsTheBots(_ command: String) async throws {
        let w = try await FleetWorld(gatewayCommand: command)
        try w.bot("tree")
        try w.commit()
        let applied = try await w.fleet("apply")
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(await eventually { (w.gateways()["tree"]?.count ?? 0) >= 2 }, "\(w.gateways())")
        let processes = w.gateways()["tree"] ?? []
        let again = try await w.fleet("plan", "--detailed-exitcode")
        #expect(again.status == 0, "\(again.stdout)")
        #expect(!again.stdout.contains("stray"), "\(again.stdout)")
        #expect(try w.state().bots["tree"]?.phase == .Running)

        // A restart (a new port) ends the whole old tree before the new gateway starts.
        try w.bot("tree", extra: "  gateway: {port: \(w.basePort + 200)}")
        try w.commit("new port")
        let restarted = try await w.fleet("apply")
        #expect(restarted.status == 0, "\(restarted.stdout)\(restarted.stderr)")
        for process in processes {
            #expect(!ProcessTable.isAlive(process.pid, startTime: process.startTime), "pid \(process.pid) \(process.commandLine) survived the restart")
        }
        #expect(await eventually { (w.gateways()["tree"]?.count ?? 0) >= 2 }, "\(w.gateways())")
        let current = w.gateways()["tree"] ?? []
        #expect(try await w.fleet("plan", "--detailed-exitcode").status == 0)

        let destroyed = try await w.fleet("destroy")
        #expect(destroyed.status == 0, "\(destroyed.stdout)")
        #expect(w.gateways()["tree"] == nil, "\(w.gateways())")
        for process in current {
            #expect(!ProcessTable.isAlive(process.pid, startTime: process.startTime), "pid \(process.pid) \(process.commandLine) survived")
        }
    }

    /// Exit 78 (the gateway refused its config) is Failed with the gateway's words, and not
    /// retried until something changes: here a wrong pin renders a form the gateway refuses.
    @Test func aRefusedConfigIsFailedAndNotRetried() async throws {
        let w = try await FleetWorld()
        try Self.fleetManifest(w, extra: "  openclawVersion: \"2026.4.27\"")
        try w.bot("pinned")
        try w.commit("pin an older release than the gateway runs")
        let refused = try await w.fleet("apply")
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("exited with code 78 during start-up: OpenClaw refused its config"), "\(refused.stdout)")
        #expect(refused.stdout.contains("legacy config keys agents.list, tools.exec.security") || refused.stdout.contains("legacy config keys agents.list"),
                "\(refused.stdout)")
        var state = try w.state()
        #expect(state.bots["pinned"]?.phase == .Failed)
        #expect(state.bots["pinned"]?.lastExit?.code == 78)

        let held = try await w.fleet("plan", "--detailed-exitcode")
        #expect(held.status == 0, "\(held.stdout)")
        #expect(held.stdout.contains("not retried until the config, the launch or the gateway release changes"), "\(held.stdout)")
        #expect(try await w.fleet("apply").status == 0)
        let starts = Journal.read(w.root + "/journal.jsonl").filter { $0.bot == "pinned" && ($0.action == "create" || $0.action == "start") }
        #expect(starts.count == 1)
        state = try w.state()
        #expect(state.bots["pinned"]?.phase == .Failed)

        try Self.fleetManifest(w)
        try w.commit("detect the release")
        let fixed = try await w.fleet("apply")
        #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
        #expect(try w.state().bots["pinned"]?.phase == .Running)
    }

    /// `fleet render --openclaw-version` renders for that release, on a host and for Kubernetes;
    /// one older than the supported releases is refused naming them.
    @Test func renderForARelease() async throws {
        let w = try await FleetWorld()
        try w.bot("r", extra: "  tools: {bash: true}")
        try w.commit()
        let old = try await w.fleet("render", "r", "--openclaw-version", "2026.4.27")
        #expect(old.status == 0, "\(old.stderr)")
        #expect(old.stdout.contains("list: [") && old.stdout.contains("security: \"full\"") && !old.stdout.contains("entries"), "\(old.stdout)")
        let new = try await w.fleet("render", "r", "--openclaw-version", "2026.9.6", "--json")
        #expect(new.stdout.contains("\"entries\"") && new.stdout.contains("\"mode\": \"full\"") && new.stdout.contains("\"openclawVersion\": \"2026.9.6\""),
                "\(new.stdout)")
        let tooOld = try await w.fleet("render", "r", "--openclaw-version", "2026.3.30")
        #expect(tooOld.status == 1)
        #expect(tooOld.stderr.contains("older than the releases fleet supports, OpenClaw 2026.4 through the 2026.9 line"), "\(tooOld.stderr)")
        let newer = try await w.fleet("render", "r", "--openclaw-version", "2026.11.2")
        #expect(newer.status == 0)
        #expect(newer.stderr.contains("newer than the releases fleet knows"), "\(newer.stderr)")
        let kube = try await runProcess(w.fleetBinary, ["render", "--target", "kubernetes", "--external-secrets", "--openclaw-version", "2026.4.27", "--repo", w.repo], env: w.env())
        #expect(kube.status == 0, "\(kube.stderr)")
        #expect(kube.stdout.contains("list: [") && kube.stdout.contains("OPENCLAW_NO_RESPAWN"), "\(kube.stdout)")
    }

    /// The gateways get what OpenClaw asks of a supervisor.
    @Test func theLaunchEnvironment() async throws {
        let w = try await FleetWorld()
        try w.bot("env")
        try w.commit()
        #expect(try await w.fleet("apply").status == 0)
        let pid = try #require(w.pid("env"))
        let environment = ProcessTable.environment(pid) ?? [:]
        #expect(environment["OPENCLAW_NO_RESPAWN"] == "1")
        #expect(environment["OPENCLAW_DISABLE_BONJOUR"] == "1")
        #expect(environment["OPENCLAW_CONFIG_PATH"] == w.root + "/bots/env/config.json5")
    }
}
