/// Port checks that need the whole fleet: ports past 65535, and ports in the kernel's ephemeral range.
extension FleetValidator {
    /// Linux's default ephemeral port range (`net.ipv4.ip_local_port_range`): the kernel gives
    /// these to outgoing connections, so a gateway port in it can be taken before the gateway binds.
    static let ephemeralPorts = 32768...60999

    /// The last port a gateway can start at: it uses derived ports up to `derivedPortSpan` above.
    static var lastGatewayPort: Int { 65535 - derivedPortSpan }

    func portRangeProblems() -> [Diagnostic] {
        guard let origin = fleet.origin ?? bots.first.map(\.origin) else { return [] }
        let spec = fleet.node?["spec"]
        let baseNode = spec?["basePort"] ?? spec?["portStride"]
        let fleetAt = baseNode.map { SourceLocation(file: origin.file, mark: $0.mark) }
            ?? SourceLocation(file: origin.file, line: origin.line, column: 1)
        var out: [Diagnostic] = []
        let allocator = PortAllocator(basePort: fleet.basePort, stride: fleet.portStride)
        let capacity = max(0, (Self.lastGatewayPort - fleet.basePort) / max(fleet.portStride, 1) + 1)
        // Each host allocates ports for its own share (--selector); without a host list, one host runs all.
        for (host, share) in shares() {
            let ports = allocator.allocate(share, previous: [:])
            let past = ports.filter { $0.value > Self.lastGatewayPort }
            if let (name, port) = past.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
                let whose = host.map { "host '\($0)' runs \(share.count) bots" } ?? "\(share.count) bots"
                out.append(Diagnostic(
                    .portRange,
                    "\(whose) from basePort \(fleet.basePort) at portStride \(fleet.portStride): bot '\(name)' would get port \(port), past the last usable gateway port \(Self.lastGatewayPort) (\(past.count) bot\(past.count == 1 ? "" : "s") past it)",
                    at: fleetAt,
                    fix: "at most \(capacity) bots fit from basePort \(fleet.basePort) at portStride \(fleet.portStride); lower spec.basePort or spec.portStride, or split the fleet across hosts (spec.hosts) and run fleet with --selector on each",
                    bot: nil))
            }
            let auto = share.filter { if case .auto = $0.gateway.port { return true } else { return false } }
            let autoPorts = auto.compactMap { ports[$0.name] }.filter { $0 <= Self.lastGatewayPort }
            if let low = autoPorts.min(), let high = autoPorts.max(),
               low <= Self.ephemeralPorts.upperBound, high + Self.derivedPortSpan >= Self.ephemeralPorts.lowerBound {
                let whose = host.map { "host '\($0)''s" } ?? "the"
                out.append(Diagnostic(
                    .ephemeralPort,
                    "\(whose) gateway ports \(low)-\(high + Self.derivedPortSpan) overlap the kernel's ephemeral port range \(Self.ephemeralPorts.lowerBound)-\(Self.ephemeralPorts.upperBound): an outgoing connection (to a chat API or a model provider) can take a gateway's port before it binds, and that gateway fails to start",
                    at: fleetAt,
                    fix: "choose a basePort so every gateway port stays below \(Self.ephemeralPorts.lowerBound) (OpenClaw's default 18789 leaves room for \((Self.ephemeralPorts.lowerBound - 18789 - Self.derivedPortSpan) / max(fleet.portStride, 1) + 1) bots at portStride \(fleet.portStride))",
                    bot: nil))
            }
        }
        for bot in bots {
            guard case .fixed(let port) = bot.gateway.port,
                  port <= Self.ephemeralPorts.upperBound, port + Self.derivedPortSpan >= Self.ephemeralPorts.lowerBound else { continue }
            out.append(Diagnostic(
                .ephemeralPort,
                "port \(port) (with its derived ports up to \(port + Self.derivedPortSpan)) overlaps the kernel's ephemeral port range \(Self.ephemeralPorts.lowerBound)-\(Self.ephemeralPorts.upperBound): an outgoing connection can take it before the gateway binds",
                at: location(bot, ["spec", "gateway", "port"]),
                fix: "use port: auto, or a port below \(Self.ephemeralPorts.lowerBound - Self.derivedPortSpan)",
                bot: bot.name))
        }
        return out
    }

    /// Each declared host's bots (in manifest order), or one share of every bot when no hosts are
    /// declared (or a selector does not parse: the host checks report that).
    private func shares() -> [(host: String?, bots: [BotManifest])] {
        let selectors = fleet.hosts.map { host in (host.name, try? LabelSelector(parsing: host.selector)) }
        guard !selectors.isEmpty, selectors.allSatisfy({ $0.1 != nil }) else { return [(nil, bots)] }
        return selectors.compactMap { name, selector in
            guard let selector else { return nil }
            return (name, bots.filter { selector.matches($0.labels) })
        }
    }
}
