import Glibc
import OpenClawWire

/// Accepts connections on the gateway port and answers HTTP requests on the event loop.
final class HTTPServer {
    typealias Handler = (HTTPRequest, HTTPConnection) -> HTTPResponse
    /// Takes over a connection whose request asked for a WebSocket upgrade.
    typealias UpgradeHandler = (HTTPRequest, HTTPConnection) -> Void

    private let listener: Listener
    private let loop: EventLoop
    private let handler: Handler
    /// Without one, upgrade requests get ordinary HTTP answers.
    var upgradeHandler: UpgradeHandler?
    private var connections: [Int32: HTTPConnection] = [:]
    private var sweepTimer: Int?

    static let maxConnections = 1024
    static let idleTimeoutMs: Int64 = 30_000

    init(listener: Listener, loop: EventLoop, handler: @escaping Handler) {
        self.listener = listener
        self.loop = loop
        self.handler = handler
        loop.watch(listener.fd, events: EventLoop.readable) { [unowned self] _ in self.acceptAll() }
    }

    /// Stops accepting and closes every connection.
    func shutdown() {
        loop.unwatch(listener.fd)
        listener.close()
        if let sweepTimer { loop.cancel(sweepTimer) }
        for connection in connections.values { drop(connection) }
    }

    private func acceptAll() {
        while let (fd, loopback) = listener.accept() {
            if connections.count >= Self.maxConnections {
                _ = Glibc.close(fd)
                continue
            }
            let connection = HTTPConnection(fd: fd, isLoopback: loopback)
            connections[fd] = connection
            loop.watch(fd, events: EventLoop.readable) { [unowned self] revents in
                self.service(connection, revents: revents)
            }
            // The idle sweep runs while there are connections to sweep (Node's idle-socket
            // timers are per socket): an idle gateway without clients has no timer to wake it.
            if sweepTimer == nil {
                sweepTimer = loop.schedule(afterMs: 5_000, repeating: 5_000) { [unowned self] in self.sweepIdle() }
            }
        }
    }

    private func service(_ connection: HTTPConnection, revents: Int16) {
        if revents & EventLoop.writable != 0 {
            flush(connection)
            if connections[connection.fd] == nil { return }
        }
        guard revents & ~EventLoop.writable != 0 else { return }
        let outcome = connection.readAvailable()
        process(connection)
        if outcome == .closed && connections[connection.fd] != nil {
            drop(connection)
        }
    }

    private func process(_ connection: HTTPConnection) {
        while !connection.closeAfterFlush {
            if let session = connection.webSocket {
                session.receive()
                break
            }
            switch connection.nextRequest() {
            case .request(let request) where request.isWebSocketUpgrade && upgradeHandler != nil:
                upgradeHandler?(request, connection)
            case .request(let request):
                let response = handler(request, connection)
                let keepAlive = request.keepAlive
                connection.enqueue(response.serialized(head: request.method == "HEAD", keepAlive: keepAlive))
                if !keepAlive { connection.closeAfterFlush = true }
            case .needMore:
                flush(connection)
                return
            case .invalid(let status):
                let response = HTTPResponse.json(status, #"{"ok":false,"error":"\#(HTTPResponseHead.reasonPhrase(status))"}"#)
                connection.enqueue(response.serialized(head: false, keepAlive: false))
                connection.closeAfterFlush = true
            }
        }
        flush(connection)
    }

    private func flush(_ connection: HTTPConnection) {
        switch connection.flush() {
        case .done:
            if connection.closeAfterFlush {
                drop(connection)
            } else {
                loop.setEvents(connection.fd, EventLoop.readable)
            }
        case .pending:
            loop.setEvents(connection.fd, EventLoop.readable | EventLoop.writable)
        case .failed:
            drop(connection)
        }
    }

    private func drop(_ connection: HTTPConnection) {
        loop.unwatch(connection.fd)
        connections[connection.fd] = nil
        connection.close()
    }

    private func sweepIdle() {
        let now = Clock.monotonicMs()
        for connection in connections.values
        where connection.webSocket == nil && now - connection.lastActivityMs > Self.idleTimeoutMs {
            drop(connection)
        }
        if connections.isEmpty, let sweepTimer {
            loop.cancel(sweepTimer)
            self.sweepTimer = nil
        }
    }
}
