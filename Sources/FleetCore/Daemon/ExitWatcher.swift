import CFleetSystem
import FoundationEssentials
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
public final class ExitWatcher: @unchecked Sendable {
    private struct Watched {
        var bot: String
        var pid: Int32
        var fd: Int32
    }

    private let lock = Lock()
    private var watched: [String: Watched] = [:]
    private var wake: [Int32] = [-1, -1]
    private var stopped = false
    private let continuation: AsyncStream<ExitEvent>.Continuation
    /// The exits, as they happen.
    public let events: AsyncStream<ExitEvent>

    /// Starts the watcher thread.
    public init() {
        (events, continuation) = AsyncStream.makeStream(of: ExitEvent.self)
        pipe(&wake)
        _ = fcntl(wake[0], F_SETFL, O_NONBLOCK)
        detachThread(name: "fleet-exits") { [weak self] in self?.loop() }
    }

    deinit {
        stop()
    }

    /// Stops the thread and closes every descriptor.
    public func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            for w in watched.values { close(w.fd) }
            watched.removeAll()
        }
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
        continuation.finish()
    }

    /// Watches exactly these processes (bot → pid and start time); others are dropped.
    public func sync(_ processes: [String: (pid: Int32, startTime: UInt64?)]) {
        lock.withLock {
            for (bot, w) in watched where processes[bot]?.pid != w.pid {
                close(w.fd)
                watched[bot] = nil
            }
            for (bot, p) in processes where watched[bot] == nil {
                let fd = fleet_pidfd_open(p.pid)
                guard fd >= 0 else { continue }
                // The pid may have been reused between our look at /proc and the pidfd: check again.
                if let start = p.startTime, ProcessTable.process(p.pid)?.startTime != start {
                    close(fd)
                    continuation.yield(ExitEvent(bot: bot, pid: p.pid, exit: nil))
                    continue
                }
                watched[bot] = Watched(bot: bot, pid: p.pid, fd: fd)
            }
        }
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
    }

    private func loop() {
        while true {
            let snapshot: [Watched]? = lock.withLock { stopped ? nil : Array(watched.values) }
            guard let snapshot else { return }
            var fds = [pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
            fds += snapshot.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let n = poll(&fds, nfds_t(fds.count), 1000)
            if n <= 0 { continue }
            if fds[0].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 64)
                while read(wake[0], &buffer, buffer.count) > 0 {}
            }
            for (i, w) in snapshot.enumerated() where fds[i + 1].revents != 0 {
                let exit = GatewayProcess.reap(w.pid)
                let fire: Bool = lock.withLock {
                    guard let current = watched[w.bot], current.pid == w.pid else { return false }
                    close(current.fd)
                    watched[w.bot] = nil
                    return true
                }
                if fire { continuation.yield(ExitEvent(bot: w.bot, pid: w.pid, exit: exit)) }
            }
        }
    }
}
