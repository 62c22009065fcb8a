import Foundation
import Glibc
import OpenClawConfig
import Testing

@Suite struct GatewayHTTPTests {
    @Test func healthAndReadiness() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port)
        defer { sim.signal(SIGKILL) }

        for path in ["/health", "/healthz"] {
            let reply = HTTPProbe.request(port: port, path: path)
            #expect(reply?.status == 200)
            #expect(reply?.body == #"{"ok":true,"status":"live"}"#)
        }
        #expect(await eventually { HTTPProbe.request(port: port, path: "/readyz")?.status == 200 })
        for path in ["/ready", "/readyz"] {
            let ready = try #require(HTTPProbe.request(port: port, path: path)?.json)
            #expect(ready["ready"] == .bool(true))
            #expect(ready["failing"] == .array([]))
            #expect(ready["uptimeMs"]?.intValue != nil)
            #expect(ready["configHash"]?.stringValue == sandbox.configHash)
            #expect(ready["pid"]?.intValue == Int64(sim.pid))
            // 2026.4.27 reports no structured conditions (the 2026.8 line adds them).
            #expect(ready["conditions"] == nil)
        }
        let head = HTTPProbe.request(port: port, method: "HEAD", path: "/healthz")
        #expect(head?.status == 200 && head?.body == "")
        let post = HTTPProbe.request(port: port, method: "POST", path: "/readyz")
        #expect(post?.status == 405)
        #expect(post?.headers["allow"] == "GET, HEAD")
        #expect(HTTPProbe.request(port: port, path: "/nope")?.status == 404)
    }

    @Test func manyConcurrentProbesAndKeepAlive() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port)
        defer { sim.signal(SIGKILL) }
        let statuses = await withTaskGroup(of: Int.self) { group in
            for i in 0..<64 {
                group.addTask { HTTPProbe.request(port: port, path: i % 2 == 0 ? "/healthz" : "/health")?.status ?? 0 }
            }
            var all: [Int] = []
            for await s in group { all.append(s) }
            return all
        }
        #expect(statuses.count == 64 && statuses.allSatisfy { $0 == 200 })

        // Two pipelined keep-alive requests on one connection, then a slow client idling.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let idle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(idle) }
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(idle, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        _ = send(idle, "GET /hea", 8, 0)  // incomplete request must not block others
        let twoRequests = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        _ = send(fd, twoRequests, twoRequests.utf8.count, 0)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "got: \(text)")
        #expect(text.contains("Connection: keep-alive") && text.contains("Connection: close"))
    }

    @Test func logFileHasOpenClawJSONLines() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port)
        sim.signal(SIGTERM)
        #expect(await sim.waitForExit() == 0)
        let lines = sandbox.read(sandbox.logPath).split(separator: "\n")
        let listening = try #require(lines.first { $0.contains("listening on") })
        let json = try JSON5.parse(String(listening))
        // tslog's shape (OpenClaw: src/logging/subsystem.ts): "0" the logger's name, "1" the message.
        #expect(json["0"]?.stringValue == #"{"subsystem":"gateway"}"#)
        #expect(json["1"]?.stringValue == "listening on ws://127.0.0.1:\(port) (PID \(sim.pid))")
        #expect(json["_meta"]?["name"] == .string(#"{"subsystem":"gateway"}"#))
        #expect(json["_meta"]?["logLevelName"] == .string("INFO"))
        #expect(json["time"]?.stringValue?.hasSuffix("Z") == true)
        // 2026.4.27 has no top-level message or hostname.
        #expect(json["message"] == nil && json["hostname"] == nil)
        #expect(sim.stdout.contains("[gateway] listening on ws://127.0.0.1:\(port)"))
    }
}
