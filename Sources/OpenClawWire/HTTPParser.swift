/// HTTP/1 message parsing for both ends, over bytes the caller buffers: a server reads requests
/// (``parseRequest(_:limits:)``), a client reads a response head (``parseResponseHead(_:atEnd:)``)
/// or a whole response (``parseResponse(_:atEnd:bodyless:)``). Pure functions: each answers
/// need-more, a message and how many bytes it used, or why the bytes are not HTTP.
public enum HTTPParser {
    /// Bounds on what a server accepts.
    public struct Limits: Sendable, Hashable {
        /// The longest request head.
        public var maxHeadBytes: Int
        /// The longest request body.
        public var maxBodyBytes: Int

        /// Creates limits.
        public init(maxHeadBytes: Int = 16 * 1024, maxBodyBytes: Int = 1024 * 1024) {
            self.maxHeadBytes = maxHeadBytes
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// What ``parseRequest(_:limits:)`` found at the start of a buffer.
    public enum RequestResult: Sendable, Hashable {
        /// No whole request yet.
        case needMore
        /// A request: its head, where its body lies in the buffer, and the bytes it took.
        case request(HTTPRequestHead, body: Range<Int>, consumed: Int)
        /// Not a request this server takes; answer with `status` (400, 413, 431, 501) and close.
        case invalid(status: Int)
    }

    /// What ``parseResponseHead(_:atEnd:)`` found at the start of a buffer.
    public enum HeadResult: Sendable, Hashable {
        /// No whole head yet.
        case needMore
        /// The head and the bytes it took (the blank line included); what follows is the body,
        /// or another protocol after `101 Switching Protocols`.
        case head(HTTPResponseHead, consumed: Int)
        /// Not an HTTP/1 response.
        case invalid(String)
    }

    /// What ``parseResponse(_:atEnd:bodyless:)`` found at the start of a buffer.
    public enum ResponseResult: Sendable, Hashable {
        /// No whole response yet.
        case needMore
        /// The head, the body (de-chunked) and the bytes it took.
        case response(HTTPResponseHead, body: [UInt8], consumed: Int)
        /// Not an HTTP/1 response.
        case invalid(String)
    }

    /// The longest response head a client reads.
    public static let maxResponseHeadBytes = 64 * 1024

    // MARK: - Requests (server side)

    /// Parses the request at the start of `bytes`. Empty lines before the request line are
    /// skipped and bare LF line ends accepted (RFC 9112 §2.2); bodies need `Content-Length`
    /// (`Transfer-Encoding` is answered 501).
    public static func parseRequest(_ bytes: [UInt8], limits: Limits = Limits()) -> RequestResult {
        guard let end = headEnd(bytes) else {
            return bytes.count > limits.maxHeadBytes ? .invalid(status: 431) : .needMore
        }
        guard end.head <= limits.maxHeadBytes else { return .invalid(status: 431) }
        var lines = self.lines(bytes[0..<end.head])
        while lines.first == "" { lines.removeFirst() }
        guard let requestLine = lines.first else { return .invalid(status: 400) }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .invalid(status: 400) }
        guard let headers = fields(lines.dropFirst()) else { return .invalid(status: 400) }
        if headers["transfer-encoding"] != nil { return .invalid(status: 501) }
        let length = headers["content-length"].map { Int($0) ?? -1 } ?? 0
        guard length >= 0 else { return .invalid(status: 400) }
        guard length <= limits.maxBodyBytes else { return .invalid(status: 413) }
        let total = end.body + length
        guard bytes.count >= total else { return .needMore }
        let head = HTTPRequestHead(method: String(parts[0]), target: String(parts[1]), version: String(parts[2]), headers: headers)
        return .request(head, body: end.body..<total, consumed: total)
    }

    // MARK: - Responses (client side)

    /// Parses the response head at the start of `bytes`; `atEnd` says the peer closed, so no
    /// more bytes will come.
    public static func parseResponseHead(_ bytes: [UInt8], atEnd: Bool = false) -> HeadResult {
        guard let end = headEnd(bytes) else {
            if bytes.count > maxResponseHeadBytes { return .invalid("the answer's head is longer than \(maxResponseHeadBytes) bytes") }
            if atEnd { return .invalid(bytes.isEmpty ? "the connection closed without an answer" : "the answer ended inside its head") }
            return .needMore
        }
        let lines = self.lines(bytes[0..<end.head])
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.") else { return .invalid("not an HTTP/1 answer") }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[1].utf8.count == 3, let status = Int(parts[1]) else {
            return .invalid("the answer's status line is malformed")
        }
        guard let headers = fields(lines.dropFirst()) else { return .invalid("the answer has a malformed header line") }
        let head = HTTPResponseHead(status: status, reason: parts.count > 2 ? String(parts[2]) : "", version: String(parts[0]), headers: headers)
        return .head(head, consumed: end.body)
    }

    /// Parses the whole response at the start of `bytes`: the head, then the body framed by
    /// `Transfer-Encoding: chunked`, by `Content-Length`, or by the end of the connection
    /// (RFC 9112 §6.3). `bodyless` is for answers to `HEAD`; 1xx, 204 and 304 never have a body.
    /// At the end of the connection a body cut short is returned as far as it came.
    public static func parseResponse(_ bytes: [UInt8], atEnd: Bool = false, bodyless: Bool = false) -> ResponseResult {
        let head: HTTPResponseHead
        let start: Int
        switch parseResponseHead(bytes, atEnd: atEnd) {
        case .needMore: return .needMore
        case .invalid(let reason): return .invalid(reason)
        case .head(let h, let consumed): (head, start) = (h, consumed)
        }
        if bodyless || (100..<200).contains(head.status) || head.status == 204 || head.status == 304 {
            return .response(head, body: [], consumed: start)
        }
        if head.headers.contains("transfer-encoding", token: "chunked") {
            switch dechunk(bytes, from: start) {
            case .complete(let body, let end): return .response(head, body: body, consumed: end)
            case .partial(let body): return atEnd ? .response(head, body: body, consumed: bytes.count) : .needMore
            case .invalid(let reason): return .invalid(reason)
            }
        }
        if let text = head.headers["content-length"] {
            guard let length = Int(HTTPHeaders.trim(text)), length >= 0 else { return .invalid("the answer's Content-Length is not a number") }
            if bytes.count - start >= length { return .response(head, body: Array(bytes[start..<start + length]), consumed: start + length) }
            return atEnd ? .response(head, body: Array(bytes[start...]), consumed: bytes.count) : .needMore
        }
        return atEnd ? .response(head, body: Array(bytes[start...]), consumed: bytes.count) : .needMore
    }

    // MARK: - Pieces

    private enum Chunks {
        case complete([UInt8], end: Int)
        case partial([UInt8])
        case invalid(String)
    }

    /// A chunked body (RFC 9112 §7.1) from `start`: chunk sizes in hex (extensions ignored),
    /// then the last chunk and optional trailer lines.
    private static func dechunk(_ bytes: [UInt8], from start: Int) -> Chunks {
        var body: [UInt8] = []
        var i = start
        while true {
            guard let lineEnd = crlf(bytes, from: i) else { return .partial(body) }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first.map(HTTPHeaders.trim) ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { return .invalid("a chunk size is not hexadecimal") }
            i = lineEnd + 2
            if size == 0 {
                // Trailer fields, then the blank line.
                while true {
                    guard let end = crlf(bytes, from: i) else { return .partial(body) }
                    if end == i { return .complete(body, end: end + 2) }
                    i = end + 2
                }
            }
            guard bytes.count - i >= size + 2 else {
                body += bytes[i..<min(bytes.count, i + size)]
                return .partial(body)
            }
            body += bytes[i..<i + size]
            guard bytes[i + size] == 13, bytes[i + size + 1] == 10 else { return .invalid("a chunk does not end with CRLF") }
            i += size + 2
        }
    }

    /// The index of the next CR LF at or after `start`.
    private static func crlf(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + 1 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// Where the head ends: `head` is the index of the line feed ending the last header line
    /// (the blank line excluded), `body` the index after the blank line. Lines may end in CR LF
    /// or a bare LF.
    private static func headEnd(_ bytes: [UInt8]) -> (head: Int, body: Int)? {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x0A {
                if bytes[i + 1] == 0x0A { return (i, i + 2) }
                if bytes[i + 1] == 0x0D, i + 2 < bytes.count, bytes[i + 2] == 0x0A { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// The lines of a head, split on LF with a trailing CR dropped ("\r\n" is one Character in
    /// Swift strings, so the split is on bytes).
    private static func lines(_ bytes: ArraySlice<UInt8>) -> [String] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0.last == 0x0D ? $0.dropLast() : $0[...], as: UTF8.self)
        }
    }

    /// Header field lines; nil when one has no colon.
    private static func fields(_ lines: ArraySlice<String>) -> HTTPHeaders? {
        var headers = HTTPHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.add(String(line[..<colon]), HTTPHeaders.trim(line[line.index(after: colon)...]))
        }
        return headers
    }
}
