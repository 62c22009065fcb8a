import Foundation
import OpenClawWire
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 GET over a loopback socket, for tests that probe gateways.
public enum HTTPProbe {
    /// The status code and body of `GET path` on `host` (127.0.0.1):`port`, or nil if nothing answers.
    public static func get(host: String = "127.0.0.1", port: Int, path: String, timeout: TimeInterval = 1) -> (status: Int, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
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
        let request = HTTPRequestHead(method: "GET", target: path, headers: [("Host", "127.0.0.1:\(port)"), ("Connection", "close")]).encode()
        _ = send(fd, request, request.count, Int32(MSG_NOSIGNAL))
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        guard case .response(let head, let body, _) = HTTPParser.parseResponse(data, atEnd: true) else { return nil }
        return (head.status, String(decoding: body, as: UTF8.self))
    }

    /// Polls `path` until it answers `status` or `deadline` passes.
    public static func waitFor(port: Int, path: String = "/healthz", status: Int = 200, within seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if get(port: port, path: path)?.status == status { return true }
            usleep(20_000)
        }
        return false
    }
}
