import Glibc
import OpenClawConfig
import OpenClawWire

/// One RPC to the running gateway on loopback, as the CLI of later releases makes after
/// `channels login`: connect as `gateway-client`/`backend` without a device identity, with the
/// gateway token from `OPENCLAW_GATEWAY_TOKEN` or `gateway.auth.token` (OpenClaw:
/// reconcileGatewayRuntimeAfterLocalLogin, callGateway). Blocking, with a 5 s budget.
enum GatewayCall {
    struct Failure: Error { var message: String }

    static func call(port: Int, token: String?, method: String, params: JSONValue, protocolVersion: Int) throws(Failure) -> JSONValue {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "socket: \(FileSystem.describe(errno: errno))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(message: "connect ECONNREFUSED 127.0.0.1:\(port)") }
        let key = WebSocketKey.random()
        write(fd, Array("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n".utf8))
        var buffer: [UInt8] = []
        while !containsHeadEnd(buffer) {
            guard let chunk = read(fd) else { throw Failure(message: "gateway closed during the upgrade") }
            buffer += chunk
        }
        guard let end = headEnd(buffer), String(decoding: buffer[0..<end], as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
            throw Failure(message: "gateway refused the WebSocket upgrade")
        }
        buffer.removeFirst(end + 4)
        let decoder = WebSocketFrameDecoder(sender: .server, maxPayload: 16 << 20)
        func next() throws(Failure) -> JSONValue {
            while true {
                switch decoder.decode(buffer) {
                case .frame(let frame, let consumed):
                    buffer.removeFirst(consumed)
                    if frame.opcode == .close {
                        throw Failure(message: "gateway closed (\(frame.closeReason))")
                    }
                    guard frame.opcode == .text, let value = try? JSON5.parse(String(decoding: frame.payload, as: UTF8.self)) else { continue }
                    return value
                case .invalid(let violation):
                    throw Failure(message: violation.description)
                case .needMore:
                    guard let chunk = read(fd) else { throw Failure(message: "gateway closed the connection") }
                    buffer += chunk
                }
            }
        }
        func send(_ value: JSONValue) {
            write(fd, WebSocketFrame(opcode: .text, payload: Array(value.json(pretty: false).utf8)).encode(maskingKey: .random()))
        }
        func request(_ id: String, _ method: String, _ params: JSONValue) throws(Failure) -> JSONValue {
            send(.object(["type": .string("req"), "id": .string(id), "method": .string(method), "params": params]))
            while true {
                let frame = try next()
                guard frame["type"]?.stringValue == "res", frame["id"]?.stringValue == id else { continue }
                guard frame["ok"]?.boolValue == true else {
                    throw Failure(message: frame["error"]?["message"]?.stringValue ?? "request failed")
                }
                return frame["payload"] ?? .null
            }
        }
        while try next()["event"]?.stringValue != "connect.challenge" {}
        var auth: [String: JSONValue] = [:]
        if let token { auth["token"] = .string(token) }
        _ = try request("c1", "connect", .object([
            "minProtocol": .int(Int64(protocolVersion)), "maxProtocol": .int(Int64(protocolVersion)),
            "client": .object(["id": .string(GatewayClientCatalog.fleetClientId), "version": .string("openclaw-sim"),
                               "platform": .string("linux"), "mode": .string(GatewayClientCatalog.fleetClientMode)]),
            "role": .string("operator"), "scopes": .array([.string("operator.admin")]), "auth": .object(auth),
        ]))
        return try request("r1", method, params)
    }

    private static func write(_ fd: Int32, _ bytes: [UInt8]) { FileSystem.writeAll(fd, bytes) }

    private static func read(_ fd: Int32) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 8192)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(chunk[0..<n]) : nil
    }

    private static func headEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        return (0...(b.count - 4)).first { b[$0] == 13 && b[$0 + 1] == 10 && b[$0 + 2] == 13 && b[$0 + 3] == 10 }
    }

    private static func containsHeadEnd(_ b: [UInt8]) -> Bool { headEnd(b) != nil }
}
