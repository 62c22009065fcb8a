import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Reads a log file's recent lines, then follows it, surviving rotation: a file renamed away and
/// recreated (a new inode at the path: the old file is drained, then the new one read from its
/// start) and a file truncated in place (its size shrank, or the bytes just before the read
/// position changed because it was rewritten past it: read again from the start).
///
/// Not thread-safe: one follower belongs to one task or thread.
public final class LogFollower {
    /// The file followed.
    public let path: String
    private var fd: Int32 = -1
    private var device: UInt64 = 0
    private var inode: UInt64 = 0
    private var offset: off_t = 0
    private var partial: [UInt8] = []
    /// The last bytes before `offset`, to notice a truncated file that grew back past it.
    private var seen: [UInt8] = []

    /// A follower of `path`; the file need not exist yet (it is read from its start once it does).
    public init(path: String) {
        self.path = path
        _ = reopen()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The complete lines among the last `maxBytes` of the file (the first, cut line dropped), and
    /// positions the follower at the end.
    public func backlog(maxBytes: Int = 8 << 20) -> [String] {
        guard fd >= 0 else { return [] }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return [] }
        let start = max(0, info.st_size - off_t(maxBytes))
        offset = start
        partial = []
        seen = []
        var lines = drain()
        if start > 0, !lines.isEmpty { lines.removeFirst() }
        return lines
    }

    /// The lines completed since the last call (or since the backlog), following rotation.
    public func poll() -> [String] {
        var lines: [String] = []
        if fd < 0 {
            guard reopen() else { return [] }
        }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size < offset || !stillSeen() {
            // Truncated in place (copytruncate): start over.
            offset = 0
            partial = []
            seen = []
        }
        lines += drain()
        var current = stat()
        if stat(path, &current) == 0, UInt64(current.st_dev) != device || UInt64(current.st_ino) != inode {
            // Renamed away and recreated: the old file is drained; a line it left open ends here.
            if !partial.isEmpty {
                lines.append(String(decoding: partial, as: UTF8.self))
                partial = []
            }
            close(fd)
            fd = -1
            if reopen() { lines += drain() }
        }
        return lines
    }

    private func reopen() -> Bool {
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { return false }
        var info = stat()
        guard fstat(opened, &info) == 0 else {
            close(opened)
            return false
        }
        fd = opened
        seen = []
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        offset = 0
        partial = []
        return true
    }

    /// Whether the bytes before `offset` are still the ones read there.
    private func stillSeen() -> Bool {
        guard !seen.isEmpty else { return true }
        var now = [UInt8](repeating: 0, count: seen.count)
        let n = now.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset - off_t(seen.count)) }
        return n == seen.count && now == seen
    }

    /// Reads from `offset` to the end; returns the complete lines.
    private func drain() -> [String] {
        var lines: [String] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            guard n > 0 else { break }
            offset += off_t(n)
            var start = 0
            for i in 0..<n where buffer[i] == 0x0A {
                partial += buffer[start..<i]
                lines.append(String(decoding: partial, as: UTF8.self))
                partial = []
                start = i + 1
            }
            partial += buffer[start..<n]
            seen = Array((seen + buffer[0..<n]).suffix(32))
        }
        return lines
    }
}
