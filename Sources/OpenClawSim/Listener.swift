import Glibc

/// Why a listening socket could not be opened.
enum ListenError: Error {
    case addressInUse
    case failed(String)
}

/// A non-blocking listening TCP socket.
struct Listener {
    let fd: Int32

    /// Binds `host:port` (IPv4 or IPv6 literal) and listens.
    static func open(host: String, port: Int) throws(ListenError) -> Listener {
        let isV6 = host.contains(":")
        let family = isV6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .failed("socket: \(FileSystem.describe(errno: errno))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var result: Int32
        if isV6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &addr.sin6_addr) == 1 else {
                Glibc.close(fd)
                throw .failed("invalid bind address \(host)")
            }
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
                Glibc.close(fd)
                throw .failed("invalid bind address \(host)")
            }
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        if result != 0 {
            let code = errno
            Glibc.close(fd)
            if code == EADDRINUSE { throw .addressInUse }
            throw .failed("bind \(host):\(port): \(FileSystem.describe(errno: code))")
        }
        guard listen(fd, 511) == 0 else {
            let code = errno
            Glibc.close(fd)
            if code == EADDRINUSE { throw .addressInUse }
            throw .failed("listen: \(FileSystem.describe(errno: code))")
        }
        return Listener(fd: fd)
    }

    /// Whether `host` (an IPv4 address) can be bound here: a listener on port 0 opens and closes
    /// (OpenClaw: src/gateway/net.ts, canBindToHost).
    static func canBind(_ host: String) -> Bool {
        guard let listener = try? open(host: host, port: 0) else { return false }
        Glibc.close(listener.fd)
        return true
    }

    /// Accepts one pending connection: its fd and whether the peer is on loopback.
    func accept() -> (fd: Int32, loopback: Bool)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let client = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.accept(fd, $0, &length)
            }
        }
        guard client >= 0 else { return nil }
        _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        return (client, Self.isLoopback(&storage))
    }

    private static func isLoopback(_ storage: inout sockaddr_storage) -> Bool {
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    UInt32(bigEndian: $0.pointee.sin_addr.s_addr) >> 24 == 127
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer -> Bool in
                    var address = pointer.pointee.sin6_addr
                    let bytes = withUnsafeBytes(of: &address) { Array($0) }
                    let isV6Loopback = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
                    let isMapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
                    return isV6Loopback || isMapped
                }
            }
        default:
            return false
        }
    }

    func close() {
        _ = Glibc.close(fd)
    }
}
