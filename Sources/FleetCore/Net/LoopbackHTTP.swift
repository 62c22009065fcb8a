import FoundationEssentials
import OpenClawConfig
import OpenClawWire
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 client for probing gateways, with a hard deadline and no blocking: the
/// socket is non-blocking and every wait is a suspension on ``SocketWaiter`` (one poll thread for
/// all probes), so any number of probes of hung gateways run at once on the cooperative pool.
public enum LoopbackHTTP {
    /// An answer: the status code and the body.
    public typealias Answer = (status: Int, body: [UInt8])

    /// `GET path` on `host:port` (an IPv4 or IPv6 address, or `localhost`); nil when nothing
    /// answers within `timeout`.
    public static func get(host: String = "127.0.0.1", port: Int, path: String, timeout: Duration,
                           headers: [String: String] = [:]) async -> Answer? {
        await get(host: host, port: port, path: path, deadline: Deadline(timeout), headers: headers, waiter: .shared)
    }

    /// `GET path`, answered before `deadline`, waiting on `waiter`.
    static func get(host: String, port: Int, path: String, deadline: Deadline, headers: [String: String] = [:],
                    waiter: SocketWaiter) async -> Answer? {
        guard let address = SocketAddress(host: host, port: port) else { return nil }
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Connect: at once on loopback, else EINPROGRESS until the socket is writable.
        if address.connect(fd) != 0 {
            guard errno == EINPROGRESS, await waiter.wait(fd, for: Int16(POLLOUT), until: deadline) == .ready else { return nil }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else { return nil }
        }
        var fields = HTTPHeaders([("Host", address.hostHeader), ("Connection", "close")])
        for name in headers.keys.sorted() { fields.add(name, headers[name] ?? "") }
        let request = HTTPRequestHead(method: "GET", target: path, headers: fields).encode()
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress?.advanced(by: sent), $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                guard await waiter.wait(fd, for: Int16(POLLOUT), until: deadline) == .ready else { return nil }
            } else {
                return nil
            }
        }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var atEnd = false
        while true {
            switch HTTPParser.parseResponse(data, atEnd: atEnd) {
            case .response(let head, let body, _): return (head.status, body)
            case .invalid: return nil
            case .needMore: break
            }
            if atEnd || data.count > 1 << 20 { return nil }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                data += chunk[0..<n]
            } else if n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
                atEnd = true  // end of stream, or reset: parse what came
            } else if errno != EINTR {
                guard await waiter.wait(fd, for: Int16(POLLIN), until: deadline) == .ready else { return nil }
            }
        }
    }
}

/// An IPv4 or IPv6 socket address from a literal (`localhost` is 127.0.0.1). Names are not
/// resolved: a DNS look-up would block, and gateways are probed at addresses.
struct SocketAddress {
    var family: Int32
    private var storage = sockaddr_storage()
    private var length: socklen_t
    /// The `Host` header's value.
    var hostHeader: String

    init?(host: String, port: Int) {
        guard (0...65535).contains(port) else { return nil }
        let literal = host == "localhost" ? "127.0.0.1" : host
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(port).bigEndian
            addr.sin_addr = v4
            withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: addr) { raw.copyMemory(from: $0) } }
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            hostHeader = "\(literal):\(port)"
        } else if inet_pton(AF_INET6, literal, &v6) == 1 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = UInt16(port).bigEndian
            addr.sin6_addr = v6
            withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: addr) { raw.copyMemory(from: $0) } }
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            hostHeader = "[\(literal)]:\(port)"
        } else {
            return nil
        }
    }

    /// `connect(2)` on a socket of this family.
    func connect(_ fd: Int32) -> Int32 {
        var address = storage
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
    }
}

/// The answer of a gateway's /healthz and /readyz.
public struct GatewayHealth: Sendable, Hashable {
    /// /healthz answered 200.
    public var live: Bool
    /// /readyz answered 200 (nil when not asked or no answer).
    public var ready: Bool?
    /// /readyz's failing checks.
    public var failing: [String]

    /// Probes the gateway on `host:port`: /healthz, then (with `readiness`) /readyz, both within
    /// one `timeout`. It never blocks a thread: probes of many gateways, hung ones included, run
    /// at once, and observing them all takes about one timeout.
    public static func probe(host: String = "127.0.0.1", port: Int, timeout: Duration, readiness: Bool = true) async -> GatewayHealth {
        await probe(host: host, port: port, deadline: Deadline(timeout), readiness: readiness, waiter: .shared)
    }

    static func probe(host: String, port: Int, deadline: Deadline, readiness: Bool, waiter: SocketWaiter) async -> GatewayHealth {
        guard let health = await LoopbackHTTP.get(host: host, port: port, path: "/healthz", deadline: deadline, waiter: waiter),
              health.status == 200 else {
            return GatewayHealth(live: false, ready: nil, failing: [])
        }
        guard readiness,
              let ready = await LoopbackHTTP.get(host: host, port: port, path: "/readyz", deadline: deadline, waiter: waiter) else {
            return GatewayHealth(live: true, ready: nil, failing: [])
        }
        var failing: [String] = []
        if let list = (try? JSON5.parse(String(decoding: ready.body, as: UTF8.self)))?["failing"]?.arrayValue {
            failing = list.compactMap(\.stringValue)
        }
        return GatewayHealth(live: true, ready: ready.status == 200, failing: failing)
    }
}
