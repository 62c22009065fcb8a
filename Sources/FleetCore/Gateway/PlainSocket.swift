import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A point in time on the monotonic clock after which an operation gives up.
struct Deadline: Sendable {
    let nanoseconds: UInt64

    /// `timeout` from now.
    init(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        let total = max(0, Double(seconds) + Double(attoseconds) / 1e18)
        nanoseconds = DispatchTime.now().uptimeNanoseconds &+ UInt64(total * 1e9)
    }

    /// Milliseconds left (0 once passed), as `poll(2)` takes them.
    var remainingMs: Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard nanoseconds > now else { return 0 }
        return Int32(clamping: (nanoseconds - now + 999_999) / 1_000_000)
    }

    var passed: Bool { DispatchTime.now().uptimeNanoseconds >= nanoseconds }
}

/// Why a socket operation failed.
enum SocketFailure: Error, Sendable {
    /// Nothing accepted the connection (refused, no route, unknown host).
    case unreachable(String)
    /// The deadline passed.
    case timeout
    /// The peer closed the connection (end of stream or reset).
    case closed
    /// Any other system error.
    case failed(String)
}

/// A blocking-style TCP client socket over a non-blocking fd: every call waits with `poll(2)` up
/// to a deadline, so nothing hangs on a silent peer.
final class PlainSocket {
    private(set) var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close() }

    /// Connects to `host:port` (a name or an IPv4/IPv6 literal), trying each address in turn.
    static func connect(host: String, port: Int, deadline: Deadline) throws(SocketFailure) -> PlainSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .unreachable("cannot resolve host '\(host)' (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(first) }
        var lastError = "no address for \(host)"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            let socket = PlainSocket(fd: fd)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return socket }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                continue
            }
            try socket.wait(for: Int16(POLLOUT), deadline: deadline)
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return socket }
            lastError = String(cString: strerror(error))
        }
        throw .unreachable(lastError)
    }

    /// Waits until the socket is ready for `events`.
    private func wait(for events: Int16, deadline: Deadline) throws(SocketFailure) {
        while true {
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let timeout = deadline.remainingMs
            let n = poll(&entry, 1, timeout)
            if n > 0 { return }
            if n == 0 { throw .timeout }
            if errno != EINTR { throw .failed(String(cString: strerror(errno))) }
        }
    }

    /// Writes every byte of `bytes`.
    func write(_ bytes: [UInt8], deadline: Deadline) throws(SocketFailure) {
        var offset = 0
        while offset < bytes.count {
            guard fd >= 0 else { throw .closed }
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress?.advanced(by: offset), $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                try wait(for: Int16(POLLOUT), deadline: deadline)
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EPIPE || errno == ECONNRESET) {
                throw .closed
            } else {
                throw .failed(String(cString: strerror(errno)))
            }
        }
    }

    /// Reads what is available (waiting for at least one byte); empty at end of stream.
    func read(max: Int = 65_536, deadline: Deadline) throws(SocketFailure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        while true {
            guard fd >= 0 else { throw .closed }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { return Array(buffer[0..<n]) }
            if n == 0 { return [] }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), deadline: deadline)
            } else if errno == EINTR {
                continue
            } else if errno == ECONNRESET {
                throw .closed
            } else {
                throw .failed(String(cString: strerror(errno)))
            }
        }
    }

    /// Closes the socket (idempotent).
    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }
}
