import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Who holds the lock, as written into the lock file.
public struct LockHolder: Sendable, Codable {
    /// The holder's pid.
    public var pid: Int32
    /// Its command line.
    public var command: String
    /// Since when.
    public var since: Date
}

/// Another fleet holds the lock longer than we may wait.
public struct LockTimeout: Error, Sendable, CustomStringConvertible {
    /// The lock file.
    public var path: String
    /// Who holds it, when known.
    public var holder: LockHolder?

    public var description: String {
        guard let h = holder else { return "another fleet holds \(path)" }
        return "another fleet holds \(path): pid \(h.pid) (\(h.command)) since \(h.since.formatted(.iso8601))"
    }
}

/// An exclusive `flock` on `<root>/fleet.lock` that keeps two applies apart.
public final class StateLock: @unchecked Sendable {
    private let fd: Int32
    /// The lock file.
    public let path: String

    /// Takes the lock, waiting up to `timeout`.
    public init(path: String, timeout: Duration, command: String) async throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError(operation: "opening lock", path: path, code: errno) }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if clock.now >= deadline {
                let holder = HostFiles.read(path).flatMap { try? FleetState.decoder.decode(LockHolder.self, from: Data($0)) }
                close(fd)
                throw LockTimeout(path: path, holder: holder)
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        self.fd = fd
        let holder = LockHolder(pid: getpid(), command: command, since: Date())
        if let data = try? FleetState.encoder.encode(holder) {
            ftruncate(fd, 0)
            _ = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, data.count, 0) }
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
