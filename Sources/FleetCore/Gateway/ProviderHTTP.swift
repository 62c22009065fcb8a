import FleetCrypto
import FoundationEssentials
import OpenClawWire
#if canImport(Glibc)
import Glibc
#endif

/// A one-shot HTTP request to a channel provider: plain sockets for `http://` (the tests' local
/// mocks), OpenSSL's TLS over the same socket for `https://` (the real providers). No
/// FoundationNetworking: it would drag libcurl and its libraries into every fleet process.
enum ProviderHTTP {
    struct Response: Sendable {
        var status: Int
        var body: [UInt8]
    }

    enum Failure: Error, Sendable {
        /// Nothing answered: connection refused, unknown host, TLS failure.
        case unreachable(String)
        case timeout
        /// The answer was not HTTP.
        case malformed(String)
    }

    static func send(method: String, url: String, headers: [String: String], body: [UInt8]? = nil,
                     timeout: Duration) -> Result<Response, Failure> {
        guard let parsed = URLComponents(string: url), let host = parsed.host, let scheme = parsed.scheme else {
            return .failure(.malformed("not a URL"))
        }
        guard scheme == "http" || scheme == "https" else { return .failure(.malformed("unsupported scheme \(scheme)")) }
        let tls = scheme == "https"
        let port = parsed.port ?? (tls ? 443 : 80)
        var target = parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath
        if let query = parsed.percentEncodedQuery { target += "?" + query }
        let deadline = Deadline(timeout)
        do {
            let socket = try PlainSocket.connect(host: host, port: port, deadline: deadline)
            defer { socket.close() }
            var fields = HTTPHeaders([("Host", "\(host):\(port)"), ("Connection", "close"), ("User-Agent", "fleet/\(FleetVersion.string)")])
            for name in headers.keys.sorted() { fields.add(name, headers[name] ?? "") }
            fields.add("Content-Length", String(body?.count ?? 0))
            let request = HTTPRequestHead(method: method, target: target, headers: fields).encode() + (body ?? [])
            var raw: [UInt8] = []
            if tls {
                switch viaTLS(socket, host: host, request: request, deadline: deadline) {
                case .success(let bytes): raw = bytes
                case .failure(let failure): return .failure(failure)
                }
            } else {
                try socket.write(request, deadline: deadline)
                while true {
                    let chunk = try socket.read(deadline: deadline)
                    if chunk.isEmpty { break }
                    raw += chunk
                    if raw.count > 1 << 20 { break }
                }
            }
            return parse(raw)
        } catch {
            switch error {
            case .timeout: return .failure(.timeout)
            case .unreachable(let reason): return .failure(.unreachable(reason))
            case .closed: return .failure(.malformed("the connection closed without an answer"))
            case .failed(let reason): return .failure(.unreachable(reason))
            }
        }
    }

    /// Status and body of an HTTP/1.x answer read to the end of the connection (Content-Length,
    /// chunked or read-to-close; OpenClawWire's parser).
    static func parse(_ raw: [UInt8]) -> Result<Response, Failure> {
        switch HTTPParser.parseResponse(raw, atEnd: true, bodyless: false) {
        case .response(let head, let body, _): return .success(Response(status: head.status, body: body))
        case .invalid, .needMore: return .failure(.malformed("not an HTTP answer"))
        }
    }

    /// Speaks TLS on the connected socket: blocking from here on, bounded by the socket's timeouts.
    private static func viaTLS(_ socket: PlainSocket, host: String, request: [UInt8], deadline: Deadline) -> Result<[UInt8], Failure> {
        let fd = socket.fd
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let remaining = max(0.05, Double(deadline.remainingMs) / 1000)
        var tv = timeval(tv_sec: Int(remaining), tv_usec: Int((remaining - Double(Int(remaining))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        do {
            let tls = try TLSClient(fd: fd, host: host)
            try tls.write(request)
            return .success(try tls.readAll())
        } catch {
            return .failure(.unreachable(error.message))
        }
    }
}
