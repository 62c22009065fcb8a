import Glibc

/// Tells the gateway when its config file was written, as OpenClaw's watcher does: no polling
/// while nothing happens.
///
/// OpenClaw watches the config with chokidar (`src/gateway/config-reload.ts`:
/// `chokidar.watch(watchPath, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 200,
/// pollInterval: 50 }, usePolling: Boolean(process.env.VITEST) })`). On Linux chokidar sits on
/// `fs.watch`, i.e. inotify: an idle gateway makes no system call for its config. A write starts
/// chokidar's `awaitWriteFinish`: the file is `stat`ed every 50 ms and the `change` event is
/// emitted once its size has not changed for 200 ms; an `unlink` is emitted at once. Then the
/// reloader's debounce (`gateway.reload.debounceMs`) runs.
///
/// The stand-in watches the file's directory (an atomic rename replaces the file's inode; a
/// watch on the directory sees it as `IN_MOVED_TO` of the name) and filters on the name.
final class ConfigWatcher {
    /// What happened to the watched name.
    enum Event: Equatable {
        /// Written, created or renamed into place.
        case written
        /// Removed or renamed away.
        case removed
    }

    /// The inotify descriptor, for the event loop.
    let fd: Int32
    private let name: [UInt8]

    /// Why a watch could not be made.
    enum Failure: Error, Equatable {
        /// The directory does not exist (yet).
        case missing
        /// The host refused the watch (`errno`): no inotify instance left for the user (EMFILE,
        /// `fs.inotify.max_user_instances`), no file table entry (ENFILE), no watch left (ENOSPC,
        /// `fs.inotify.max_user_watches`), no memory.
        case refused(Int32)

        /// Node's text for the error `fs.watch` throws (`<CODE>: <libuv's message>, watch '<path>'`;
        /// ENOSPC has Node's own message).
        func nodeMessage(path: String) -> String {
            guard case .refused(let code) = self else { return "ENOENT: no such file or directory, watch '\(path)'" }
            switch code {
            case EMFILE: return "EMFILE: too many open files, watch '\(path)'"
            case ENFILE: return "ENFILE: file table overflow, watch '\(path)'"
            case ENOSPC: return "ENOSPC: System limit for number of file watchers reached, watch '\(path)'"
            default: return "ENOMEM: not enough memory, watch '\(path)'"
            }
        }
    }

    /// Watches `path`.
    static func open(path: String) -> Result<ConfigWatcher, Failure> {
        let directory = FileSystem.dirname(path)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return .failure(.refused(errno)) }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            let code = errno
            close(fd)
            return .failure(code == ENOENT || code == ENOTDIR ? .missing : .refused(code))
        }
        return .success(ConfigWatcher(fd: fd, name: Array(base.utf8)))
    }

    private init(fd: Int32, name: [UInt8]) {
        self.fd = fd
        self.name = name
    }

    deinit { close(fd) }

    /// Reads every pending event; the ones about the watched name, in order.
    func drain() -> [Event] {
        var events: [Event] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return events }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= n {
                let (mask, length) = buffer.withUnsafeBytes { raw in
                    (raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + header)..<min(n, offset + header + length)].prefix { $0 != 0 }
                offset += header + length
                // The kernel's queue overflowed: events were lost, the file may have changed.
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    events.append(.written)
                    continue
                }
                guard nameBytes.elementsEqual(name) else { continue }
                if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 {
                    events.append(.removed)
                } else {
                    events.append(.written)
                }
            }
        }
    }
}

/// chokidar's `awaitWriteFinish` for one file: when a write has settled.
///
/// chokidar (`_awaitWriteFinish`) notes the time of the write event, then `stat`s the file every
/// `pollInterval`; a size different from the previous `stat` moves the time of the last change
/// (another write event while the wait runs does not: `_awaitWriteFinish` only starts a wait for a
/// path that has none); the event is emitted at the first `stat` at least `stabilityThreshold`
/// after the last change. A file gone at a `stat` (ENOENT) ends the wait without an event.
struct WriteSettling {
    static let stabilityThresholdMs: Int64 = 200
    static let pollIntervalMs: Int64 = 50

    /// When the file last changed (the write event, then each new size).
    private var lastChangeMs: Int64
    private var lastSize: Int64?

    init(writtenAt nowMs: Int64) {
        lastChangeMs = nowMs
    }

    /// What a `stat` (the size, nil when the file is gone) at `nowMs` decides.
    enum Decision: Equatable {
        case pollAgain
        case settled
        case gone
    }

    mutating func sampled(size: Int64?, at nowMs: Int64) -> Decision {
        guard let size else { return .gone }
        if let lastSize, lastSize != size { lastChangeMs = nowMs }
        lastSize = size
        return nowMs - lastChangeMs >= Self.stabilityThresholdMs ? .settled : .pollAgain
    }
}
