import Foundation
import TestChild
import TestPorts
#if canImport(Glibc)
import Glibc
#endif

/// Where the test binaries and the repository are.
public enum TestPaths {
    /// The directory holding the running test bundle (`.build/debug`), where SwiftPM also puts
    /// the built executables (`fleet`, `openclaw-sim`).
    public static var productsDirectory: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
        // On Linux the test runner is `<package>PackageTests.xctest` directly in the products
        // directory; on macOS it sits inside a bundle. Walk up until an executable sibling exists.
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("fleet").path) { return dir.path }
            if dir.lastPathComponent == "debug" || dir.lastPathComponent == "release" { return dir.path }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }

    /// The path of a built executable of this package (`fleet`, `openclaw-sim`).
    public static func executable(_ name: String) -> String { productsDirectory + "/" + name }

    /// The repository root, found from a source file's `#filePath` (symlinks resolved) by
    /// walking up to the directory that holds `Package.swift` and `Sources`.
    public static func repositoryRoot(from filePath: String) -> String {
        var dir = URL(fileURLWithPath: filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        let fm = FileManager.default
        while dir.path != "/" {
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: dir.appendingPathComponent("Sources").path) {
                return dir.path
            }
            dir = dir.deletingLastPathComponent()
        }
        return dir.path
    }
}

/// The outcome of a finished process.
public struct ProcessResult: Sendable {
    /// The exit status (or 128 + signal when killed by one).
    public var status: Int32
    /// Everything it wrote to stdout.
    public var stdout: String
    /// Everything it wrote to stderr.
    public var stderr: String
}

/// Runs `path` with `args` and waits for it; stdout and stderr are drained concurrently, so a
/// chatty child never blocks on a full pipe.
///
/// Over `posix_spawn`, `poll` and `waitpid` on the child's own pid, not `Foundation.Process`:
/// under a full suite Foundation's `waitUntilExit()` now and then never returned for a child that
/// had exited (its zombie stayed unreaped and the test hung until CI's time ran out). The child
/// gets only descriptors 0, 1 and 2 (everything else this process has open is closed in it), so a
/// server a test started keeps none of another test's pipes either.
///
/// - Parameters:
///   - env: the whole environment when given (nil inherits the test's).
///   - cwd: the working directory (nil inherits).
///   - stdin: bytes written to the child's stdin (then closed); nil gives it /dev/null.
public func runProcess(
    _ path: String, _ args: [String], env: [String: String]? = nil, cwd: String? = nil, stdin: Data? = nil
) throws -> ProcessResult {
    var pipes: [(read: Int32, write: Int32)] = []
    let pid: pid_t
    do {
        for _ in 0..<3 { pipes.append(try ChildSpawn.pipe(for: path)) }
        pid = try ChildSpawn.spawn(
            path, args, env: env, cwd: cwd,
            stdin: stdin != nil ? .duplicate(pipes[0].read) : .open("/dev/null", flags: O_RDONLY),
            stdout: .duplicate(pipes[1].write), stderr: .duplicate(pipes[2].write))
    } catch {
        for pipe in pipes { close(pipe.read); close(pipe.write) }
        throw error
    }
    let (inPipe, outPipe, errPipe) = (pipes[0], pipes[1], pipes[2])
    close(inPipe.read); close(outPipe.write); close(errPipe.write)
    let (stdoutData, stderrData) = exchange(input: stdin.map { [UInt8]($0) }, inFD: inPipe.write, outFD: outPipe.read, errFD: errPipe.read)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return ProcessResult(
        status: ChildSpawn.termination(status).status,
        stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
}

/// Writes `input` to `inFD` (then closes it) while reading `outFD` and `errFD` to their end, all
/// at once with `poll`, so neither side blocks on a full pipe. Closes every descriptor.
private func exchange(input: [UInt8]?, inFD: Int32, outFD: Int32, errFD: Int32) -> ([UInt8], [UInt8]) {
    var pending = input ?? []
    var writeFD: Int32 = -1
    if input != nil, !pending.isEmpty {
        writeFD = inFD
        _ = fcntl(inFD, F_SETFL, fcntl(inFD, F_GETFL) | O_NONBLOCK)
    } else {
        close(inFD)
    }
    var out: [UInt8] = [], err: [UInt8] = []
    var open: [Int32: Bool] = [outFD: true, errFD: true]
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while open.values.contains(true) || writeFD >= 0 {
        var fds: [pollfd] = []
        if open[outFD] == true { fds.append(pollfd(fd: outFD, events: Int16(POLLIN), revents: 0)) }
        if open[errFD] == true { fds.append(pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)) }
        if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
        if poll(&fds, nfds_t(fds.count), -1) < 0 {
            if errno == EINTR { continue }
            break
        }
        for entry in fds where entry.revents != 0 {
            if entry.fd == writeFD {
                let written = pending.withUnsafeBytes { write(writeFD, $0.baseAddress, $0.count) }
                if written > 0 { pending.removeFirst(written) }
                if pending.isEmpty || (written < 0 && errno != EAGAIN && errno != EINTR) {
                    close(writeFD)
                    writeFD = -1
                }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                if entry.fd == outFD { out += buffer[0..<count] } else { err += buffer[0..<count] }
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                open[entry.fd] = false
                close(entry.fd)
            }
        }
    }
    return (out, err)
}

/// A TCP port on 127.0.0.1 for a test's server, held by this test process (``TestPorts``).
public func freePort() -> Int { TestPorts.next() }

/// A fresh, uniquely named directory under the system temp directory.
public final class TempDirectory: @unchecked Sendable {
    /// Its path.
    public let path: String

    /// Creates the directory (`prefix-UUID`).
    public init(prefix: String = "fleet-test") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path + "/" + name`.
    public func file(_ name: String) -> String { path + "/" + name }
}
