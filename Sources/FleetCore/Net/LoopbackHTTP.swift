import FoundationEssentials
import OpenClawConfig
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 client for probing gateways on loopback, with a hard timeout.
public enum LoopbackHTTP {
    /// `GET path` on `host:port`; nil when nothing answers within `timeout`.
    public static func get(host: String = "127.0.0.1", port: Int, path: String, timeout: Duration,
                           headers: [String: String] = [:]) -> (status: Int, body: [UInt8])? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let ms = Int32(max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        var tv = timeval(tv_sec: Int(ms / 1000), tv_usec: Int(ms % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (k, v) in headers { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        let sent = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        guard sent > 0 else { return nil }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count < 1 << 20 {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        guard data.count > 12, data.starts(with: Array("HTTP/1.".utf8)),
              let status = Int(String(decoding: data[9..<12], as: UTF8.self)) else { return nil }
        let separator: [UInt8] = [13, 10, 13, 10]
        var bodyStart = data.count
        if data.count >= 4 {
            for i in 0...(data.count - 4) where Array(data[i..<(i + 4)]) == separator {
                bodyStart = i + 4
                break
            }
        }
        return (status, Array(data[bodyStart...]))
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

    /// Probes `host:port` (the address the gateway listens on, see ``GatewayLaunch/connectHost``).
    public static func probe(host: String = "127.0.0.1", port: Int, timeout: Duration, readiness: Bool = true) -> GatewayHealth {
        guard let health = LoopbackHTTP.get(host: host, port: port, path: "/healthz", timeout: timeout), health.status == 200 else {
            return GatewayHealth(live: false, ready: nil, failing: [])
        }
        guard readiness, let ready = LoopbackHTTP.get(host: host, port: port, path: "/readyz", timeout: timeout) else {
            return GatewayHealth(live: true, ready: nil, failing: [])
        }
        var failing: [String] = []
        if let list = (try? JSON5.parse(String(decoding: ready.body, as: UTF8.self)))?["failing"]?.arrayValue {
            failing = list.compactMap(\.stringValue)
        }
        return GatewayHealth(live: true, ready: ready.status == 200, failing: failing)
    }
}
