import OpenClawConfig
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension GatewayLaunch {
    /// The address the gateway listens on, as OpenClaw resolves its bind mode on this host
    /// (OpenClaw: src/gateway/net.ts): `0.0.0.0` for lan, `customBindHost` for custom when it is an
    /// IPv4 address this host can bind, this host's tailnet address for tailnet, else loopback.
    public var listenHost: String {
        let release = self.release.flatMap(OpenClawRelease.init) ?? OpenClawReleaseTable.newestKnown
        return OpenClawReleaseTable.value(.bindHosts, for: release).listenHost(
            bind: bind, customBindHost: customBindHost, tailnetIPv4: bind == "tailnet" ? HostNetwork.tailnetIPv4() : nil,
            canBind: HostNetwork.canBind)
    }

    /// Where probes, port checks and clients reach the gateway: its listen address, or
    /// 127.0.0.1 when it listens on every address.
    public var connectHost: String {
        let host = listenHost
        return host == "0.0.0.0" ? "127.0.0.1" : host
    }
}

/// This host's addresses, as the gateway would see them.
public enum HostNetwork {
    /// The first IPv4 address in Tailscale's range (100.64.0.0/10) on an interface that is up.
    public static func tailnetIPv4() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let addr = entry.pointee.ifa_addr, addr.pointee.sa_family == sa_family_t(AF_INET),
                  entry.pointee.ifa_flags & UInt32(IFF_UP) != 0 else { continue }
            let ip = addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
            // 100.64.0.0/10: the first octet 100, the next two bits 01.
            if ip >> 22 == (100 << 2 | 1) {
                return "\(ip >> 24).\((ip >> 16) & 0xFF).\((ip >> 8) & 0xFF).\(ip & 0xFF)"
            }
        }
        return nil
    }

    /// Whether `host` (IPv4) can be bound here (a socket bound to port 0, then closed). The
    /// answer is kept for a few seconds: a plan asks it for every bot (1,000 sockets made and
    /// bound were 5 % of `fleet plan`), and a host's addresses do not come and go that fast.
    public static func canBind(_ host: String) -> Bool {
        let now = monotonicSeconds()
        if let known = bindable.withLock({ $0[host] }), now - known.at < 5 { return known.ok }
        let ok = tryBind(host)
        bindable.withLock { $0[host] = (ok, now) }
        return ok
    }

    private static let bindable = Mutex<[String: (ok: Bool, at: Double)]>([:])

    private static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private static func tryBind(_ host: String) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { return false }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
