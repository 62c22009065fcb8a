import FoundationEssentials

extension ProcessTable {
    /// ``listener(on:)`` for many ports at once, for a caller whose bind tests all failed before
    /// this call: the socket tables are read once, afresh, and `/proc/*/fd` is walked once for
    /// all the ports. A plan of a fleet whose ports reach the ephemeral range finds dozens taken
    /// by outgoing connections; one table read per port (twice: cached, then fresh) made the
    /// observation of 1,000 bots take half a second on a host with a thousand connections.
    ///
    /// A port with no listening or bound socket in the tables (a connection's local port) has no
    /// entry; one whose holder cannot be seen (another user's) gets a record with pid 0.
    public static func listeners(on ports: Set<Int>) -> [Int: ProcessInfoRecord] {
        guard !ports.isEmpty else { return [:] }
        let table = boundSockets(fresh: true)
        var portOf: [String: Int] = [:]
        for port in ports {
            for inode in table[port] ?? [] { portOf[inode] = port }
        }
        guard !portOf.isEmpty else { return [:] }
        var found: [Int: ProcessInfoRecord] = [:]
        let wanted = Set(portOf.values)
        // In pid order, as listener(on:) looks: the first process holding one of a port's sockets.
        scan: for pid in allPids() {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                      target.hasPrefix("socket:[") else { continue }
                let inode = String(target.dropFirst("socket:[".count).dropLast())
                guard let port = portOf[inode], found[port] == nil, let holder = process(pid) else { continue }
                found[port] = holder
                if found.count == wanted.count { break scan }
            }
        }
        for port in wanted where found[port] == nil {
            found[port] = ProcessInfoRecord(pid: 0, startTime: 0, state: "?", commandLine: [])
        }
        return found
    }
}
