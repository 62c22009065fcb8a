@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import OpenClawWire
import TestChild
#if canImport(Glibc)
import Glibc
#endif

/// An `openclaw-sim` gateway on a free loopback port with a private state dir, for protocol tests.
final class SimGateway: @unchecked Sendable {
    let dir: TempDirectory
    let port = freePort()
    let token = "gw-token-\(UUID().uuidString.prefix(8))"
    let process: TestChild

    var stateDir: String { dir.file("state") }

    /// The persona's release.
    let release: String

    /// Starts the gateway (OpenClaw `release`, 2026.4.27 unless said) with `channels` spliced into
    /// a standard config of that release (`sessions` seeds the 2026.4 store), and waits (off the
    /// cooperative pool) until it answers `/healthz`.
    static func start(channels: String = "", extraEnv: [String: String] = [:], sessions: JSONValue? = nil,
                      release: String = "2026.4.27") async throws -> SimGateway {
        let gateway = try SimGateway(channels: channels, extraEnv: extraEnv, sessions: sessions, release: release)
        let port = gateway.port
        guard await eventually({ HTTPProbe.get(port: port, path: "/healthz")?.status == 200 }) else { throw GatewayStartFailed() }
        return gateway
    }

    /// Starts the gateway process (without waiting for it).
    private init(channels: String, extraEnv: [String: String], sessions: JSONValue?, release: String) throws {
        self.release = release
        dir = try TempDirectory(prefix: "fleet-gw")
        try FileManager.default.createDirectory(atPath: dir.file("state/agents/support/sessions"), withIntermediateDirectories: true)
        if let sessions {
            try Data(sessions.json(pretty: true).utf8).write(to: URL(fileURLWithPath: dir.file("state/agents/support/sessions/sessions.json")))
        }
        let newer = (OpenClawRelease(release) ?? OpenClawReleaseTable.newestKnown) >= OpenClawRelease(year: 2026, month: 8)
        let agents = newer ? #"{ entries: { support: { name: "Support" } } }"# : #"{ list: [{ id: "support", default: true }] }"#
        let config = """
            {
              // written by the protocol tests
              gateway: { mode: "local", port: \(port), auth: { mode: "token" } },
              logging: { file: "\(dir.file("gateway.log"))" },
              agents: \(agents),
              channels: { \(channels) },
            }
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: dir.file("config.json5")))
        var env = ["HOME": dir.path, "PATH": "/usr/bin:/bin", "OPENCLAW_STATE_DIR": dir.file("state"),
                   "OPENCLAW_CONFIG_PATH": dir.file("config.json5"), "OPENCLAW_GATEWAY_TOKEN": token,
                   "OPENCLAW_SIM_VERSION": release, "OPENCLAW_NO_RESPAWN": "1"]
        env.merge(extraEnv) { $1 }
        process = try TestChild(TestPaths.executable("openclaw-sim"), ["gateway", "run"], env: env)
    }

    struct GatewayStartFailed: Error {}

    deinit {
        process.kill()
        process.waitForExit()
    }
}

/// A scripted WebSocket server on one thread, to drive fleet's client through what a gateway may
/// send: fragmented messages, pings, close frames, silence.
final class ScriptedServer: @unchecked Sendable {
    let port: Int
    private let listenFD: Int32
    private let lock = NSLock()
    private var _log: [String] = []
    /// What the server saw, in order (`pong:...`, `req:method`, `close:code`).
    var log: [String] { lock.withLock { _log } }

    /// Listens on a free port and runs `script` with the first accepted connection.
    convenience init(_ script: @escaping @Sendable (ScriptedServer, Connection) -> Void) {
        self.init(connections: 1) { server, connection, _ in script(server, connection) }
    }

    /// Listens on a free port and runs `script` with each of the first `connections` accepted
    /// connections, one after the other, with its index.
    init(connections: Int, _ script: @escaping @Sendable (ScriptedServer, Connection, Int) -> Void) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listenFD = fd
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        listen(fd, 4)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread.detachNewThread { [self] in
            for index in 0..<connections {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                let connection = Connection(fd: client)
                script(self, connection, index)
                close(client)
            }
        }
    }

    deinit {
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }

    func note(_ entry: String) { lock.withLock { _log.append(entry) } }

    /// One accepted connection with blocking reads. The timeout is long (120 s) on purpose: the
    /// suite's blocking end-to-end tests can keep both cooperative threads of a 2-core machine busy,
    /// so the client's next request may come late; the server must not give up first.
    final class Connection: @unchecked Sendable {
        let fd: Int32
        private var buffer: [UInt8] = []

        init(fd: Int32) {
            self.fd = fd
            var tv = timeval(tv_sec: 120, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }

        func write(_ bytes: [UInt8]) { _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) }

        private func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return false }
            buffer += chunk[0..<n]
            return true
        }

        /// Reads the upgrade request and answers 101 with the right accept key.
        func acceptUpgrade() {
            var request: HTTPRequestHead?
            while request == nil {
                switch HTTPParser.parseRequest(buffer) {
                case .request(let head, _, let consumed):
                    buffer.removeFirst(consumed)
                    request = head
                case .invalid:
                    return
                case .needMore:
                    guard fill() else { return }
                }
            }
            let key = request?.headers["sec-websocket-key"] ?? ""
            write(HTTPResponseHead(status: 101, headers: [
                ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", WebSocketKey.accept(for: key)),
            ]).encode())
        }

        /// An unmasked server frame (OpenClawWire's encoder, as the stand-in writes them).
        static func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
            guard let code = WebSocketFrame.Opcode(rawValue: opcode) else { return [] }
            return WebSocketFrame(fin: fin, opcode: code, payload: payload).encode()
        }

        func sendText(_ text: String) { write(Self.frame(0x1, Array(text.utf8))) }

        private static let decoder = WebSocketFrameDecoder(sender: .client, maxPayload: 1 << 20)

        /// The next client frame, unmasked (nil at the end of the stream or on a protocol violation).
        func readFrame() -> (opcode: UInt8, payload: [UInt8])? {
            while true {
                switch Self.decoder.decode(buffer) {
                case .frame(let frame, let consumed):
                    buffer.removeFirst(consumed)
                    return (frame.opcode.rawValue, frame.payload)
                case .invalid:
                    return nil
                case .needMore:
                    guard fill() else { return nil }
                }
            }
        }

        /// The next client request (skipping pongs, which are noted).
        func readRequest(_ server: ScriptedServer) -> JSONValue? {
            while let frame = readFrame() {
                switch frame.opcode {
                case 0xA: server.note("pong:" + String(decoding: frame.payload, as: UTF8.self))
                case 0x8: server.note("close:\(frame.payload.count >= 2 ? Int(frame.payload[0]) << 8 | Int(frame.payload[1]) : 0)")
                    return nil
                case 0x1:
                    let value = try? JSON5.parse(String(decoding: frame.payload, as: UTF8.self))
                    server.note("req:" + (value?["method"]?.stringValue ?? "?"))
                    return value
                default: continue
                }
            }
            return nil
        }
    }
}
