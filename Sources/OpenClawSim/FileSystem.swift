import Glibc

/// Identity of a file's contents for change detection: inode, size and modification time.
struct FileStamp: Equatable {
    var inode: UInt64
    var size: Int64
    var mtimeSec: Int64
    var mtimeNsec: Int64
}

/// Small POSIX file helpers (the stand-in avoids Foundation to start fast and stay small).
enum FileSystem {
    /// The value of an environment variable, `nil` when unset.
    static func env(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }

    /// `strerror` text for `code`.
    static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// The whole file, or the errno that stopped reading it.
    static func read(_ path: String) -> Result<[UInt8], FileError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileError(code: errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileError(code: errno))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return .success(bytes)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func stamp(_ path: String) -> FileStamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileStamp(
            inode: UInt64(st.st_ino), size: Int64(st.st_size),
            mtimeSec: Int64(st.st_mtim.tv_sec), mtimeNsec: Int64(st.st_mtim.tv_nsec))
    }

    /// `mkdir -p`.
    @discardableResult
    static func makeDirectories(_ path: String, mode: mode_t = 0o755) -> Bool {
        if path.isEmpty { return true }
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) != 0 && errno != EEXIST { return false }
        }
        return true
    }

    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it into place.
    @discardableResult
    static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) -> Bool {
        makeDirectories(dirname(path))
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { return false }
        let ok = writeAll(fd, bytes)
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            unlink(temp)
            return false
        }
        return true
    }

    /// Appends `bytes` to `path`, creating it (and its directory) when missing.
    @discardableResult
    static func append(_ path: String, _ bytes: [UInt8]) -> Bool {
        makeDirectories(dirname(path))
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return writeAll(fd, bytes)
    }

    /// Writes every byte to `fd`, retrying short writes and EINTR.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress?.advanced(by: offset), $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    static func home() -> String {
        env("HOME") ?? "/root"
    }
}

/// An errno from a failed file operation.
struct FileError: Error {
    var code: Int32
    var message: String { FileSystem.describe(errno: code) }
}

extension FileSystem {
    /// File actions that close every descriptor above stderr in a spawned child, as Node's
    /// `spawn` passes a child only its stdio (the caller destroys them).
    static func stdioOnlyActions() -> posix_spawn_file_actions_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        let dir = opendir("/proc/self/fd")
        defer { if let dir { closedir(dir) } }
        while let dir, let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let fd = Int32(name), fd > 2, fd != dirfd(dir) { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        return actions
    }
}

