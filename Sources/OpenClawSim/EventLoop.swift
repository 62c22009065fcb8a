import Glibc

/// A single-threaded `poll(2)` loop over file descriptors plus one-shot and repeating timers.
final class EventLoop {
    typealias Handler = (_ revents: Int16) -> Void

    private struct Watch {
        var events: Int16
        var handler: Handler
    }

    private struct Timer {
        var id: Int
        var deadline: Int64
        var interval: Int64?
        var action: () -> Void
    }

    private var watches: [Int32: Watch] = [:]
    private var timers: [Timer] = []
    private var nextTimerId = 1
    private var stopRequested = false

    static let readable = Int16(POLLIN)
    static let writable = Int16(POLLOUT)

    /// Calls `handler` whenever `fd` has any of `events` (errors and hang-ups are always reported).
    func watch(_ fd: Int32, events: Int16, handler: @escaping Handler) {
        watches[fd] = Watch(events: events, handler: handler)
    }

    func setEvents(_ fd: Int32, _ events: Int16) {
        watches[fd]?.events = events
    }

    func unwatch(_ fd: Int32) {
        watches[fd] = nil
    }

    /// Runs `action` after `ms` milliseconds, then every `repeating` milliseconds if given.
    @discardableResult
    func schedule(afterMs ms: Int64, repeating: Int64? = nil, _ action: @escaping () -> Void) -> Int {
        let id = nextTimerId
        nextTimerId += 1
        timers.append(Timer(id: id, deadline: Clock.monotonicMs() + max(0, ms), interval: repeating, action: action))
        return id
    }

    func cancel(_ timerId: Int) {
        timers.removeAll { $0.id == timerId }
    }

    /// Ends ``run()`` (or makes it return at once if called before it).
    func stop() { stopRequested = true }

    /// Runs until ``stop()``.
    func run() {
        var fds: [pollfd] = []
        while !stopRequested {
            let now = Clock.monotonicMs()
            var timeout: Int32 = -1
            if let next = timers.map(\.deadline).min() {
                timeout = Int32(clamping: max(0, next - now))
            }
            fds.removeAll(keepingCapacity: true)
            for (fd, watch) in watches {
                fds.append(pollfd(fd: fd, events: watch.events, revents: 0))
            }
            let count = poll(&fds, nfds_t(fds.count), timeout)
            if count < 0 && errno != EINTR { break }
            if count > 0 {
                for entry in fds where entry.revents != 0 {
                    guard let watch = watches[entry.fd] else { continue }
                    watch.handler(entry.revents)
                    if stopRequested { return }
                }
            }
            fireTimers()
        }
    }

    private func fireTimers() {
        let now = Clock.monotonicMs()
        let due = timers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
        guard !due.isEmpty else { return }
        for timer in due {
            guard let index = timers.firstIndex(where: { $0.id == timer.id }) else { continue }
            if let interval = timer.interval {
                timers[index].deadline = now + max(1, interval)
            } else {
                timers.remove(at: index)
            }
            timer.action()
            if stopRequested { return }
        }
    }
}
