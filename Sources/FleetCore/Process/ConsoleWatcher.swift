import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Tells a start when its gateway writes to its console, so that `/healthz` is asked when the
/// gateway has said something rather than on a timer alone.
///
/// A starting gateway says when it listens: OpenClaw's gateway logs to stdout (its
/// `docs/gateway/index.md`, "Logs to stdout") and logs `http server listening (...)` once its HTTP
/// server listens (the start-up lines quoted in openclaw/openclaw#148529); fleet sends a
/// gateway's stdout and stderr to the bot's console log. A write to that file wakes the start,
/// which probes at once: the start is seen within a probe of the gateway listening, with a few
/// probes per start instead of one every 100 ms (a start of 200 Node-like gateways polled each
/// some 25 times, most of fleet's CPU during it).
///
/// One inotify instance serves every start: a user has 128 by default
/// (`/proc/sys/fs/inotify/max_user_instances`) and each Node gateway's config watch holds one, so
/// it is made once, before the gateways. Each console log is a watch (`IN_MODIFY`) on it. The
/// waits sit on ``SocketWaiter``'s poll thread with the probes' sockets; a waiter that wakes reads
/// every pending event and keeps the others' for them.
public final class ConsoleWatcher: Sendable {
    /// The watcher of every start in this process.
    public static let shared = ConsoleWatcher()

    private struct State {
        /// Watches whose file was written since their last wait.
        var written: Set<Int32> = []
        /// Open watches (a descriptor per file; the same file twice shares it).
        var watching: [Int32: Int] = [:]
    }

    /// The inotify descriptor; -1 when the host gave none (every start then polls on its timer).
    private let fd: Int32
    private let state = Mutex(State())

    init() {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Whether starts can be woken by their console (the inotify instance exists).
    public var available: Bool { fd >= 0 }

    /// Watches the console log at `path` (it must exist); nil when it cannot be watched (no inotify
    /// instance, the user's watches used up, the file gone).
    public func watch(_ path: String) -> ConsoleWatch? {
        guard fd >= 0 else { return nil }
        let wd = inotify_add_watch(fd, path, UInt32(IN_MODIFY))
        guard wd >= 0 else { return nil }
        state.withLock { s in
            s.watching[wd, default: 0] += 1
            s.written.remove(wd)
        }
        return ConsoleWatch(watcher: self, descriptor: wd)
    }

    /// Suspends until the file of `wd` is written (true), or `timeout` passes or the task is
    /// cancelled (false, unless it was written meanwhile). Never holds a cooperative thread.
    ///
    /// Every waiter polls the one descriptor, and the first to wake reads every event, keeping
    /// the others' in `written`: a waiter woken with them finds its own there. One that looked
    /// just before another read its event, and then polls a descriptor read empty, sleeps until
    /// its timeout (a start's next timed probe, at most 250 ms later): a late probe, never a lost
    /// start.
    func wait(_ wd: Int32, upTo timeout: Duration) async -> Bool {
        let deadline = Deadline(timeout)
        while true {
            if takeWritten(wd) { return true }
            switch await SocketWaiter.shared.wait(fd, for: Int16(POLLIN), until: deadline) {
            case .ready: continue
            case .timedOut, .cancelled: return takeWritten(wd)
            }
        }
    }

    /// Reads the events pending; whether `wd`'s file was written since its last wait.
    private func takeWritten(_ wd: Int32) -> Bool {
        state.withLock { s in
            drain(into: &s)
            return s.written.remove(wd) != nil
        }
    }

    /// Reads every pending event (non-blocking) into `s.written`.
    private func drain(into s: inout State) {
        let header = MemoryLayout<inotify_event>.size
        var buffer = [UInt8](repeating: 0, count: 64 * header)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }  // EAGAIN: nothing more
            var offset = 0
            while offset + header <= n {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw in
                    (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                     raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                offset += header + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    // Events were lost: any file may have been written.
                    s.written.formUnion(s.watching.keys)
                } else if mask & UInt32(IN_MODIFY) != 0, s.watching[wd] != nil {
                    s.written.insert(wd)
                }
            }
        }
    }

    fileprivate func unwatch(_ wd: Int32) {
        let last = state.withLock { s -> Bool in
            let count = (s.watching[wd] ?? 1) - 1
            s.watching[wd] = count > 0 ? count : nil
            if count <= 0 { s.written.remove(wd) }
            return count <= 0
        }
        // EINVAL when the kernel dropped the watch already (the file was deleted): nothing to do.
        if last { _ = inotify_rm_watch(fd, wd) }
    }
}

/// One console log watched for a start; the watch ends with this object.
public final class ConsoleWatch: Sendable {
    private let watcher: ConsoleWatcher
    private let descriptor: Int32

    fileprivate init(watcher: ConsoleWatcher, descriptor: Int32) {
        self.watcher = watcher
        self.descriptor = descriptor
    }

    deinit { watcher.unwatch(descriptor) }

    /// Suspends until the file is written (true) or `timeout` passes (false). A write since the
    /// last wait returns at once.
    public func wait(upTo timeout: Duration) async -> Bool {
        await watcher.wait(descriptor, upTo: timeout)
    }
}
