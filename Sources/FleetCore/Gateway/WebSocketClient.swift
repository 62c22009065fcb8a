import FoundationEssentials
import Glibc
import OpenClawWire

/// Why the WebSocket layer stopped.
enum WebSocketFailure: Error, Sendable {
    case socket(SocketFailure)
    /// The HTTP upgrade was not accepted.
    case handshake(String)
    /// The peer broke RFC 6455.
    case violation(String)
    /// The peer sent a close frame (code nil when it carried none).
    case closedByPeer(code: UInt16?, reason: String)
}

/// A minimal RFC 6455 client over ``PlainSocket``: the opening handshake, masked text frames,
/// reassembly of fragmented messages, answers to pings, and the closing handshake.
final class WebSocketClient {
    private let socket: PlainSocket
    private var buffer: [UInt8] = []
    private(set) var isClosed = false

    /// The largest message accepted.
    static let maxMessage = 16 << 20

    /// Reads the gateway's frames (unmasked, as servers send them).
    private static let decoder = WebSocketFrameDecoder(sender: .server, maxPayload: maxMessage)

    private init(socket: PlainSocket) { self.socket = socket }

    /// Connects and performs the opening handshake (`GET path` with `Upgrade: websocket`).
    static func connect(host: String, port: Int, path: String = "/", deadline: Deadline) throws(WebSocketFailure) -> WebSocketClient {
        let socket: PlainSocket
        do { socket = try PlainSocket.connect(host: host, port: port, deadline: deadline) } catch { throw .socket(error) }
        let client = WebSocketClient(socket: socket)
        let key = WebSocketKey.random()
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let request = HTTPRequestHead(method: "GET", target: path, headers: [
            ("Host", hostHeader), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", key), ("Sec-WebSocket-Version", "13"), ("User-Agent", "fleet/\(FleetVersion.string)"),
        ])
        try client.write(request.encode(), deadline: deadline)
        let head = try client.readHead(deadline: deadline)
        guard head.status == 101 else {
            throw .handshake("the gateway answered '\(head.version) \(head.status) \(head.reason)' instead of 101 Switching Protocols")
        }
        guard head.headers["sec-websocket-accept"] == WebSocketKey.accept(for: key) else {
            throw .handshake("wrong Sec-WebSocket-Accept in the gateway's answer")
        }
        return client
    }

    /// Reads the HTTP response head; bytes after it (the first frames) stay buffered.
    private func readHead(deadline: Deadline) throws(WebSocketFailure) -> HTTPResponseHead {
        var atEnd = false
        while true {
            switch HTTPParser.parseResponseHead(buffer, atEnd: atEnd) {
            case .head(let head, let consumed):
                buffer.removeFirst(consumed)
                return head
            case .invalid(let reason):
                throw .handshake(atEnd ? "the gateway closed the connection during the upgrade" : reason)
            case .needMore:
                let chunk = try read(deadline: deadline)
                if chunk.isEmpty { atEnd = true }
                buffer += chunk
            }
        }
    }

    private func write(_ bytes: [UInt8], deadline: Deadline) throws(WebSocketFailure) {
        do { try socket.write(bytes, deadline: deadline) } catch { throw .socket(error) }
    }

    private func read(deadline: Deadline) throws(WebSocketFailure) -> [UInt8] {
        do { return try socket.read(deadline: deadline) } catch { throw .socket(error) }
    }

    /// Sends one frame, masked with a fresh key as every client frame must be (RFC 6455 §5.3).
    private func send(_ opcode: WebSocketFrame.Opcode, _ payload: [UInt8], deadline: Deadline) throws(WebSocketFailure) {
        try write(WebSocketFrame(opcode: opcode, payload: payload).encode(maskingKey: .random()), deadline: deadline)
    }

    /// Sends one text message in a single frame.
    func sendText(_ text: String, deadline: Deadline) throws(WebSocketFailure) {
        guard !isClosed else { throw .closedByPeer(code: nil, reason: "connection already closed") }
        try send(.text, Array(text.utf8), deadline: deadline)
    }

    /// The next complete text message; pings are answered and pongs skipped on the way.
    func receiveText(deadline: Deadline) throws(WebSocketFailure) -> String {
        var message: [UInt8] = []
        var inMessage = false
        while true {
            let frame = try nextFrame(deadline: deadline)
            switch frame.opcode {
            case .ping:
                try send(.pong, frame.payload, deadline: deadline)
            case .pong:
                continue
            case .close:
                let code = frame.closeCode
                let reason = frame.closeReason
                if !isClosed {
                    try? send(.close, Array(frame.payload.prefix(2)), deadline: deadline)
                    isClosed = true
                }
                socket.close()
                throw .closedByPeer(code: code, reason: reason)
            case .text, .binary:
                guard !inMessage else { throw .violation("a new message started before the fragmented one ended") }
                guard frame.opcode == .text else { throw .violation("the gateway sent a binary message") }
                message = frame.payload
                inMessage = true
            case .continuation:
                guard inMessage else { throw .violation("a continuation frame arrived outside a message") }
                message += frame.payload
                guard message.count <= Self.maxMessage else { throw .violation("a message exceeds \(Self.maxMessage) bytes") }
            }
            if inMessage && frame.fin && !frame.opcode.isControl {
                guard let text = String(validating: message, as: UTF8.self) else { throw .violation("a text message is not UTF-8") }
                return text
            }
        }
    }

    private func nextFrame(deadline: Deadline) throws(WebSocketFailure) -> WebSocketFrame {
        while true {
            switch Self.decoder.decode(buffer) {
            case .frame(let frame, let consumed):
                buffer.removeFirst(consumed)
                return frame
            case .invalid(let violation):
                throw .violation(violation.description)
            case .needMore:
                let chunk = try read(deadline: deadline)
                if chunk.isEmpty {
                    socket.close()
                    throw .socket(.closed)
                }
                buffer += chunk
            }
        }
    }

    /// Sends a close frame (1000) and closes the socket without waiting long for the answer.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        try? send(.close, [0x03, 0xE8], deadline: Deadline(.milliseconds(200)))
        socket.close()
    }
}
