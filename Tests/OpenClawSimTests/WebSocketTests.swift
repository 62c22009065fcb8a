import Foundation
import Glibc
import OpenClawConfig
import OpenClawWire
import Testing

/// A raw test-level WebSocket peer: it writes frames byte by byte as a client would (masked,
/// fragmented when asked) and reads the server's frames, so the stand-in's framing is checked
/// without fleet's client.
final class RawWebSocket {
    let fd: Int32
    private var buffer: [UInt8] = []

    init?(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if ok != 0 { close(fd); return nil }
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) { _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { return false }
        buffer += chunk[0..<n]
        return true
    }

    /// Sends the upgrade request and returns the response head.
    func upgrade(key: String = "dGhlIHNhbXBsZSBub25jZQ==", extra: String = "") -> String? {
        write(Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\(extra)\r\n".utf8))
        while true {
            if let end = String(decoding: buffer, as: UTF8.self).range(of: "\r\n\r\n") {
                let head = String(String(decoding: buffer, as: UTF8.self)[..<end.lowerBound])
                buffer.removeFirst(head.utf8.count + 4)
                return head
            }
            guard fill() else { return nil }
        }
    }

    /// A client frame, masked unless `masked` is false (OpenClawWire's encoder).
    static func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, masked: Bool = true) -> [UInt8] {
        guard let code = WebSocketFrame.Opcode(rawValue: opcode) else { return [] }
        return WebSocketFrame(fin: fin, opcode: code, payload: payload).encode(maskingKey: masked ? WebSocketMaskingKey(0x12, 0x34, 0x56, 0x78) : nil)
    }

    private static let decoder = WebSocketFrameDecoder(sender: .server, maxPayload: 1 << 20)

    /// The next server frame: (fin, opcode, payload), nil on end of stream, timeout or a violation.
    func readFrame() -> (fin: Bool, opcode: UInt8, payload: [UInt8])? {
        while true {
            switch Self.decoder.decode(buffer) {
            case .frame(let frame, let consumed):
                buffer.removeFirst(consumed)
                return (frame.fin, frame.opcode.rawValue, frame.payload)
            case .invalid:
                return nil
            case .needMore:
                guard fill() else { return nil }
            }
        }
    }

    func readJSON() -> JSONValue? {
        guard let f = readFrame(), f.opcode == 1 else { return nil }
        return try? JSON5.parse(String(decoding: f.payload, as: UTF8.self))
    }

    static func connectRequest(token: String?, id: String = "test", mode: String = "cli", min: Int = 3, max: Int = 4,
                               extra: String = "") -> [UInt8] {
        let auth = token.map { #"{"token":"\#($0)"}"# } ?? "{}"
        return Array(#"{"type":"req","id":"c1","method":"connect","params":{"minProtocol":\#(min),"maxProtocol":\#(max),"client":{"id":"\#(id)","version":"1","platform":"linux","mode":"\#(mode)"},"role":"operator","scopes":["operator.read"],"auth":\#(auth)\#(extra)}}"#.utf8)
    }

    /// A masked text frame carrying `json`.
    func sendText(_ json: String) { write(Self.frame(0x1, Array(json.utf8))) }
}

/// The stand-in's WebSocket server: RFC 6455 handshake and framing on the gateway port.
@Suite struct WebSocketTests {
    func start(env: [String: String] = [:]) async throws -> (SimSandbox, SimProcess, Int) {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port, arguments: ["--token", "tok"], env: env)
        return (sandbox, sim, port)
    }

    @Test func handshakeUsesTheRFCAcceptKeyThenChallenges() async throws {
        let (_, sim, port) = try await start()
        defer { sim.signal(SIGKILL) }
        let ws = try #require(RawWebSocket(port: port))
        let head = try #require(ws.upgrade())
        #expect(head.hasPrefix("HTTP/1.1 101 Switching Protocols"))
        // RFC 6455 §1.3's example: this key must give this accept value (SHA-1 + base64).
        #expect(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
        let challenge = try #require(ws.readJSON())
        #expect(challenge["event"]?.stringValue == "connect.challenge")
        #expect(challenge["payload"]?["nonce"]?.stringValue?.count == 36)
        #expect(challenge["payload"]?["ts"]?.intValue != nil)
    }

    @Test func fragmentedRequestAndPingsAreHandled() async throws {
        let (_, sim, port) = try await start()
        defer { sim.signal(SIGKILL) }
        let ws = try #require(RawWebSocket(port: port))
        _ = ws.upgrade()
        _ = ws.readJSON()
        // connect split in three fragments with a ping in between (control frames may interleave).
        let request = RawWebSocket.connectRequest(token: "tok")
        let a = Array(request[0..<10]), b = Array(request[10..<40]), c = Array(request[40...])
        ws.write(RawWebSocket.frame(0x1, a, fin: false))
        ws.write(RawWebSocket.frame(0x9, Array("hi".utf8)))
        ws.write(RawWebSocket.frame(0x0, b, fin: false))
        ws.write(RawWebSocket.frame(0x0, c, fin: true))
        let pong = try #require(ws.readFrame())
        #expect(pong.opcode == 0xA && pong.payload == Array("hi".utf8))
        let hello = try #require(ws.readJSON())
        #expect(hello["ok"]?.boolValue == true)
        #expect(hello["payload"]?["type"]?.stringValue == "hello-ok")
        // A large request (16-bit length) in one frame.
        let padding = String(repeating: "x", count: 300)
        ws.write(RawWebSocket.frame(0x1, Array(#"{"type":"req","id":"h","method":"health","params":{"pad":"\#(padding)"}}"#.utf8)))
        let health = try #require(ws.readJSON())
        #expect(health["id"]?.stringValue == "h" && health["payload"]?["ok"]?.boolValue == true)
        // Close handshake: the server echoes the code and closes.
        ws.write(RawWebSocket.frame(0x8, [0x03, 0xE8]))
        let close = try #require(ws.readFrame())
        #expect(close.opcode == 0x8 && close.payload.prefix(2) == [0x03, 0xE8])
        #expect(ws.readFrame() == nil)
    }

    @Test func unmaskedClientFramesAreAProtocolError() async throws {
        let (_, sim, port) = try await start()
        defer { sim.signal(SIGKILL) }
        let ws = try #require(RawWebSocket(port: port))
        _ = ws.upgrade()
        _ = ws.readJSON()
        ws.write(RawWebSocket.frame(0x1, RawWebSocket.connectRequest(token: "tok"), masked: false))
        let close = try #require(ws.readFrame())
        #expect(close.opcode == 0x8 && close.payload.prefix(2) == [0x03, 0xEA])  // 1002
    }

    @Test func wrongTokenIsRefusedThenClosedWith1008() async throws {
        let (_, sim, port) = try await start()
        defer { sim.signal(SIGKILL) }
        let ws = try #require(RawWebSocket(port: port))
        _ = ws.upgrade()
        _ = ws.readJSON()
        ws.write(RawWebSocket.frame(0x1, RawWebSocket.connectRequest(token: "nope")))
        let res = try #require(ws.readJSON())
        #expect(res["ok"]?.boolValue == false)
        #expect(res["error"]?["message"]?.stringValue?.contains("token mismatch") == true)
        let close = try #require(ws.readFrame())
        #expect(close.opcode == 0x8 && close.payload.prefix(2) == [0x03, 0xF0])  // 1008
        // HTTP keeps working on the same port, and a bad upgrade gets an HTTP answer.
        #expect(HTTPProbe.request(port: port, path: "/healthz")?.status == 200)
        let bad = try #require(RawWebSocket(port: port))
        #expect(bad.upgrade(key: "short")?.hasPrefix("HTTP/1.1 400") == true)
    }

    @Test func theFirstRequestMustBeConnect() async throws {
        let (_, sim, port) = try await start()
        defer { sim.signal(SIGKILL) }
        let ws = try #require(RawWebSocket(port: port))
        _ = ws.upgrade()
        _ = ws.readJSON()
        ws.write(RawWebSocket.frame(0x1, Array(#"{"type":"req","id":"1","method":"status"}"#.utf8)))
        let res = try #require(ws.readJSON())
        #expect(res["ok"]?.boolValue == false)
        #expect(ws.readFrame()?.opcode == 0x8)
    }
}
