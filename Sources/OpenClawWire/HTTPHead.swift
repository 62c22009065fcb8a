/// The head of an HTTP/1 request: request line and header fields (RFC 9112 §3).
public struct HTTPRequestHead: Sendable, Hashable {
    /// `GET`, `HEAD`, `POST`, ...
    public var method: String
    /// The request target as sent, e.g. `/readyz?verbose=1`.
    public var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// The header fields.
    public var headers: HTTPHeaders

    /// Creates a request head.
    public init(method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The target without its query string.
    public var path: String {
        if let q = target.firstIndex(of: "?") { return String(target[..<q]) }
        return target
    }

    /// HTTP/1.1 keeps the connection open unless `Connection: close`; HTTP/1.0 only with
    /// `keep-alive` (RFC 9112 §9.3).
    public var keepAlive: Bool {
        if version == "HTTP/1.0" { return headers.contains("connection", token: "keep-alive") }
        return !headers.contains("connection", token: "close")
    }

    /// The bytes of the head, blank line included.
    public func encode() -> [UInt8] {
        var out = Array("\(method) \(target) \(version)\r\n".utf8)
        headers.write(into: &out)
        out += [13, 10]
        return out
    }
}

/// The head of an HTTP/1 response: status line and header fields (RFC 9112 §4).
public struct HTTPResponseHead: Sendable, Hashable {
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// The status code.
    public var status: Int
    /// The reason phrase.
    public var reason: String
    /// The header fields.
    public var headers: HTTPHeaders

    /// Creates a response head; the reason defaults to the status's usual phrase.
    public init(status: Int, reason: String? = nil, version: String = "HTTP/1.1", headers: HTTPHeaders = HTTPHeaders()) {
        self.version = version
        self.status = status
        self.reason = reason ?? Self.reasonPhrase(status)
        self.headers = headers
    }

    /// The bytes of the head, blank line included.
    public func encode() -> [UInt8] {
        var out = Array("\(version) \(status) \(reason)\r\n".utf8)
        headers.write(into: &out)
        out += [13, 10]
        return out
    }

    /// The usual reason phrase of `status` (RFC 9110 §15).
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Payload Too Large"
        case 426: return "Upgrade Required"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        default: return "Status \(status)"
        }
    }
}
