import Glibc

/// One accepted client connection: buffers, HTTP/1.1 request parsing and non-blocking writes.
///
/// Kept separate from the server so that a later WebSocket upgrade can take over the same
/// connection (its `input` buffer and fd) on the gateway port.
final class HTTPConnection {
    let fd: Int32
    /// The peer connected from a loopback address.
    let isLoopback: Bool
    private(set) var input: [UInt8] = []
    private var output: [UInt8] = []
    private var outputOffset = 0
    /// Close once the pending output is written.
    var closeAfterFlush = false
    var lastActivityMs: Int64
    /// Set once the connection was upgraded; its frames then bypass HTTP parsing.
    var webSocket: WebSocketSession?

    static let maxHeaderBytes = 16 * 1024
    static let maxBodyBytes = 1024 * 1024

    init(fd: Int32, isLoopback: Bool) {
        self.fd = fd
        self.isLoopback = isLoopback
        lastActivityMs = Clock.monotonicMs()
    }

    enum ReadOutcome { case open, closed }

    /// Reads everything available; `.closed` on end of stream or error.
    func readAvailable() -> ReadOutcome {
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                input.append(contentsOf: chunk[0..<n])
                lastActivityMs = Clock.monotonicMs()
                if input.count > Self.maxHeaderBytes + Self.maxBodyBytes { return .closed }
                continue
            }
            if n == 0 { return .closed }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .open }
            return .closed
        }
    }

    enum ParseResult {
        case request(HTTPRequest)
        case needMore
        case invalid(status: Int)
    }

    /// Takes the next complete request off the input buffer.
    func nextRequest() -> ParseResult {
        guard let headEnd = findHeaderEnd() else {
            return input.count > Self.maxHeaderBytes ? .invalid(status: 431) : .needMore
        }
        // Split on LF at the byte level ("\r\n" is one Character in Swift strings).
        var lines = input[0..<headEnd.start].split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0.last == 0x0D ? $0.dropLast() : $0[...], as: UTF8.self)
        }
        // Tolerate empty lines before the request line (RFC 9112 §2.2).
        while lines.first == "" { lines.removeFirst() }
        guard let requestLine = lines.first else { return .invalid(status: 400) }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .invalid(status: 400) }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return .invalid(status: 400) }
            headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmed
        }
        if headers["transfer-encoding"] != nil { return .invalid(status: 501) }
        let bodyLength = Int(headers["content-length"] ?? "0") ?? -1
        guard bodyLength >= 0 else { return .invalid(status: 400) }
        guard bodyLength <= Self.maxBodyBytes else { return .invalid(status: 413) }
        let total = headEnd.end + bodyLength
        guard input.count >= total else { return .needMore }
        input.removeFirst(total)
        return .request(HTTPRequest(method: String(parts[0]), target: String(parts[1]), version: String(parts[2]), headers: headers))
    }

    private func findHeaderEnd() -> (start: Int, end: Int)? {
        guard input.count >= 2 else { return nil }
        var i = 0
        while i + 1 < input.count {
            if input[i] == 0x0A {
                if input[i + 1] == 0x0A { return (i, i + 2) }
                if input[i + 1] == 0x0D, i + 2 < input.count, input[i + 2] == 0x0A { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// Drops the first `count` bytes of input (consumed by the WebSocket framing).
    func consumeInput(_ count: Int) {
        input.removeFirst(min(count, input.count))
    }

    /// Forgets output not yet written.
    func discardOutput() {
        output.removeAll()
        outputOffset = 0
    }

    func enqueue(_ bytes: [UInt8]) {
        output.append(contentsOf: bytes)
    }

    var hasPendingOutput: Bool { outputOffset < output.count }

    enum FlushOutcome { case done, pending, failed }

    /// Writes as much pending output as the socket takes.
    func flush() -> FlushOutcome {
        while outputOffset < output.count {
            let n = output.withUnsafeBytes {
                send(fd, $0.baseAddress?.advanced(by: outputOffset), $0.count - outputOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputOffset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .pending }
            return .failed
        }
        output.removeAll(keepingCapacity: true)
        outputOffset = 0
        return .done
    }

    func close() {
        _ = Glibc.close(fd)
    }
}
