/// Gives every bot a stable port: fixed ports as written, auto ports kept across applies,
/// new auto ports on the lowest free slot of `basePort + k * portStride`.
public struct PortAllocator: Sendable {
    /// The first port.
    public var basePort: Int
    /// The step between slots.
    public var stride: Int
    /// Ports each gateway may use above its base.
    public var span: Int = 108

    /// Creates an allocator.
    public init(basePort: Int, stride: Int) {
        self.basePort = basePort
        self.stride = stride
    }

    /// Allocates ports for `bots` (in order), keeping `previous` where still valid.
    public func allocate(_ bots: [BotManifest], previous: [String: Int]) -> [String: Int] {
        // The bots are read in place: iterating the array copied every manifest, three times.
        bots.withUnsafeBufferPointer { allocate($0, previous: previous) }
    }

    private func allocate(_ bots: UnsafeBufferPointer<BotManifest>, previous: [String: Int]) -> [String: Int] {
        var result: [String: Int] = [:]
        result.reserveCapacity(bots.count)
        var fixed: [Int] = []
        for bot in bots {
            if case .fixed(let port) = bot.gateway.port {
                result[bot.name] = port
                fixed.append(port)
            }
        }
        func clearOfFixed(_ p: Int) -> Bool { fixed.allSatisfy { p > $0 + span || $0 > p + span } }
        var used = Set(result.values)
        for bot in bots where result[bot.name] == nil {
            if let port = previous[bot.name], !used.contains(port), clearOfFixed(port), port >= basePort,
               (port - basePort) % stride == 0 {
                result[bot.name] = port
                used.insert(port)
            }
        }
        var next = basePort
        for bot in bots where result[bot.name] == nil {
            while used.contains(next) || !clearOfFixed(next) { next += stride }
            result[bot.name] = next
            used.insert(next)
            next += stride
        }
        return result
    }
}
