import FoundationEssentials
import Synchronization
import OpenClawWire
#if canImport(Glibc)
import Glibc
#endif

/// Serves Prometheus' text format on `host:port` from a snapshot the daemon updates.
public final class MetricsServer: Sendable {
    private let text = Mutex("")
    private let fd: Int32
    /// The port it listens on.
    public let port: Int

    /// Listens on `address` (`127.0.0.1:9100`; port 0 picks one).
    public init(address: String) throws {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), port >= 0, port < 65536 else {
            throw ApplyError(.metricsListen, "--metrics-listen needs host:port, got '\(address)'")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr(String(parts[0]))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else {
            let e = errno
            close(fd)
            throw ApplyError(.metricsListen, "cannot listen on \(address) for metrics: \(String(cString: strerror(e)))")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: addr.sin_port))
        detachThread(name: "fleet-metrics") { [weak self] in self?.serve() }
    }

    /// Replaces the text served.
    public func update(_ text: String) { self.text.withLock { $0 = text } }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            var tv = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let response: [UInt8]
            if let request = Self.readRequest(client), request.method == "GET", request.path == "/metrics" || request.path == "/" {
                let body = Array(text.withLock { $0 }.utf8)
                let head = HTTPResponseHead(status: 200, headers: [
                    ("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Content-Length", String(body.count)), ("Connection", "close"),
                ])
                response = head.encode() + body
            } else {
                response = HTTPResponseHead(status: 404, headers: [("Content-Length", "0"), ("Connection", "close")]).encode()
            }
            var sent = 0
            while sent < response.count {
                let n = response.withUnsafeBytes { send(client, $0.baseAddress?.advanced(by: sent), $0.count - sent, Int32(MSG_NOSIGNAL)) }
                if n > 0 { sent += n } else if n < 0 && errno == EINTR { continue } else { break }
            }
            close(client)
        }
    }

    /// The request head on `client`, read within the socket's receive timeout; nil when none comes.
    private static func readRequest(_ client: Int32) -> HTTPRequestHead? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            switch HTTPParser.parseRequest(data, limits: HTTPParser.Limits(maxHeadBytes: 8192, maxBodyBytes: 0)) {
            case .request(let head, _, _): return head
            case .invalid: return nil
            case .needMore: break
            }
            let n = recv(client, &buffer, buffer.count, 0)
            if n > 0 {
                data += buffer[0..<n]
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return nil
            }
        }
    }
}

/// Prometheus text for a state.
public enum Metrics {
    static func label(_ s: String) -> String {
        s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }

    /// The exposition text of `state` plus the daemon's counters.
    public static func text(_ state: FleetState, fetchErrors: Int, lastSuccess: Date?, reconcileSeconds: Double?) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ type: String = "gauge") {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        let bots = state.bots.keys.sorted()
        family("fleet_bot_up", "1 when the bot's gateway answered /healthz at the last look.")
        for name in bots {
            let up = state.bots[name].map { $0.pid != nil && ($0.health?.live ?? false) } ?? false
            out += "fleet_bot_up{bot=\"\(label(name))\"} \(up ? 1 : 0)\n"
        }
        family("fleet_bot_phase", "1 for the bot's current phase.")
        for name in bots {
            guard let phase = state.bots[name]?.phase else { continue }
            for p in BotPhase.allCases {
                out += "fleet_bot_phase{bot=\"\(label(name))\",phase=\"\(p.rawValue)\"} \(p == phase ? 1 : 0)\n"
            }
        }
        family("fleet_bot_restarts_total", "Restarts fleet made of the bot's gateway.", "counter")
        for name in bots { out += "fleet_bot_restarts_total{bot=\"\(label(name))\"} \(state.bots[name]?.restarts ?? 0)\n" }
        family("fleet_bot_last_exit_code", "Exit code of the bot's last gateway process (-1 when a signal ended it).")
        for name in bots {
            guard let exit = state.bots[name]?.lastExit else { continue }
            out += "fleet_bot_last_exit_code{bot=\"\(label(name))\",signal=\"\(label(exit.signal ?? ""))\"} \(exit.code ?? -1)\n"
        }
        family("fleet_applied_commit_info", "The commit applied.")
        out += "fleet_applied_commit_info{commit=\"\(label(state.appliedCommit ?? ""))\"} 1\n"
        family("fleet_fetched_commit_info", "The commit last fetched.")
        out += "fleet_fetched_commit_info{commit=\"\(label(state.fetchedCommit ?? ""))\"} 1\n"
        family("fleet_reconcile_duration_seconds", "Duration of the last reconcile.")
        out += "fleet_reconcile_duration_seconds \(reconcileSeconds ?? 0)\n"
        family("fleet_last_success_timestamp_seconds", "When a reconcile last succeeded (Unix time).")
        out += "fleet_last_success_timestamp_seconds \(lastSuccess.map { $0.timeIntervalSince1970.fixed(3) } ?? "0")\n"
        family("fleet_fetch_errors_total", "Failed fetches of the source since the daemon started.", "counter")
        out += "fleet_fetch_errors_total \(fetchErrors)\n"
        return out
    }
}
