import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A one-shot HTTP request to a channel provider: plain sockets for `http://` (the tests' local
/// mocks), URLSession for `https://` (the real providers).
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
        if scheme == "https" { return viaURLSession(method: method, url: url, headers: headers, body: body, timeout: timeout) }
        guard scheme == "http" else { return .failure(.malformed("unsupported scheme \(scheme)")) }
        let port = parsed.port ?? 80
        var target = parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath
        if let query = parsed.percentEncodedQuery { target += "?" + query }
        let deadline = Deadline(timeout)
        do {
            let socket = try PlainSocket.connect(host: host, port: port, deadline: deadline)
            defer { socket.close() }
            var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nUser-Agent: fleet/\(FleetVersion.string)\r\n"
            for name in headers.keys.sorted() { head += "\(name): \(headers[name] ?? "")\r\n" }
            head += "Content-Length: \(body?.count ?? 0)\r\n\r\n"
            try socket.write(Array(head.utf8) + (body ?? []), deadline: deadline)
            var raw: [UInt8] = []
            while true {
                let chunk = try socket.read(deadline: deadline)
                if chunk.isEmpty { break }
                raw += chunk
                if raw.count > 1 << 20 { break }
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

    /// Status line and body of an HTTP/1.x answer (Content-Length or read-to-close; chunked bodies are decoded).
    static func parse(_ raw: [UInt8]) -> Result<Response, Failure> {
        let text = String(decoding: raw, as: UTF8.self)
        guard text.hasPrefix("HTTP/1."), let split = text.range(of: "\r\n\r\n"),
              let status = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            return .failure(.malformed("not an HTTP answer"))
        }
        let head = text[..<split.lowerBound].lowercased()
        var body = Array(text[split.upperBound...].utf8)
        if head.contains("transfer-encoding: chunked") { body = dechunk(body) }
        return .success(Response(status: status, body: body))
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                  let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16),
                  size > 0 else { break }
            let start = lineEnd + 2
            out += bytes[start..<min(bytes.count, start + size)]
            i = start + size + 2
        }
        return out
    }

    private static func viaURLSession(method: String, url: String, headers: [String: String], body: [UInt8]?,
                                      timeout: Duration) -> Result<Response, Failure> {
        guard let target = URL(string: url) else { return .failure(.malformed("not a URL")) }
        var request = URLRequest(url: target)
        request.httpMethod = method
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        request.timeoutInterval = seconds
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if let body { request.httpBody = Data(body) }
        final class Box: @unchecked Sendable { var result: Result<Response, Failure> = .failure(.timeout) }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds
        let session = URLSession(configuration: configuration)
        session.dataTask(with: request) { data, response, error in
            if let http = response as? HTTPURLResponse {
                box.result = .success(Response(status: http.statusCode, body: [UInt8](data ?? Data())))
            } else if let error = error as? URLError, error.code == .timedOut {
                box.result = .failure(.timeout)
            } else {
                box.result = .failure(.unreachable(error?.localizedDescription ?? "no answer"))
            }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + seconds + 1)
        session.invalidateAndCancel()
        return box.result
    }
}
