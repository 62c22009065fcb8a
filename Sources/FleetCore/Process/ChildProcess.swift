import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Runs a short-lived helper program (`ssh-keygen`, `gpg`) to completion and captures what it
/// prints: the small piece of `Foundation.Process` fleet needs, over `posix_spawnp` and `poll`.
package enum ChildProcess {
    /// How a run ended and what it printed (standard output and error interleaved).
    package struct Result: Sendable {
        /// The exit code (128 + the signal number when a signal ended it; 127 when it could not start).
        package let status: Int32
        /// Standard output and standard error, in the order written.
        package let output: String
    }

    /// Runs `arguments` (the first found on `PATH`), feeding `input` on standard input. With a
    /// `timeout`, a helper still running then is killed (SIGKILL) and the result is status 124.
    package static func run(_ arguments: [String], input: [UInt8]? = nil, timeout: Duration? = nil) -> Result {
        guard let command = arguments.first else { return Result(status: 127, output: "no command") }
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0 else { return failure(command, errno) }
        guard pipe(&outPipe) == 0 else {
            close(inPipe[0]); close(inPipe[1])
            return failure(command, errno)
        }
        // Not inherited by anything else fleet starts meanwhile (the child gets them as 0, 1, 2).
        for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = SpawnAttributes.with(newSession: false) { posix_spawnp(&pid, command, &actions, &$0, argv, environ) }
        close(inPipe[0])
        close(outPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0])
            return failure(command, rc)
        }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        let (output, timedOut) = exchange(input: input ?? [], writeFD: inPipe[1], readFD: outPipe[0], deadline: deadline)
        if timedOut { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        let code = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return Result(status: timedOut ? 124 : code, output: String(decoding: output, as: UTF8.self))
    }

    /// Writes `input` and reads the output until end of file, both at once (so neither side
    /// blocks on a full pipe), or until `deadline` (then `timedOut`). Closes both descriptors.
    private static func exchange(input: [UInt8], writeFD: Int32, readFD: Int32,
                                 deadline: ContinuousClock.Instant?) -> (output: [UInt8], timedOut: Bool) {
        // A helper that exits without reading its input must not kill fleet with SIGPIPE: the
        // signal is blocked on this thread while it writes (the loop never suspends, so it stays
        // on this thread), and one it raised is taken off the pending set before unblocking.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var now = timespec()
                _ = sigtimedwait(&pipeSignal, nil, &now)
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        var writeFD: Int32 = writeFD
        // Non-blocking, so a write takes what the pipe has room for and the loop goes on reading.
        _ = fcntl(writeFD, F_SETFL, fcntl(writeFD, F_GETFL) | O_NONBLOCK)
        var written = 0
        if input.isEmpty { close(writeFD); writeFD = -1 }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var timedOut = false
        while true {
            var fds = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)]
            if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            var wait: Int32 = -1
            if let deadline {
                let left = deadline - ContinuousClock.now
                if left <= .zero { timedOut = true; break }
                wait = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 { continue }
            if writeFD >= 0, fds.count > 1, fds[1].revents != 0 {
                let n = input[written...].withUnsafeBytes { write(writeFD, $0.baseAddress, $0.count) }
                if n > 0 { written += n }
                if n < 0 && errno != EINTR && errno != EAGAIN || written == input.count {
                    close(writeFD)
                    writeFD = -1
                }
            }
            if fds[0].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if n > 0 { output += buffer[0..<n]; continue }
                if n < 0 && errno == EINTR { continue }
                break
            }
        }
        if writeFD >= 0 { close(writeFD) }
        close(readFD)
        return (output, timedOut)
    }

    private static func failure(_ command: String, _ code: Int32) -> Result {
        Result(status: 127, output: "\(command) cannot be run: \(String(cString: strerror(code)))")
    }
}
