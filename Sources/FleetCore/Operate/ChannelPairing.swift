import CFleetSystem
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Pairing a channel that logs in interactively (WhatsApp): the gateway's own `channels login`
/// with the bot's config and state directory, so the credentials land where its gateway reads
/// them. `fleet login` runs it on the terminal; the web console streams its output (the QR code
/// or pairing code) to the page. Newer OpenClaw releases log in differently: this is the one
/// place that knows how.
public enum ChannelPairing {
    /// `<gateway executable> channels login --channel C --account A`, from the gateway command
    /// (the words before `gateway`, else its first word).
    public static func command(gateway: [String], channel: String, account: String) -> [String] {
        let prefix: [String]
        if let index = gateway.lastIndex(of: "gateway"), index > 0 {
            prefix = Array(gateway[..<index])
        } else {
            prefix = Array(gateway.prefix(1))
        }
        return (prefix.isEmpty ? ["openclaw"] : prefix) + ["channels", "login", "--channel", channel, "--account", account]
    }

    /// The environment of the pairing: the bot's launch environment, its config and its state
    /// directory, and the running gateway's port and token: the login command of OpenClaw 2026.8+
    /// asks the running gateway to start the account over authenticated RPC (OpenClaw:
    /// reconcileGatewayRuntimeAfterLocalLogin calls `channels.start` with the gateway token).
    public static func environment(_ paths: BotPaths, launch: [String: String], port: Int?) -> [String: String] {
        var environment = launch
        environment["OPENCLAW_CONFIG_PATH"] = paths.config
        environment["OPENCLAW_STATE_DIR"] = paths.state
        if let port { environment["OPENCLAW_GATEWAY_PORT"] = String(port) }
        if let token = HostFiles.read(paths.gatewayToken) {
            environment["OPENCLAW_GATEWAY_TOKEN"] = String(decoding: token, as: UTF8.self).trimmed
        }
        return environment
    }

    /// Runs the pairing of `paths`' bot to its end (or `timeout`, then SIGTERM), handing each line
    /// it prints to `line` as it comes; returns its exit code (124 on timeout, 127 when it cannot
    /// start). Blocking: call it off the cooperative pool.
    public static func run(_ paths: BotPaths, gateway: [String], channel: String, account: String,
                           launch: [String: String], port: Int?, timeout: Duration, line: (String) -> Void) -> Int32 {
        let arguments = command(gateway: gateway, channel: channel, account: account)
        guard let executable = GatewayProcess.resolveExecutable(arguments[0]) else {
            line("\(arguments[0]) not found beside fleet or on PATH")
            return 127
        }
        var base = ProcessInfo.processInfo.environment
        for (k, v) in environment(paths, launch: launch, port: port) { base[k] = v }
        let envp = base.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let argv = ([executable] + arguments.dropFirst()).map { strdup($0) } + [nil]
        defer { (envp + argv).forEach { free($0) } }
        var out: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { return 127 }
        _ = fcntl(out[0], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, out[1], 2)
        fleet_spawn_addclosefrom(&actions, 3)
        var pid: pid_t = 0
        let rc = SpawnAttributes.with(newSession: true) { posix_spawn(&pid, executable, &actions, &$0, argv, envp) }
        close(out[1])
        guard rc == 0 else {
            close(out[0])
            line("\(executable) cannot be run: \(String(cString: strerror(rc)))")
            return 127
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        var timedOut = false
        while true {
            let left = deadline - clock.now
            guard left > .zero else {
                timedOut = true
                kill(pid, SIGTERM)
                break
            }
            var fds = [pollfd(fd: out[0], events: Int16(POLLIN), revents: 0)]
            let ms = Int32(min(left.components.seconds * 1000 + 1, 1000))
            let ready = poll(&fds, 1, ms)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { read(out[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            pending += buffer[0..<n]
            while let newline = pending.firstIndex(of: 0x0A) {
                line(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
        close(out[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if timedOut { return 124 }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
