import Glibc

extension Gateway {
    /// `OPENCLAW_SIM_EXEC_CHILD`: starts a long-running child process once listening, as a command
    /// of the exec tool (or a browser) would run under the real gateway: it inherits the gateway's
    /// environment (so `OPENCLAW_CONFIG_PATH` too) and is not stopped with the gateway. `1` keeps it
    /// in the gateway's session; `detached` gives it a session of its own, as a command started
    /// with Node's `detached: true` has.
    func startExecChild() {
        guard let mode = env.execChild else { return }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in SignalWatcher.handled + [SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        // glibc's POSIX_SPAWN_SETSID (0x80), hidden from Swift behind _GNU_SOURCE.
        let setsid: Int32 = mode == "detached" ? 0x80 : 0
        posix_spawnattr_setflags(&attr, Int16(Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | setsid))
        let arguments = ["sleep", "2147483"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = FileSystem.stdioOnlyActions()
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "sleep", &actions, &attr, argv, environ)
        guard rc == 0 else {
            logger.error("exec", "cannot start the exec child: \(FileSystem.describe(errno: rc))")
            return
        }
        logger.info("exec", "started `\(arguments.joined(separator: " "))` (pid \(pid)\(mode == "detached" ? ", own session" : "")) (OPENCLAW_SIM_EXEC_CHILD)")
    }
}
