import CFleetSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts a program for a test over `posix_spawn`: the one place the tests' children are made
/// (``TestChild`` and FleetTestSupport's `runProcess`).
///
/// The child gets only descriptors 0, 1 and 2 (everything else this process has open is closed in
/// it, so a server a test started holds none of another test's pipes), default signal handling and
/// an empty signal mask, whatever this process set.
public enum ChildSpawn {
    /// What one of the child's descriptors 0, 1, 2 is.
    public enum Descriptor: Sendable {
        /// This process's own descriptor of that number.
        case inherit
        /// A descriptor of this process, duplicated onto it.
        case duplicate(Int32)
        /// A file opened in the child with `flags` (mode 0644 when created).
        case open(String, flags: Int32)
    }

    /// Starts `path` (argv[0] is `path`) and returns its pid.
    ///
    /// - Parameters:
    ///   - env: the whole environment when given (nil inherits the test's).
    ///   - cwd: the working directory (nil inherits).
    ///   - stdin, stdout, stderr: descriptors 0, 1 and 2, set up in that order (so
    ///     `.duplicate(1)` for stderr shares stdout's file and offset).
    public static func spawn(
        _ path: String, _ args: [String], env: [String: String]? = nil, cwd: String? = nil,
        stdin: Descriptor, stdout: Descriptor, stderr: Descriptor
    ) throws -> pid_t {
        ignoreBrokenPipes
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, descriptor) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch descriptor {
            case .inherit: break
            case .duplicate(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .open(let file, let flags): posix_spawn_file_actions_addopen(&actions, target, file, flags, 0o644)
            }
        }
        fleet_spawn_addclosefrom(&actions, 3)
        if let cwd { fleet_spawn_addchdir(&actions, cwd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
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
        guard rc == 0 else { throw SpawnFailure(path: path, code: rc) }
        return pid
    }

    /// A pipe whose both ends are close-on-exec (no child started meanwhile inherits them).
    public static func pipe(for path: String) throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard fleet_pipe_cloexec(&fds) == 0 else { throw SpawnFailure(path: path, code: errno) }
        return (fds[0], fds[1])
    }

    /// The status `waitpid` gave, as a ``TestChild/Termination``.
    public static func termination(_ status: Int32) -> TestChild.Termination {
        let signal = status & 0x7F
        return signal == 0 ? .exit((status >> 8) & 0xFF) : .signal(signal)
    }
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
