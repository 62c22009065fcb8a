import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One thread that waits with `poll(2)` for the sockets of many async tasks at once, so that
/// socket I/O in async code never holds a thread of the cooperative pool while it waits.
///
/// A task does its non-blocking `connect`/`send`/`recv` itself and, when the kernel says
/// `EAGAIN`/`EINPROGRESS`, suspends in ``wait(_:for:until:)`` until the socket is ready, the
/// deadline passes or the task is cancelled. Every waiting socket sits in one `poll` call:
/// 32 hung gateways cost one sleeping thread, not 32 blocked ones (swift-subprocess waits for its
/// pipes the same way, on one epoll thread: `Sources/Subprocess/IO/AsyncIO+Linux.swift`).
final class SocketWaiter: Sendable {
    /// The waiter fleet's probes share.
    static let shared = SocketWaiter()

    /// Why a wait ended.
    enum Outcome: Sendable, Equatable {
        /// The socket is ready for what was asked (or has an error or hang-up to read).
        case ready
        /// The deadline passed first.
        case timedOut
        /// The waiting task was cancelled.
        case cancelled
    }

    private struct Entry {
        var fd: Int32
        var events: Int16
        var deadline: Deadline
        var continuation: CheckedContinuation<Outcome, Never>
    }

    private enum Slot {
        /// Announced, not yet registered (the continuation is being made).
        case announced
        /// Cancelled before it was registered.
        case cancelled
        case waiting(Entry)
    }

    private struct State {
        var slots: [UInt64: Slot] = [:]
        var nextId: UInt64 = 1
        /// The most sockets waited on at once.
        var peak = 0
        var thread: Bool = false
    }

    private let state = Mutex(State())
    /// A pipe whose read end is in every `poll`: a byte written wakes the thread to look at
    /// new waits.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            }
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    /// How many sockets are being waited on now, and the most at once so far.
    var load: (waiting: Int, peak: Int) {
        state.withLock { s in
            (s.slots.values.filter { if case .waiting = $0 { return true } else { return false } }.count, s.peak)
        }
    }

    /// Suspends until `fd` is ready for `events` (`POLLIN`, `POLLOUT`), `deadline` passes, or
    /// the task is cancelled.
    func wait(_ fd: Int32, for events: Int16, until deadline: Deadline) async -> Outcome {
        if Task.isCancelled { return .cancelled }
        if deadline.passed { return .timedOut }
        guard wakeRead >= 0, startThread() else { return Self.waitHere(fd, events, deadline) }
        let id = state.withLock { s in
            defer { s.nextId += 1 }
            s.slots[s.nextId] = .announced
            return s.nextId
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let registered = state.withLock { s -> Bool in
                    guard case .announced = s.slots[id] else {
                        s.slots[id] = nil
                        return false
                    }
                    s.slots[id] = .waiting(Entry(fd: fd, events: events, deadline: deadline, continuation: continuation))
                    let waiting = s.slots.values.reduce(0) { n, slot in if case .waiting = slot { return n + 1 } else { return n } }
                    s.peak = max(s.peak, waiting)
                    return true
                }
                if registered { wake() } else { continuation.resume(returning: .cancelled) }
            }
        } onCancel: {
            let entry = state.withLock { s -> Entry? in
                switch s.slots[id] {
                case .announced:
                    s.slots[id] = .cancelled
                    return nil
                case .waiting(let entry):
                    s.slots[id] = nil
                    return entry
                case .cancelled, nil:
                    return nil
                }
            }
            guard let entry else { return }
            entry.continuation.resume(returning: .cancelled)
            // The thread's `poll` still holds the socket (its caller closes it next) and that
            // wait's deadline: woken, it polls without it.
            wake()
        }
    }

    /// Starts the polling thread once; false when no thread could be made.
    private func startThread() -> Bool {
        let start = state.withLock { s -> Bool in
            defer { s.thread = true }
            return !s.thread
        }
        guard start else { return true }
        let started = detachThread(name: "fleet-sockets") { [self] in run() }
        if !started { state.withLock { $0.thread = false } }
        return started
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)  // a full pipe already holds a wake-up
    }

    /// The polling thread: one `poll` over the wake pipe and every waiting socket, then the
    /// ready and the expired are resumed (outside the lock).
    private func run() {
        var drain = [UInt8](repeating: 0, count: 64)
        while true {
            let snapshot = state.withLock { s in
                s.slots.compactMap { id, slot -> (UInt64, Int32, Int16, Deadline)? in
                    guard case .waiting(let e) = slot else { return nil }
                    return (id, e.fd, e.events, e.deadline)
                }
            }
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            fds += snapshot.map { pollfd(fd: $0.1, events: $0.2, revents: 0) }
            let timeout = snapshot.map(\.3.remainingMs).min() ?? -1
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 && errno != EINTR { usleep(1_000) }
            if fds[0].revents != 0 {
                while drain.withUnsafeMutableBytes({ Glibc.read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
            }
            var done: [(CheckedContinuation<Outcome, Never>, Outcome)] = []
            state.withLock { s in
                for (i, (id, _, _, deadline)) in snapshot.enumerated() {
                    guard case .waiting(let entry) = s.slots[id] else { continue }
                    let outcome: Outcome
                    if fds[i + 1].revents != 0 {
                        outcome = .ready
                    } else if deadline.passed {
                        outcome = .timedOut
                    } else {
                        continue
                    }
                    s.slots[id] = nil
                    done.append((entry.continuation, outcome))
                }
            }
            for (continuation, outcome) in done { continuation.resume(returning: outcome) }
        }
    }

    /// Without the thread (no pipe, no thread): wait on the caller's thread, still bounded.
    private static func waitHere(_ fd: Int32, _ events: Int16, _ deadline: Deadline) -> Outcome {
        while true {
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let n = poll(&entry, 1, deadline.remainingMs)
            if n > 0 { return .ready }
            if n == 0 { return .timedOut }
            if errno != EINTR { return .ready }
        }
    }
}
