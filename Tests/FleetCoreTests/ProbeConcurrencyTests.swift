@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// Health probes never block a thread: probes of hung gateways are all in flight at once, each
/// ends at its deadline or when cancelled. No wall-clock bound: the tests count what a server saw
/// and who ended what.
@Suite struct ProbeConcurrencyTests {
    /// More probes than the cooperative pool has threads, so blocking probes could never all be
    /// in flight together.
    static let probes = max(8, 4 * ProcessInfo.processInfo.activeProcessorCount)

    @Test func observerProbesEveryHungGatewayAtOnce() async throws {
        let server = try HungServer()
        defer { server.stop() }
        let dir = try TempDirectory(prefix: "fleet-probes")
        // Bots whose pid records name this (live) process: to the observer, running gateways.
        let me = try #require(ProcessTable.process(getpid()))
        var ports: [String: Int] = [:]
        for i in 0..<Self.probes {
            let paths = BotPaths(root: dir.path, name: "hung\(i)")
            try FileManager.default.createDirectory(atPath: paths.directory, withIntermediateDirectories: true)
            let record = PidRecord(pid: me.pid, startTime: me.startTime, bot: paths.name, port: server.port, startedAt: Date())
            try FleetState.encoder.encode(record).write(to: URL(fileURLWithPath: paths.pidRecord))
            ports[paths.name] = server.port
        }
        // Probes that would block a pool thread each would go in batches, one batch per timeout,
        // and the server would see the first ones end before the last ones arrive. The timeout
        // is long so that a starved pool (a loaded machine) cannot end a probe before the last
        // one starts; only the server's stop ends them.
        let observer = Observer(root: dir.path, probeTimeout: .seconds(120))
        let observation = Task { await observer.observe(state: FleetState(), names: ports.keys.sorted(), ports: ports, only: true) }
        #expect(await server.waitForRequests(Self.probes))
        server.stop()  // every probe now reads end of stream
        let observed = await observation.value
        #expect(server.peakInFlight == Self.probes, "only \(server.peakInFlight) of \(Self.probes) probes were in flight at once")
        #expect(observed.count == Self.probes)
        #expect(observed.values.allSatisfy { $0.process?.pid == me.pid && $0.health?.live == false })
    }

    @Test func aHungProbeEndsAtItsDeadline() async throws {
        let server = try HungServer()
        defer { server.stop() }
        let watchdog = Watchdog(server)
        let health = await GatewayHealth.probe(port: server.port, timeout: .milliseconds(200))
        #expect(!watchdog.fired, "the probe ended only because the server was closed")
        watchdog.cancel()
        #expect(health == GatewayHealth(live: false, ready: nil, failing: []))
    }

    @Test func cancellingAProbeEndsItsWait() async throws {
        let server = try HungServer()
        defer { server.stop() }
        let watchdog = Watchdog(server)
        let waiter = SocketWaiter()
        let probe = Task {
            await GatewayHealth.probe(host: "127.0.0.1", port: server.port, deadline: Deadline(.seconds(600)), readiness: true, waiter: waiter)
        }
        #expect(await server.waitForRequests(1))
        #expect(await eventuallyAsync { waiter.load.waiting == 1 })
        probe.cancel()
        let health = await probe.value
        #expect(!watchdog.fired, "the probe ended only because the server was closed")
        watchdog.cancel()
        #expect(!health.live && waiter.load.waiting == 0 && waiter.load.peak == 1)
    }

    @Test func probesReadWhatAGatewayAnswers() async throws {
        // A gateway answering /healthz and a /readyz with failing checks, in small pieces.
        let server = try HungServer(answer: { path in
            path == "/healthz" ? "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"
                : "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"ready\":false,\"\r\n1e\r\nfailing\":[\"channel:telegram\"]}\r\n0\r\n\r\n"
        })
        defer { server.stop() }
        let health = await GatewayHealth.probe(port: server.port, timeout: .seconds(60))
        #expect(health == GatewayHealth(live: true, ready: false, failing: ["channel:telegram"]))
        #expect(await GatewayHealth.probe(port: server.port, timeout: .seconds(60), readiness: false) == GatewayHealth(live: true, ready: nil, failing: []))
        // Nothing listening: not live, at once.
        server.stop()
        #expect(await GatewayHealth.probe(port: server.port, timeout: .seconds(60)).live == false)
        #expect(await GatewayHealth.probe(host: "not-an-address", port: server.port, timeout: .seconds(60)).live == false)
    }
}

/// Polls `condition` (every 10 ms, up to two minutes) without blocking a thread.
func eventuallyAsync(_ condition: @Sendable () -> Bool) async -> Bool {
    for _ in 0..<12_000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Stops `server` after a minute if the test has not finished by then, and says so: a probe
/// that ends only then did not end by itself.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var _fired = false
    private var task: Task<Void, Never>?
    var fired: Bool { lock.withLock { _fired } }

    init(_ server: HungServer) {
        task = Task { [self] in
            try? await Task.sleep(for: .seconds(60))
            guard !Task.isCancelled else { return }
            lock.withLock { _fired = true }
            server.stop()
        }
    }

    func cancel() { task?.cancel() }
}

/// A loopback server that accepts connections and reads each request, then says nothing (a
/// gateway stopped by SIGSTOP looks the same from outside) unless given an answer.
final class HungServer: @unchecked Sendable {
    let port: Int
    private let listenFD: Int32
    private let lock = NSLock()
    private var clients: [Int32] = []
    private var _requests = 0
    private var stopped = false

    private var _peak = 0

    /// Requests read so far.
    var requests: Int { lock.withLock { _requests } }
    /// The most requests waiting for an answer at once (their clients still connected).
    var peakInFlight: Int { lock.withLock { _peak } }

    init(answer: (@Sendable (String) -> String)? = nil) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 256) == 0 else { throw ListenFailed() }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listenFD = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                let keep = lock.withLock { () -> Bool in
                    if !stopped { clients.append(client) }
                    return !stopped
                }
                guard keep else { close(client); return }
                var head: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 1024)
                while !String(decoding: head, as: UTF8.self).contains("\r\n\r\n") {
                    let n = recv(client, &chunk, chunk.count, 0)
                    guard n > 0 else { break }
                    head += chunk[0..<n]
                }
                lock.withLock {
                    _requests += 1
                    // Probes still waiting: requests read whose client has not closed (a peek
                    // that reads 0 bytes is the client's end of stream).
                    var byte: UInt8 = 0
                    let open = clients.filter { recv($0, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT)) != 0 }
                    _peak = Swift.max(_peak, open.count)
                }
                if let answer {
                    let path = String(decoding: head, as: UTF8.self).split(separator: " ").dropFirst().first.map(String.init) ?? "/"
                    // In pieces, as a busy peer may write.
                    for piece in Array(answer(path).utf8).chunked(7).map(Array.init) {
                        _ = send(client, piece, piece.count, Int32(MSG_NOSIGNAL))
                    }
                    // Closed here unless stop() closed it already.
                    let mine = lock.withLock { () -> Bool in
                        guard let i = clients.firstIndex(of: client) else { return false }
                        clients.remove(at: i)
                        return true
                    }
                    if mine { close(client) }
                }
            }
        }
    }

    /// Waits (without blocking a thread) until `count` requests arrived; false if they never do.
    func waitForRequests(_ count: Int) async -> Bool {
        await eventuallyAsync { self.requests >= count }
    }

    /// Stops listening and closes every connection (idempotent).
    func stop() {
        let open = lock.withLock { () -> [Int32]? in
            if stopped { return nil }
            stopped = true
            defer { clients = [] }
            return clients
        }
        guard let open else { return }
        shutdown(listenFD, Int32(SHUT_RDWR))
        for client in open {
            shutdown(client, Int32(SHUT_RDWR))
            close(client)
        }
    }

    deinit {
        stop()
        close(listenFD)
    }
}

struct ListenFailed: Error {}

extension Array {
    /// The array in pieces of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
