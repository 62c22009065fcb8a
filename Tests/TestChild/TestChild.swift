import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A long-running child of a test (a daemon, a gateway, a console, a blocker), over
/// `posix_spawn` and `waitpid` on its own pid, never `Foundation.Process`: under a full suite
/// Foundation's `waitUntilExit()` now and then never returned for a child that had exited (its
/// zombie stayed unreaped and the test hung).
///
/// The child is reaped exactly once, whoever asks: waiters block in `waitid(…, WNOWAIT)`, which
/// only watches for the exit, and the one reap (`waitpid(pid, WNOHANG)`) happens under a lock
/// that also records the status, so two waiters, or a waiter and ``isRunning``, never both reap
/// (the loser would get ECHILD and no status). A child nobody waited for is reaped on a thread of
/// its own when this object goes away.
public final class TestChild: Sendable {
    /// What the child reads.
    public enum Input: Sendable {
        /// /dev/null.
        case null
        /// A file, read from its start.
        case file(String)
        /// A pipe the test writes with ``writeStdin(_:)`` and closes with ``closeStdin()``.
        case pipe
    }

    /// Where the child's stdout or stderr goes.
    public enum Output: Sendable {
        /// /dev/null.
        case null
        /// A file, appended to (created when missing).
        case file(String)
        /// A pipe read on a thread of its own: ``stdout`` and ``stderr`` give what came so far.
        case capture
        /// The test process's own descriptor.
        case inherit
        /// (stderr only) wherever stdout goes, sharing its file offset.
        case stdout
    }

    /// How the child ended.
    public enum Termination: Equatable, Sendable {
        /// It exited with this status.
        case exit(Int32)
        /// A signal of this number killed it.
        case signal(Int32)

        /// The exit status, or 128 + the signal as a shell reports it.
        public var status: Int32 {
            switch self {
            case .exit(let code): code
            case .signal(let number): 128 + number
            }
        }
    }

    /// The child's pid.
    public let pid: pid_t
    /// nil until the child is reaped.
    private let ended = Mutex<Termination?>(nil)
    private let input: Mutex<Int32>
    private let capturedOut: OutputCapture?
    private let capturedErr: OutputCapture?

    /// Starts `path` with `args` (argv[0] is `path`).
    ///
    /// - Parameters:
    ///   - env: the whole environment when given (nil inherits the test's).
    ///   - cwd: the working directory (nil inherits).
    public init(
        _ path: String, _ args: [String] = [], env: [String: String]? = nil, cwd: String? = nil,
        stdin: Input = .null, stdout: Output = .null, stderr: Output = .null
    ) throws {
        // The parent's ends of the pipes; the child's ends are closed once it is started.
        var parentEnds: [Int32] = [], childEnds: [Int32] = []
        func descriptor(_ output: Output) throws -> ChildSpawn.Descriptor {
            switch output {
            case .null: return .open("/dev/null", flags: O_WRONLY)
            case .file(let file): return .open(file, flags: O_WRONLY | O_CREAT | O_APPEND)
            case .inherit: return .inherit
            case .stdout: return .duplicate(1)
            case .capture:
                let pipe = try ChildSpawn.pipe(for: path)
                parentEnds.append(pipe.read)
                childEnds.append(pipe.write)
                return .duplicate(pipe.write)
            }
        }
        var stdinWriter: Int32 = -1
        do {
            let inDescriptor: ChildSpawn.Descriptor
            switch stdin {
            case .null: inDescriptor = .open("/dev/null", flags: O_RDONLY)
            case .file(let file): inDescriptor = .open(file, flags: O_RDONLY)
            case .pipe:
                let pipe = try ChildSpawn.pipe(for: path)
                stdinWriter = pipe.write
                parentEnds.append(pipe.write)
                childEnds.append(pipe.read)
                inDescriptor = .duplicate(pipe.read)
            }
            let outDescriptor = try descriptor(stdout)
            let errDescriptor: ChildSpawn.Descriptor
            if case .stdout = stderr { errDescriptor = .duplicate(1) } else { errDescriptor = try descriptor(stderr) }
            pid = try ChildSpawn.spawn(path, args, env: env, cwd: cwd, stdin: inDescriptor, stdout: outDescriptor, stderr: errDescriptor)
        } catch {
            for fd in parentEnds + childEnds { close(fd) }
            throw error
        }
        for fd in childEnds { close(fd) }
        // The capture pipes' read ends, in the order they were made (stdout's first).
        var readEnds = parentEnds.filter { $0 != stdinWriter }
        capturedOut = if case .capture = stdout { OutputCapture(fd: readEnds.removeFirst()) } else { nil }
        capturedErr = if case .capture = stderr { OutputCapture(fd: readEnds.removeFirst()) } else { nil }
        input = Mutex(stdinWriter)
    }

    deinit {
        let stdinWriter = input.withLock { $0 }
        if stdinWriter >= 0 { close(stdinWriter) }
        // Nobody else can wait for it any more: reap it whenever it exits, off every test's thread.
        if ended.withLock({ $0 }) == nil {
            let pid = pid
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
        }
    }

    /// Whether the child has not exited yet (it is reaped here when it has).
    public var isRunning: Bool { reapIfExited() == nil }

    /// How the child ended; nil while it runs (or has exited and nobody looked yet: use
    /// ``isRunning``, ``waitForExit()`` or ``exited()`` first).
    public var termination: Termination? { ended.withLock { $0 } }

    /// The exit status (128 + signal when a signal killed it; -1 when something outside this
    /// object reaped it and the status is lost); nil until it was reaped.
    public var exitStatus: Int32? { termination?.status }

    /// Sends `sig`, unless the child was reaped already (its pid may belong to another process by
    /// then). Returns whether it was sent.
    @discardableResult
    public func signal(_ sig: Int32) -> Bool {
        // Under the lock: no reap can happen between the check and the signal.
        ended.withLock { ended in ended == nil && sendSignal(pid, sig) == 0 }
    }

    /// SIGTERM.
    @discardableResult public func terminate() -> Bool { signal(SIGTERM) }
    /// SIGINT.
    @discardableResult public func interrupt() -> Bool { signal(SIGINT) }
    /// SIGKILL.
    @discardableResult public func kill() -> Bool { signal(SIGKILL) }

    /// Blocks until the child exits; returns its status (128 + signal when a signal killed it).
    @discardableResult
    public func waitForExit() -> Int32 {
        while true {
            if let done = reapIfExited() { return done.status }
            // Watch for the exit without reaping (any number of threads may wait here at once).
            var info = siginfo_t()
            let rc = waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT)
            if rc < 0 && errno == EINTR { continue }
            // It exited (or another waiter reaped it meanwhile): the reap answers.
            if let done = reapIfExited() { return done.status }
            if rc < 0 { return lost().status }
        }
    }

    /// ``waitForExit()`` on a thread of its own: never holds a thread of Swift's cooperative pool.
    @discardableResult
    public func exited() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let thread = Thread { continuation.resume(returning: self.waitForExit()) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// What the child wrote to stdout so far (``Output/capture`` only; "" otherwise).
    public var stdout: String { capturedOut?.text ?? "" }
    /// What the child wrote to stderr so far (``Output/capture`` only; "" otherwise).
    public var stderr: String { capturedErr?.text ?? "" }
    /// Whether the captured stdout reached its end (the child and everything it started closed it).
    public var stdoutFinished: Bool { capturedOut?.isFinished ?? true }

    /// Writes `bytes` to the child's stdin (``Input/pipe`` only); throws when the pipe is closed
    /// or the child stopped reading (EPIPE).
    public func writeStdin(_ bytes: [UInt8]) throws {
        try input.withLock { fd in
            guard fd >= 0 else { throw StdinClosed(code: EBADF) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StdinClosed(code: errno)
                }
                offset += written
            }
        }
    }

    /// Closes the child's stdin (``Input/pipe`` only): it reads end of file.
    public func closeStdin() {
        input.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// The child's stdin could not be written.
    public struct StdinClosed: Error, CustomStringConvertible {
        /// The errno.
        public let code: Int32
        public var description: String { "cannot write the child's stdin: \(String(cString: strerror(code)))" }
    }

    /// The termination, reaping the child (exactly once, under the lock) when it has exited.
    private func reapIfExited() -> Termination? {
        ended.withLock { ended in
            if let ended { return ended }
            var status: Int32 = 0
            var rc: pid_t
            repeat { rc = waitpid(pid, &status, WNOHANG) } while rc < 0 && errno == EINTR
            if rc == pid {
                ended = ChildSpawn.termination(status)
            } else if rc < 0 && errno == ECHILD {
                // Reaped outside this object (a `waitpid(-1)` elsewhere): the status is gone.
                ended = .exit(-1)
            }
            return ended
        }
    }

    /// `waitid` failed for another reason than an exit: recorded as exit status -1 so every
    /// waiter returns rather than spinning.
    private func lost() -> Termination {
        ended.withLock { ended in
            if let ended { return ended }
            ended = .exit(-1)
            return .exit(-1)
        }
    }
}

/// `kill(2)` (``TestChild``'s own `kill()` hides the name inside the type).
private func sendSignal(_ pid: pid_t, _ sig: Int32) -> Int32 { kill(pid, sig) }
