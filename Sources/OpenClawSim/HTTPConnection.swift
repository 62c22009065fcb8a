import Glibc
import OpenClawWire

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

    /// Takes the next complete request off the input buffer (its body is dropped).
    func nextRequest() -> ParseResult {
        switch HTTPParser.parseRequest(input, limits: HTTPParser.Limits(maxHeadBytes: Self.maxHeaderBytes, maxBodyBytes: Self.maxBodyBytes)) {
        case .needMore:
            return .needMore
        case .invalid(let status):
            return .invalid(status: status)
        case .request(let head, _, let consumed):
            input.removeFirst(consumed)
            return .request(head)
        }
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
