import FoundationEssentials
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What `/proc` says about a process.
public struct ProcessInfoRecord: Sendable, Hashable {
    /// The pid.
    public var pid: Int32
    /// Start time in clock ticks after boot (field 22 of /proc/PID/stat).
    public var startTime: UInt64
    /// The state letter (R, S, Z, ...).
    public var state: Character
    /// The command line.
    public var commandLine: [String]
    /// The parent's pid (field 4 of /proc/PID/stat).
    public var parentPid: Int32 = 0
    /// The process group (field 5).
    public var processGroup: Int32 = 0
    /// The session (field 6): a gateway fleet starts leads its own (pid == session).
    public var session: Int32 = 0

    /// A zombie has exited and waits to be reaped.
    public var isZombie: Bool { state == "Z" || state == "X" }
}

/// Reads the process table from `/proc` (Linux).
public enum ProcessTable {
    /// The process `pid`, if it exists.
    public static func process(_ pid: Int32) -> ProcessInfoRecord? {
        guard let stat = stat(pid) else { return nil }
        let cmdline = HostFiles.read("/proc/\(pid)/cmdline") ?? []
        let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return ProcessInfoRecord(pid: pid, startTime: stat.startTime, state: Character(Unicode.Scalar(stat.state)),
                                 commandLine: args, parentPid: stat.parentPid, processGroup: stat.processGroup,
                                 session: stat.session)
    }

    /// The fields of `/proc/PID/stat` fleet uses, parsed from its bytes (no strings: the applier
    /// asks this of every starting gateway at each health poll).
    struct Stat: Equatable {
        var state: UInt8
        var parentPid: Int32
        var processGroup: Int32
        var session: Int32
        var startTime: UInt64
    }

    /// `/proc/PID/stat`, parsed; nil when the process does not exist.
    static func stat(_ pid: Int32) -> Stat? {
        guard pid > 0, let bytes = HostFiles.read("/proc/\(pid)/stat") else { return nil }
        return parseStat(bytes)
    }

    /// Parses the text of `/proc/PID/stat`. The command name is in parentheses and may hold
    /// spaces and parentheses: the fields start after the last ')'. Field 3 is the state, 4-6
    /// ppid, pgrp, session; field 22 the start time (proc(5)).
    static func parseStat(_ bytes: [UInt8]) -> Stat? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        var field = 2  // the field the cursor is in (1-based, as proc(5) numbers them)
        var values: [Int: UInt64] = [:]
        var state: UInt8?
        var value: UInt64 = 0
        var inField = false
        for byte in bytes[(close + 1)...] {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") {
                if inField, field != 3 { values[field] = value }
                if inField, field == 22 { break }
                inField = false
                continue
            }
            if !inField {
                inField = true
                field += 1
                value = 0
                if field == 3 { state = byte }
            }
            if field != 3 {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                    if byte == UInt8(ascii: "-") { continue }  // a negative field (tty_pgrp -1): not one fleet reads
                    return nil
                }
                value = value &* 10 &+ UInt64(byte - UInt8(ascii: "0"))
            }
        }
        guard let state, let start = values[22] else { return nil }
        func int32(_ v: UInt64?) -> Int32 { v.flatMap { Int32(exactly: $0) } ?? 0 }
        return Stat(state: state, parentPid: int32(values[4]), processGroup: int32(values[5]), session: int32(values[6]),
                    startTime: start)
    }

    /// Whether `pid` is alive with the given start time (so a reused pid never matches).
    public static func isAlive(_ pid: Int32, startTime: UInt64?) -> Bool {
        guard let info = stat(pid), info.state != UInt8(ascii: "Z"), info.state != UInt8(ascii: "X") else { return false }
        if let startTime { return info.startTime == startTime }
        return true
    }

    /// Every pid in /proc.
    public static func allPids() -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }
    }

    /// The environment of `pid` (readable for our own processes).
    public static func environment(_ pid: Int32) -> [String: String]? {
        guard let bytes = HostFiles.read("/proc/\(pid)/environ") else { return nil }
        var env: [String: String] = [:]
        for entry in bytes.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            if let eq = text.firstIndex(of: "=") { env[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
        }
        return env
    }

    /// Gateways started by fleet for state root `root`, by bot name: every live process whose
    /// `OPENCLAW_CONFIG_PATH` is `<root>/bots/<name>/config.json5`.
    public static func gateways(under root: String) -> [String: [ProcessInfoRecord]] {
        let prefix = "OPENCLAW_CONFIG_PATH=\(root)/bots/"
        let needle = Array(prefix.utf8)
        var out: [String: [ProcessInfoRecord]] = [:]
        for pid in allPids() where pid != getpid() {
            guard let bytes = HostFiles.read("/proc/\(pid)/environ") else { continue }
            for entry in bytes.split(separator: 0) where entry.starts(with: needle) {
                let rest = String(decoding: entry.dropFirst(needle.count), as: UTF8.self)
                guard rest.hasSuffix("/config.json5") else { continue }
                let name = String(rest.dropLast("/config.json5".count))
                if !name.contains("/"), let info = process(pid), !info.isZombie { out[name, default: []].append(info) }
            }
        }
        return out
    }

    /// The process listening on (or bound to) TCP `port` (IPv4 or IPv6), if it can be found; a
    /// record with pid 0 when the port is taken but its holder cannot be seen (another user's).
    public static func listener(on port: Int) -> ProcessInfoRecord? {
        // The tables as read within the last second, then (not there, or no holder found) afresh.
        for fresh in [false, true] {
            let inodes = boundSockets(fresh: fresh)[port] ?? []
            if inodes.isEmpty { if fresh { return nil } else { continue } }
            if let holder = holder(of: inodes) { return holder }
        }
        return ProcessInfoRecord(pid: 0, startTime: 0, state: "?", commandLine: [])
    }

    /// The process with one of the socket `inodes` open.
    private static func holder(of inodes: Set<String>) -> ProcessInfoRecord? {
        for pid in allPids() {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                      target.hasPrefix("socket:[") else { continue }
                let inode = String(target.dropFirst("socket:[".count).dropLast())
                if inodes.contains(inode) { return process(pid) }
            }
        }
        return nil
    }

    /// The socket inodes listening on (or bound to) each TCP port, from `/proc/net/tcp` and
    /// `tcp6`. Read once and kept for a second: a plan asks for every port it finds taken, and
    /// each read parses every connection of the host.
    static func boundSockets(fresh: Bool = false) -> [Int: Set<String>] {
        let now = ContinuousClock.now
        if !fresh, let cached = boundCache.withLock({ $0 }), cached.at.duration(to: now) < .seconds(1) { return cached.ports }
        var ports: [Int: Set<String>] = [:]
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let bytes = HostFiles.read(table) else { continue }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst() {
                let cols = line.split(separator: " ")
                // 0A = LISTEN; 07 = bound but not (yet) listening: that holder keeps the port too.
                guard cols.count > 9, cols[3] == "0A" || cols[3] == "07" else { continue }
                guard let portHex = cols[1].split(separator: ":").last, let port = Int(portHex, radix: 16) else { continue }
                ports[port, default: []].insert(String(cols[9]))
            }
        }
        boundCache.withLock { $0 = (now, ports) }
        return ports
    }

    private static let boundCache = Mutex<(at: ContinuousClock.Instant, ports: [Int: Set<String>])?>(nil)

    /// Every live process of session `session`, and every live descendant of `pid` (a child that
    /// left the session, as a command started detached does), except `pid` itself.
    public static func sessionAndDescendants(session: Int32, of pid: Int32) -> [ProcessInfoRecord] {
        guard session > 0 || pid > 0 else { return [] }
        let all = allPids().compactMap(process).filter { !$0.isZombie }
        var parents: [Int32: Int32] = [:]
        for p in all { parents[p.pid] = p.parentPid }
        func descends(_ p: Int32) -> Bool {
            var current = parents[p] ?? 0
            var steps = 0
            while current > 1 && steps < 64 {
                if current == pid { return true }
                current = parents[current] ?? 0
                steps += 1
            }
            return false
        }
        return all.filter { $0.pid != pid && $0.pid != getpid() && (($0.session == session && session > 0) || descends($0.pid)) }
    }

    /// Whether something accepts connections on 127.0.0.1:`port` or binding it fails.
    public static func isPortFree(_ port: Int) -> Bool {
        isPortFree(port, host: "127.0.0.1")
    }

    /// Whether `host:port` (an IPv4 address, `0.0.0.0` for every address) can be bound: a
    /// gateway about to listen there would find it free.
    public static func isPortFree(_ port: Int, host: String) -> Bool {
        guard let port16 = UInt16(exactly: port), port16 > 0 else { return false }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port16.bigEndian
        addr.sin_addr.s_addr = inet_addr(host)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }
}
