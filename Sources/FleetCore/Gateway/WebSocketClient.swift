import OpenClawConfig
import FoundationEssentials
import Glibc

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

    private init(socket: PlainSocket) { self.socket = socket }

    /// Connects and performs the opening handshake (`GET path` with `Upgrade: websocket`).
    static func connect(host: String, port: Int, path: String = "/", deadline: Deadline) throws(WebSocketFailure) -> WebSocketClient {
        let socket: PlainSocket
        do { socket = try PlainSocket.connect(host: host, port: port, deadline: deadline) } catch { throw .socket(error) }
        let client = WebSocketClient(socket: socket)
        let key = WebSocketSHA1.base64((0..<16).map { _ in UInt8.random(in: 0...255) })
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let request = "GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\nUser-Agent: fleet/\(FleetVersion.string)\r\n\r\n"
        try client.write(Array(request.utf8), deadline: deadline)
        let head = try client.readHead(deadline: deadline)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let status = lines.first.map(String.init) ?? ""
        guard status.split(separator: " ").dropFirst().first == "101" else {
            throw .handshake("the gateway answered '\(status)' instead of 101 Switching Protocols")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmed
        }
        guard headers["sec-websocket-accept"] == WebSocketSHA1.acceptKey(for: key) else {
            throw .handshake("wrong Sec-WebSocket-Accept in the gateway's answer")
        }
        return client
    }

    /// Reads up to the blank line ending the HTTP response head; bytes after it stay buffered.
    private func readHead(deadline: Deadline) throws(WebSocketFailure) -> String {
        let terminator: [UInt8] = [13, 10, 13, 10]
        while true {
            if buffer.count >= 4, let end = (0...(buffer.count - 4)).first(where: { Array(buffer[$0..<$0 + 4]) == terminator }) {
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                return head
            }
            guard buffer.count < 16_384 else { throw .handshake("the gateway's answer has no end of headers") }
            let chunk = try read(deadline: deadline)
            guard !chunk.isEmpty else { throw .handshake("the gateway closed the connection during the upgrade") }
            buffer += chunk
        }
    }

    private func write(_ bytes: [UInt8], deadline: Deadline) throws(WebSocketFailure) {
        do { try socket.write(bytes, deadline: deadline) } catch { throw .socket(error) }
    }

    private func read(deadline: Deadline) throws(WebSocketFailure) -> [UInt8] {
        do { return try socket.read(deadline: deadline) } catch { throw .socket(error) }
    }

    private func send(_ opcode: WebSocketClientFrame.Opcode, _ payload: [UInt8], deadline: Deadline) throws(WebSocketFailure) {
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        try write(WebSocketClientFrame.encode(opcode, payload, mask: mask), deadline: deadline)
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
                let code = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : nil
                let reason = frame.payload.count > 2 ? String(decoding: frame.payload[2...], as: UTF8.self) : ""
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

    private func nextFrame(deadline: Deadline) throws(WebSocketFailure) -> WebSocketClientFrame {
        while true {
            switch WebSocketClientFrame.parse(buffer, maxPayload: Self.maxMessage) {
            case .frame(let frame, let consumed):
                buffer.removeFirst(consumed)
                return frame
            case .invalid(let reason):
                throw .violation(reason)
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
