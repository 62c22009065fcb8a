import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A failed file-system call, with errno turned into words.
public struct FileError: Error, Sendable, CustomStringConvertible {
    /// What was being done.
    public var operation: String
    /// The path.
    public var path: String
    /// errno.
    public var code: Int32

    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}

/// Every file fleet writes goes through here: directories 0700, atomic writes (temp file,
/// fsync, rename, fsync of the directory; no syncs for files derived from git), explicit modes.
public enum HostFiles {
    /// Creates `path` and its parents with mode 0700 (an existing directory is tightened to 0700).
    ///
    /// One `mkdir` when the parent exists (the common case: a bot's directories under its
    /// own); the parents are made only when that fails with ENOENT.
    public static func makeDirectory(_ path: String) throws(FileError) {
        try makeDirectoryAndParents(path)
        if chmod(path, 0o700) != 0 { throw FileError(operation: "chmod", path: path, code: errno) }
    }

    private static func makeDirectoryAndParents(_ path: String) throws(FileError) {
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw FileError(operation: "creating directory", path: path, code: errno) }
        let parent = path.deletingLastPathComponent
        guard !parent.isEmpty, parent != path, parent != "/", parent != "." else {
            throw FileError(operation: "creating directory", path: path, code: ENOENT)
        }
        try makeDirectoryAndParents(parent)
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw FileError(operation: "creating directory", path: path, code: errno)
        }
    }

    /// Writes `bytes` to `path` atomically with `mode`: a reader sees the old bytes or the new,
    /// never a part.
    ///
    /// `durable` (the default) also syncs the file before the rename and the directory after it,
    /// so the new bytes survive a power loss. Files fleet derives from git and rewrites whenever
    /// they differ from the rendering (a bot's config, secrets, workspace files; a pid record,
    /// which names a process no power loss leaves running) pass `false`: two device flushes per
    /// file were most of the daemon's I/O wait when it first starts 200 bots (Benchmarks/README.md).
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600, durable: Bool = true) throws(FileError) {
        let directory = path.deletingLastPathComponent
        let temp = "\(directory)/.\(path.lastPathComponent).\(getpid()).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError(operation: "creating", path: temp, code: errno) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + written, bytes.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                unlink(temp)
                throw FileError(operation: "writing", path: temp, code: e)
            }
            written += n
        }
        fchmod(fd, mode)
        if durable && fsync(fd) != 0 {
            let e = errno
            close(fd)
            unlink(temp)
            throw FileError(operation: "fsync", path: temp, code: e)
        }
        close(fd)
        if rename(temp, path) != 0 {
            let e = errno
            unlink(temp)
            throw FileError(operation: "renaming into", path: path, code: e)
        }
        guard durable else { return }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    /// Writes text atomically.
    public static func writeAtomically(_ path: String, text: String, mode: mode_t = 0o600) throws(FileError) {
        try writeAtomically(path, Array(text.utf8), mode: mode)
    }

    /// The bytes of `path`, or nil when it does not exist or cannot be read. Read with read(2)
    /// through one buffer (the file's size, or 4 KiB for `/proc` files, whose size reads as 0)
    /// into an array of the bytes read: no `Data` in between, and no spare capacity kept (the
    /// daemon's heap at 200 bots: -0.5 MiB; Benchmarks/README.md).
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { return nil }
        var buffer = [UInt8](repeating: 0, count: max(Int(info.st_size) + 1, 4096))
        var bytes: [UInt8] = []
        while true {
            var n: Int
            repeat {
                n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            } while n < 0 && errno == EINTR
            guard n >= 0 else { return nil }
            if n == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<n])
        }
    }

    /// Whether `path` exists.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// `count` random bytes from the kernel's CSPRNG.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        defer { if fd >= 0 { close(fd) } }
        var filled = 0
        while fd >= 0 && filled < count {
            let n = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return Glibc.read(fd, base + filled, count - filled)
            }
            if n > 0 { filled += n } else if n < 0 && errno != EINTR { break }
        }
        precondition(filled == count, "the kernel's random source is unavailable")
        return bytes
    }

    /// Reads `path`, or creates it with `make()` (mode 0600) when missing: a host-local secret
    /// generated once and stable afterwards. `durable: false` for a secret a power loss may take
    /// with it (a gateway's token: every gateway is down after one, and the next start makes a
    /// new token).
    ///
    /// `valid` tells a usable secret from what a power loss can leave of an unsynced one
    /// (zeros, a part): such a file is made again.
    public static func readOrCreateSecret(_ path: String, durable: Bool = true, valid: ([UInt8]) -> Bool = { !$0.isEmpty },
                                          make: () -> [UInt8]) throws(FileError) -> [UInt8] {
        if let existing = read(path), valid(existing) { return existing }
        let bytes = make()
        try writeAtomically(path, bytes, mode: 0o600, durable: durable)
        return bytes
    }
}
