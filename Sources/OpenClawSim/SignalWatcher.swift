import Glibc

/// The write end of the self-pipe, written by the async-signal-safe handler below.
nonisolated(unsafe) private var signalPipeWriteFD: Int32 = -1

/// Turns SIGTERM, SIGINT and SIGUSR1 into readable bytes on a pipe watched by the
/// event loop (the self-pipe trick), so signals are handled on the loop's thread.
final class SignalWatcher {
    let readFD: Int32

    /// The signals OpenClaw's gateway run loop listens for (OpenClaw: src/cli/gateway-cli/run-loop.ts
    /// adds and removes listeners for SIGTERM, SIGINT and SIGUSR1 only). SIGHUP has no listener:
    /// Node resets every disposition to the default at start-up, so SIGHUP ends the gateway.
    static let handled: [Int32] = [SIGTERM, SIGINT, SIGUSR1]

    /// Installs the handlers. Returns `nil` if the pipe cannot be created.
    init?() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        signalPipeWriteFD = fds[1]
        signal(SIGPIPE, SIG_IGN)
        // A parent may have spawned us with these blocked (posix_spawn inherits the mask).
        var set = sigset_t()
        sigemptyset(&set)
        for sig in Self.handled + [SIGHUP, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL] { sigaddset(&set, sig) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
        signal(SIGHUP, SIG_DFL)  // as Node does for every signal it has no listener for
        for sig in Self.handled {
            signal(sig) { number in
                let saved = errno
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteFD, &byte, 1)
                errno = saved
            }
        }
    }

    /// Signals received since the last call.
    func drain() -> [Int32] {
        var out: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n].map { Int32($0) })
        }
        return out
    }
}
