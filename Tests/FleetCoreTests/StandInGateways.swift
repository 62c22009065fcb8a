@testable import FleetCore
import Foundation
import Synchronization

/// A launcher that starts stand-in processes instead of gateways: `sleep` (a gateway that stays
/// up) unless the test gives a bot another command (`sh -c 'exit 3'`: one that dies during
/// start-up), with the gateway's environment, so `/proc`, pidfds and signals see what they would
/// see with a gateway. Records every launch; can refuse a spawn or report a port as taken.
final class StandInLauncher: GatewayLauncher {
    struct Launch: Sendable, Hashable {
        var bot: String
        var port: Int
        var pid: Int32
        var arguments: [String]
    }

    private struct State {
        var launches: [Launch] = []
        var commands: [String: [String]] = [:]
        var refuse: Set<String> = []
        var holders: [Int: ProcessInfoRecord] = [:]
    }

    private let state = Mutex(State())
    private let system = SystemLauncher()

    /// Every launch so far.
    var launches: [Launch] { state.withLock { $0.launches } }

    /// The launches of `bot`.
    func launches(of bot: String) -> [Launch] { launches.filter { $0.bot == bot } }

    /// Runs `command` for `bot` from now on (nil: `sleep`).
    func setCommand(_ bot: String, _ command: [String]?) { state.withLock { $0.commands[bot] = command } }

    /// Makes spawning `bot` fail from now on.
    func refuseSpawn(_ bot: String) { state.withLock { _ = $0.refuse.insert(bot) } }

    /// Reports `port` as held by `holder`.
    func hold(_ port: Int, by holder: ProcessInfoRecord) { state.withLock { $0.holders[port] = holder } }

    /// The newest launch on `port`.
    func latest(port: Int) -> Launch? { state.withLock { $0.launches.last { $0.port == port } } }

    /// Kills every stand-in still running (test clean-up).
    func killAll() {
        for launch in launches where ProcessTable.isAlive(launch.pid, startTime: nil) {
            kill(launch.pid, SIGKILL)
            _ = GatewayProcess.reap(launch.pid)
        }
    }

    func launch(_ arguments: [String], environment: [String: String], logFile: String) throws(SpawnError) -> LaunchedGateway {
        let config = environment["OPENCLAW_CONFIG_PATH"] ?? ""
        let bot = config.deletingLastPathComponent.lastPathComponent
        let port = Int(environment["OPENCLAW_GATEWAY_PORT"] ?? "") ?? 0
        let (refused, command) = state.withLock { ($0.refuse.contains(bot), $0.commands[bot] ?? ["sleep", "3600"]) }
        if refused { throw SpawnError(message: "gateway command '\(arguments.first ?? "")' not found beside fleet or on PATH") }
        let started = try system.launch(command, environment: environment, logFile: logFile)
        state.withLock { $0.launches.append(Launch(bot: bot, port: port, pid: started.pid, arguments: arguments)) }
        return started
    }

    func exit(of process: LaunchedGateway) -> ExitInfo? { system.exit(of: process) }

    func stop(pid: Int32, startTime: UInt64?, grace: Duration) async -> Bool {
        await system.stop(pid: pid, startTime: startTime, grace: grace)
    }

    func stopTree(_ targets: [ProcessInfoRecord], grace: Duration,
                  rescan: @escaping @Sendable () -> [ProcessInfoRecord]) async -> Bool {
        await system.stopTree(targets, grace: grace, rescan: rescan)
    }

    func botTree(root: String, name: String, leader: ProcessInfoRecord?) -> [ProcessInfoRecord] {
        system.botTree(root: root, name: name, leader: leader)
    }

    func portHolder(_ port: Int, host: String) -> ProcessInfoRecord? { state.withLock { $0.holders[port] } }
}

/// Answers for the stand-ins: a port is live while the stand-in launched on it runs, unless the
/// test marks that process unhealthy (alive but not answering `/healthz`; its successor answers).
final class StandInProber: GatewayProber {
    let launcher: StandInLauncher
    private let unhealthy = Mutex(Set<Int32>())
    private let muted = Mutex(Set<String>())
    private let probes = Mutex(0)
    private let watcher = Mutex<(@Sendable (Int) -> Void)?>(nil)

    init(_ launcher: StandInLauncher) { self.launcher = launcher }

    /// Probes made so far.
    var count: Int { probes.withLock { $0 } }

    /// No process of `bot` ever answers.
    func mute(_ bot: String) { muted.withLock { _ = $0.insert(bot) } }

    /// `bot`'s current process stops (or starts again) answering.
    func setHealthy(_ bot: String, _ healthy: Bool) {
        guard let pid = launcher.launches(of: bot).last?.pid else { return }
        unhealthy.withLock { if healthy { $0.remove(pid) } else { $0.insert(pid) } }
    }

    /// Calls `body` with the port of every probe from now on.
    func onProbe(_ body: @escaping @Sendable (Int) -> Void) { watcher.withLock { $0 = body } }

    func probe(host: String, port: Int, timeout: Duration, readiness: Bool) async -> GatewayHealth {
        probes.withLock { $0 += 1 }
        watcher.withLock { $0 }?(port)
        guard let launch = launcher.latest(port: port), ProcessTable.isAlive(launch.pid, startTime: nil),
              !unhealthy.withLock({ $0.contains(launch.pid) }), !muted.withLock({ $0.contains(launch.bot) }) else {
            return GatewayHealth(live: false, ready: nil, failing: [])
        }
        return GatewayHealth(live: true, ready: readiness ? true : nil, failing: [])
    }
}

/// One bot rendered for a state root, as the planner and the applier take it.
func desiredBot(_ name: String, root: String, port: Int, spec: String = "") throws -> DesiredBot {
    let set = loadText(validBot(name, spec: spec), path: "fleet/bots/\(name).yaml")
    let renderer = Renderer(fleet: set.fleet, stateRoot: root, commit: "abc1234", fingerprinter: Fingerprinter(key: Array("k".utf8)))
    let rendered = try renderer.render(set.bots[0], port: port)
    return DesiredBot(name: name, enabled: true, suspended: false, rendered: rendered, manifest: "fleet/bots/\(name).yaml")
}
