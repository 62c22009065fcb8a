import CFleetSystem
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The pid record fleet writes beside each bot (`gateway.pid`): pid, start time, bot, port.
public struct PidRecord: Sendable, Codable, Hashable {
    /// The pid.
    public var pid: Int32
    /// Start time in clock ticks after boot.
    public var startTime: UInt64
    /// The bot.
    public var bot: String
    /// The port.
    public var port: Int
    /// When fleet started it.
    public var startedAt: Date
}

/// A failure to start a gateway process.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    public var description: String { message }
}

/// Starts and stops gateway processes.
public enum GatewayProcess {
    /// Finds `command` beside the running fleet binary first, then on PATH.
    public static func resolveExecutable(_ command: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if command.contains("/") { return access(command, X_OK) == 0 ? command : nil }
        var dirs: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            dirs.append(exe.deletingLastPathComponent)
        }
        dirs += (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for dir in dirs where access("\(dir)/\(command)", X_OK) == 0 { return "\(dir)/\(command)" }
        return nil
    }

    /// Spawns `arguments` detached in its own session (it outlives fleet), stdin from /dev/null,
    /// stdout and stderr appended to `logFile`, with exactly `environment`.
    public static func spawn(_ arguments: [String], environment: [String: String], logFile: String) throws(SpawnError) -> Int32 {
        guard let command = arguments.first else { throw SpawnError(message: "empty gateway command") }
        guard let executable = resolveExecutable(command) else {
            throw SpawnError(message: "gateway command '\(command)' not found beside fleet or on PATH")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours leaks into the gateway (pipes of whoever ran fleet, locks, sockets).
        fleet_spawn_addclosefrom(&actions, 3)
        let argv = ([executable] + arguments.dropFirst()).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = SpawnAttributes.with(newSession: true) { posix_spawn(&pid, executable, &actions, &$0, argv, envp) }
        guard rc == 0 else {
            throw SpawnError(message: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// What `waitpid(WNOHANG)` says of a pid.
    public enum ChildStatus: Sendable, Equatable {
        /// Our child, exited (now reaped).
        case exited(ExitInfo)
        /// Our child, still running.
        case running
        /// Not (or no longer) a child of ours: reaped elsewhere, or started by another fleet.
        case notOurChild
    }

    /// Reaps `pid` if it is our child and has exited, and says whether it is.
    public static func poll(_ pid: Int32) -> ChildStatus {
        guard pid > 0 else { return .notOurChild }
        var status: Int32 = 0
        switch waitpid(pid, &status, WNOHANG) {
        case pid: return .exited(exitInfo(status))
        case 0: return .running
        default: return .notOurChild
        }
    }

    /// Reaps `pid` if it is our child and has exited; returns how it ended.
    public static func reap(_ pid: Int32) -> ExitInfo? {
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return nil }
        return exitInfo(status)
    }

    /// Decodes a wait status.
    public static func exitInfo(_ status: Int32) -> ExitInfo {
        let signal = status & 0x7F
        if signal == 0 { return ExitInfo(code: (status >> 8) & 0xFF, signal: nil, at: Date()) }
        return ExitInfo(code: nil, signal: signalName(signal), at: Date())
    }

    /// `SIGKILL` for 9, and so on.
    public static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
            SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE",
            SIGTERM: "SIGTERM", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
        ]
        return names[signal] ?? "signal \(signal)"
    }

    /// Stops `pid` (checked against `startTime`): SIGTERM, up to `grace`, then SIGKILL.
    /// Returns true when it had to use SIGKILL.
    @discardableResult
    public static func stop(_ pid: Int32, startTime: UInt64?, grace: Duration) async -> Bool {
        guard ProcessTable.isAlive(pid, startTime: startTime) else {
            _ = reap(pid)
            return false
        }
        kill(pid, SIGTERM)
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while clock.now < deadline {
            _ = reap(pid)
            if !ProcessTable.isAlive(pid, startTime: startTime) { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(pid, SIGKILL)
        for _ in 0..<250 {
            _ = reap(pid)
            if !ProcessTable.isAlive(pid, startTime: startTime) { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
