import Foundation
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
/// - Parameters:
///   - env: the whole environment when given (nil inherits the test's).
///   - cwd: the working directory (nil inherits).
///   - stdin: bytes written to the child's stdin (then closed); nil gives it /dev/null.
public func runProcess(
    _ path: String, _ args: [String], env: [String: String]? = nil, cwd: String? = nil, stdin: Data? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = args
    if let env { process.environment = env }
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = stdin.map { _ in Pipe() }
    if let input { process.standardInput = input } else { process.standardInput = FileHandle.nullDevice }
    try process.run()
    if let input, let stdin {
        input.fileHandleForWriting.write(stdin)
        try? input.fileHandleForWriting.close()
    }
    let (stdoutData, stderrData) = drain(out, err)
    process.waitUntilExit()
    let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return ProcessResult(
        status: status, stdout: String(decoding: stdoutData, as: UTF8.self),
        stderr: String(decoding: stderrData, as: UTF8.self))
}

/// Reads two pipes to their end at the same time (one on a helper thread).
func drain(_ out: Pipe, _ err: Pipe) -> (Data, Data) {
    final class Box: @unchecked Sendable { var data = Data() }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    let errHandle = err.fileHandleForReading
    Thread.detachNewThread {
        box.data = errHandle.readDataToEndOfFile()
        done.signal()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    return (outData, box.data)
}

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
public func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { return 0 }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    guard named == 0 else { return 0 }
    return Int(UInt16(bigEndian: addr.sin_port))
}

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
