import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Single loopback ports for tests' servers (a stand-in gateway, a mock API, a console), from
/// 32000-32767: below the kernel's ephemeral range (32768-60999), so no outgoing connection of any
/// process takes one, and outside `PortBlock`'s regions (20000-31999).
///
/// A port asked of the kernel (bind to port 0) is an ephemeral one and was taken by other tests'
/// connections and gateways now and then on a busy machine (a stand-in's `/healthz` answered by
/// another test's gateway). Here each port is held by this process until it exits: an exclusive
/// `flock` on `/tmp/fleet-test-ports/single-<port>.lock` (the kernel drops it when the process
/// ends, killed or not), so two test processes on one machine never share one either.
public enum TestPorts {
    private static let range = 32_000..<32_768
    private static let cursor = Mutex<Int>(Int.random(in: 0..<768))
    private static let held = Mutex<[Int32]>([])
    private static let lockDirectory = "/tmp/fleet-test-ports"

    /// A port nothing listens on, held for this test process; an ephemeral one (the old way) only
    /// when all 768 are taken.
    public static func next() -> Int {
        mkdir(lockDirectory, 0o777)
        for _ in 0..<range.count {
            let port = cursor.withLock { cursor -> Int in
                let value = range.lowerBound + cursor
                cursor = (cursor + 1) % range.count
                return value
            }
            let fd = open("\(lockDirectory)/single-\(port).lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
            guard fd >= 0 else { continue }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0, isFree(port) else {
                close(fd)
                continue
            }
            held.withLock { $0.append(fd) }
            return port
        }
        return ephemeral()
    }

    /// Whether nothing is bound to `port` on 127.0.0.1.
    public static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A port the kernel picks (bound to port 0, then released).
    private static func ephemeral() -> Int {
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
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return named == 0 ? Int(UInt16(bigEndian: addr.sin_port)) : 0
    }
}
