import Foundation
import CFleetSystem
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
    ignoreBrokenPipes
    var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
    guard fleet_pipe_cloexec(&inPipe) == 0, fleet_pipe_cloexec(&outPipe) == 0, fleet_pipe_cloexec(&errPipe) == 0 else {
        for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) }
        throw SpawnFailure(path: path, code: errno)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if stdin != nil {
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    } else {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    fleet_spawn_addclosefrom(&actions, 3)
    if let cwd { fleet_spawn_addchdir(&actions, cwd) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // The child starts with default signal handling and nothing blocked, whatever this process set.
    var defaults = sigset_t(), empty = sigset_t()
    sigfillset(&defaults)
    sigemptyset(&empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let environment = (env ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { environment.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environment)
    close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
    guard rc == 0 else {
        close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
        throw SpawnFailure(path: path, code: rc)
    }
    let (stdoutData, stderrData) = exchange(input: stdin.map { [UInt8]($0) }, inFD: inPipe[1], outFD: outPipe[0], errFD: errPipe[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let signal = status & 0x7F
    return ProcessResult(
        status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
        stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
}

/// A child that exits without reading its stdin must not kill the test process with SIGPIPE: the
/// write fails with EPIPE instead (children start with the default action again).
private let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

/// A program that could not be started.
public struct SpawnFailure: Error, CustomStringConvertible {
    /// The program.
    public let path: String
    /// The errno `posix_spawn` or `pipe2` answered.
    public let code: Int32
    public var description: String { "cannot start \(path): \(String(cString: strerror(code)))" }
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
