import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Reads a child's output pipe to its end on a thread of its own (so a chatty child never blocks
/// on a full pipe and a test can look at what it wrote so far); closes the pipe at the end.
final class OutputCapture: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    private let finished = Mutex(false)

    /// Starts reading `fd` (this object owns it from now on).
    init(fd: Int32) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    bytes.withLock { $0 += buffer[0..<count] }
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            close(fd)
            finished.withLock { $0 = true }
        }
    }

    /// Everything read so far, as UTF-8.
    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Whether the pipe reached its end (every writer closed it).
    var isFinished: Bool { finished.withLock { $0 } }
}
