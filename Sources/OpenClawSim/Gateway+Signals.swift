import Glibc

extension Gateway {
    func handleSignal(_ sig: Int32) {
        let name = SignalNames.name(sig)
        switch sig {
        case SIGTERM where env.ignoreSigterm:
            logger.warn("gateway", "signal \(name) received; ignoring it (OPENCLAW_SIM_IGNORE_SIGTERM=1)")
        case SIGTERM, SIGINT:
            logger.info("gateway", "signal \(name) received; shutting down")
            shutdown(code: 0)
        case SIGUSR1:
            logger.info("gateway", "signal \(name) received; restarting in-process")
            server?.shutdown()
            server = nil
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            logger.error("gateway", "in-process restart failed: \(FileSystem.describe(errno: errno))")
            shutdown(code: 1)
        default:
            break
        }
    }
}
