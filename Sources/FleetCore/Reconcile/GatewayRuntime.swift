import FoundationEssentials

/// A gateway process as started: its pid and start time (its identity in `/proc`).
public struct LaunchedGateway: Sendable, Hashable {
    /// The pid.
    public var pid: Int32
    /// Start time in clock ticks after boot (0 when it could not be read).
    public var startTime: UInt64

    /// Creates a record.
    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }
}

/// Starts, watches and stops gateway processes: the applier's seam to the host's processes.
public protocol GatewayLauncher: Sendable {
    /// Spawns `arguments` detached with exactly `environment`, output appended to `logFile`.
    func launch(_ arguments: [String], environment: [String: String], logFile: String) throws(SpawnError) -> LaunchedGateway
    /// How the process ended, once it has (reaped when it is our child); nil while it runs.
    func exit(of process: LaunchedGateway) -> ExitInfo?
    /// Stops `pid` (checked against `startTime`): SIGTERM, up to `grace`, then SIGKILL. True when
    /// it had to use SIGKILL.
    func stop(pid: Int32, startTime: UInt64?, grace: Duration) async -> Bool
    /// Ends `targets` and whatever `rescan` still finds of them (a gateway's session: a
    /// re-launched child, exec commands, a browser): SIGTERM, up to `grace`, then SIGKILL. True
    /// when it had to use SIGKILL.
    @discardableResult
    func stopTree(_ targets: [ProcessInfoRecord], grace: Duration,
                  rescan: @escaping @Sendable () -> [ProcessInfoRecord]) async -> Bool
    /// Every process of bot `name` under `root`: `leader`'s session and descendants, and any
    /// process whose environment names the bot's config (an earlier session's leftovers).
    func botTree(root: String, name: String, leader: ProcessInfoRecord?) -> [ProcessInfoRecord]
    /// The program holding TCP `port` on `host` (the address the gateway listens on), or nil
    /// when the port is free (pid 0: taken, holder unseen).
    func portHolder(_ port: Int, host: String) -> ProcessInfoRecord?
}

/// Asks a gateway whether it is alive (`/healthz`) and ready (`/readyz`): the seam of every probe
/// the applier and the observer make.
public protocol GatewayProber: Sendable {
    /// Probes the gateway on `host:port` (the address it listens on); `readiness: false` asks
    /// `/healthz` only.
    func probe(host: String, port: Int, timeout: Duration, readiness: Bool) async -> GatewayHealth
}

/// Wakes a start when its gateway writes to its console: the applier's seam to ``ConsoleWatcher``.
public protocol GatewayConsoleWatching: Sendable {
    /// Watches the console log at `path`; nil when it cannot be (the start then probes on its
    /// timer alone).
    func watchConsole(_ path: String) -> (any GatewayConsoleWatch)?
}

/// A console log watched for one start; the watch ends with the value.
public protocol GatewayConsoleWatch: Sendable {
    /// Suspends until the file is written (true) or `timeout` passes (false).
    func wait(upTo timeout: Duration) async -> Bool
}

extension ConsoleWatch: GatewayConsoleWatch {}

extension ConsoleWatcher: GatewayConsoleWatching {
    public func watchConsole(_ path: String) -> (any GatewayConsoleWatch)? { watch(path) }
}

/// The host's processes: `posix_spawn`, `/proc`, signals.
public struct SystemLauncher: GatewayLauncher {
    /// Creates the launcher.
    public init() {}

    public func launch(_ arguments: [String], environment: [String: String], logFile: String) throws(SpawnError) -> LaunchedGateway {
        let pid = try GatewayProcess.spawn(arguments, environment: environment, logFile: logFile)
        return LaunchedGateway(pid: pid, startTime: ProcessTable.process(pid)?.startTime ?? 0)
    }

    public func exit(of process: LaunchedGateway) -> ExitInfo? {
        switch GatewayProcess.poll(process.pid) {
        case .exited(let exit): return exit
        case .running: return nil  // our child, not exited: no need to read /proc
        case .notOurChild: break
        }
        let startTime: UInt64? = process.startTime == 0 ? nil : process.startTime
        return ProcessTable.isAlive(process.pid, startTime: startTime) ? nil : ExitInfo(code: nil, signal: nil, at: Date())
    }

    public func stop(pid: Int32, startTime: UInt64?, grace: Duration) async -> Bool {
        await GatewayProcess.stop(pid, startTime: startTime, grace: grace)
    }

    @discardableResult
    public func stopTree(_ targets: [ProcessInfoRecord], grace: Duration,
                         rescan: @escaping @Sendable () -> [ProcessInfoRecord]) async -> Bool {
        await GatewayProcess.stopTree(targets, grace: grace, rescan: rescan)
    }

    public func botTree(root: String, name: String, leader: ProcessInfoRecord?) -> [ProcessInfoRecord] {
        GatewayProcess.botTree(root: root, name: name, leader: leader)
    }

    public func portHolder(_ port: Int, host: String) -> ProcessInfoRecord? {
        ProcessTable.isPortFree(port, host: host) ? nil : (ProcessTable.listener(on: port) ?? ProcessInfoRecord(pid: 0, startTime: 0, state: "?", commandLine: []))
    }
}

/// Probes over loopback HTTP (`GatewayHealth.probe`).
public struct LoopbackProber: GatewayProber {
    /// Creates the prober.
    public init() {}

    public func probe(host: String, port: Int, timeout: Duration, readiness: Bool) async -> GatewayHealth {
        await GatewayHealth.probe(host: host, port: port, timeout: timeout, readiness: readiness)
    }
}

/// Monotonic time for timeouts and pauses, from any clock (a test clock in tests).
public struct TimeSource: Sendable {
    private let elapsedSinceCreation: @Sendable () -> Duration
    private let pause: @Sendable (Duration) async throws -> Void

    /// Time on `clock`, counted from now.
    public init<C: Clock & Sendable>(_ clock: C) where C.Duration == Duration, C.Instant: Sendable {
        let start = clock.now
        elapsedSinceCreation = { start.duration(to: clock.now) }
        pause = { try await clock.sleep(for: $0) }
    }

    /// The time since this source was made.
    public var elapsed: Duration { elapsedSinceCreation() }

    /// Sleeps `duration` on the clock.
    public func sleep(for duration: Duration) async throws { try await pause(duration) }

    /// The system's continuous clock.
    public static var continuous: TimeSource { TimeSource(ContinuousClock()) }
}

/// Everything the applier touches outside its files: processes, probes and time. `system` in
/// fleet; tests inject a launcher, a prober and a manual clock.
public struct GatewayRuntime: Sendable {
    /// Starts and stops processes.
    public var launcher: any GatewayLauncher
    /// Probes gateways.
    public var prober: any GatewayProber
    /// Time for start-up deadlines and the pauses between probes.
    public var time: @Sendable () -> TimeSource
    /// The host's cores, load and memory, for the start pacer.
    public var host: any HostLoad
    /// Wakes a start when its gateway writes to its console (nil: starts probe on a timer).
    public var consoles: (any GatewayConsoleWatching)?

    /// Creates a runtime.
    public init(launcher: any GatewayLauncher, prober: any GatewayProber, time: @escaping @Sendable () -> TimeSource,
                host: any HostLoad = SystemHostLoad(), consoles: (any GatewayConsoleWatching)? = nil) {
        self.launcher = launcher
        self.prober = prober
        self.time = time
        self.host = host
        self.consoles = consoles
    }

    /// The host's processes, loopback probes, the continuous clock and the gateways' consoles.
    public static var system: GatewayRuntime {
        let consoles = ConsoleWatcher.shared
        return GatewayRuntime(launcher: SystemLauncher(), prober: LoopbackProber(), time: { .continuous },
                              consoles: consoles.available ? consoles : nil)
    }
}
