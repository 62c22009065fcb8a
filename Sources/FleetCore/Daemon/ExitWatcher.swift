import CFleetSystem
import FoundationEssentials
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A gateway exited.
public struct ExitEvent: Sendable, Hashable {
    /// The bot.
    public var bot: String
    /// The pid that exited.
    public var pid: Int32
    /// How it ended, when it was our child (nil for an adopted process).
    public var exit: ExitInfo?
}

/// Learns of gateway exits at once through pidfds (children and adopted processes alike), on
/// one background thread that polls them all.
public final class ExitWatcher: Sendable {
    private struct Watched {
        var bot: String
        var pid: Int32
        var fd: Int32
    }

    /// What the watcher thread and its callers share.
    private struct Shared {
        var watched: [String: Watched] = [:]
        var stopped = false
    }

    private let shared = Mutex(Shared())
    /// The self-pipe that wakes the thread's poll: read end, write end.
    private let wake: (read: Int32, write: Int32)
    private let continuation: AsyncStream<ExitEvent>.Continuation
    /// The exits, as they happen.
    public let events: AsyncStream<ExitEvent>

    /// Starts the watcher thread.
    public init() {
        (events, continuation) = AsyncStream.makeStream(of: ExitEvent.self)
        var fds: [Int32] = [-1, -1]
        pipe(&fds)
        wake = (fds[0], fds[1])
        _ = fcntl(wake.read, F_SETFL, O_NONBLOCK)
        detachThread(name: "fleet-exits") { [weak self] in self?.loop() }
    }

    deinit {
        stop()
    }

    /// Stops the thread and closes every descriptor.
    public func stop() {
        shared.withLock { shared in
            guard !shared.stopped else { return }
            shared.stopped = true
            for w in shared.watched.values { close(w.fd) }
            shared.watched.removeAll()
        }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        continuation.finish()
    }

    /// Watches exactly these processes (bot → pid and start time); others are dropped.
    public func sync(_ processes: [String: (pid: Int32, startTime: UInt64?)]) {
        shared.withLock { shared in
            for (bot, w) in shared.watched where processes[bot]?.pid != w.pid {
                close(w.fd)
                shared.watched[bot] = nil
            }
            for (bot, p) in processes where shared.watched[bot] == nil {
                let fd = fleet_pidfd_open(p.pid)
                guard fd >= 0 else { continue }
                // The pid may have been reused between our look at /proc and the pidfd: check again.
                if let start = p.startTime, ProcessTable.process(p.pid)?.startTime != start {
                    close(fd)
                    continuation.yield(ExitEvent(bot: bot, pid: p.pid, exit: nil))
                    continue
                }
                shared.watched[bot] = Watched(bot: bot, pid: p.pid, fd: fd)
            }
        }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private func loop() {
        while true {
            let snapshot: [Watched]? = shared.withLock { $0.stopped ? nil : Array($0.watched.values) }
            guard let snapshot else { return }
            var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            fds += snapshot.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            // No timeout: an exit, a sync and a stop each wake the poll (an idle daemon makes no
            // system call until something happens).
            let n = poll(&fds, nfds_t(fds.count), -1)
            if n <= 0 { continue }
            if fds[0].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 64)
                while read(wake.read, &buffer, buffer.count) > 0 {}
            }
            for (i, w) in snapshot.enumerated() where fds[i + 1].revents != 0 {
                let exit = GatewayProcess.reap(w.pid)
                let fire: Bool = shared.withLock { shared in
                    guard let current = shared.watched[w.bot], current.pid == w.pid else { return false }
                    close(current.fd)
                    shared.watched[w.bot] = nil
                    return true
                }
                if fire { continuation.yield(ExitEvent(bot: w.bot, pid: w.pid, exit: exit)) }
            }
        }
    }
}
