/// How many gateways the applier starts at once: as many as the host can take, never more.
///
/// A gateway's start is mostly CPU work (Node loading and compiling its modules: seconds, see
/// docs/openclaw-sim.md), sometimes waiting (network, disk). The pacer measures which, on this
/// host, while the starts run:
///
/// - **CPU demand of a starting gateway**, from the scheduler statistics of the gateways in
///   flight: time on a CPU plus time runnable but waiting for one, per second. A gateway burning
///   CPU wants one core, whether it gets it or queues for it; one that waits wants almost none.
/// - **Cores for them**: the host's CPUs (affinity, cgroup quota) minus what everything else uses
///   (the host's busy time less the starting gateways' and fleet's own).
/// - **Memory**: what the host has available, against the private memory a started gateway took.
/// - **How fast gateways become healthy**: starts that take much longer than the fastest one
///   stop the limit from growing (a resource the CPU figures do not show is contended).
///
/// The limit is cores / demand, rounded (+1, so no core idles while one gateway hands over to the next),
/// bounded by memory, at least 1 and at most the cap (`--parallelism`, the Fleet's
/// `maxConcurrentStarts`). It starts at cores + 1, grows at most fourfold per sample when the
/// host has room, and falls at once when it has not. A pure value: the applier feeds it samples
/// (``HostLoad``) on its clock, and tests feed it scripted hosts.
public struct StartPacer: Sendable {
    /// The fixed inputs.
    public struct Settings: Sendable, Hashable {
        /// CPUs fleet may use.
        public var cores: Double
        /// The most starts at once (nil: none but the host's).
        public var cap: Int?
        /// Time between samples.
        public var interval: Duration = .milliseconds(50)
        /// Memory left free for everything else.
        public var memoryReserve: Int = 256 << 20
        /// Starts slower than this many times the fastest stop the growth.
        public var slowdown: Double = 2.5

        /// Creates settings.
        public init(cores: Double, cap: Int?) {
            self.cores = max(1, cores)
            self.cap = cap.map { max(1, $0) }
        }
    }

    /// The settings.
    public let settings: Settings
    /// The most gateways starting at once, now.
    public private(set) var limit: Int
    /// The most starts at once while no more than the host's cores worth of starts still wait:
    /// the limit plus one start a core, within the cap and what memory allows. The last starts of
    /// a round go together, shared by the kernel as it shares the cores between the ones already
    /// starting, instead of one core idling while the very last start finishes alone (the time
    /// until every gateway answers is the time until the last one does).
    public private(set) var tailLimit: Int
    /// Why the limit is what it is (for the log and the tests).
    public private(set) var reason: String

    /// Cores one starting gateway wants (smoothed), once measured.
    public private(set) var demand: Double?
    /// Cores busy with everything but the starting gateways and fleet (smoothed).
    public private(set) var others: Double = 0
    private var previous: HostSample?
    private var memoryAvailable: Int?
    private var gatewayMemory: Int?
    private var fastest: Duration?
    private var recent: [Duration] = []

    /// A pacer before any measurement: cores + 1 at once, within the cap.
    public init(_ settings: Settings) {
        self.settings = settings
        limit = Self.clamp(Int(settings.cores.rounded(.up)) + 1, cap: settings.cap)
        tailLimit = Self.clamp(limit + Int(settings.cores.rounded(.up)), cap: settings.cap)
        reason = "\(Self.format(settings.cores)) cores, nothing measured yet"
    }

    /// Whether a sample is due at `now`.
    public func wantsSample(at now: Duration) -> Bool {
        guard let previous else { return true }
        return now - previous.at >= sampleInterval
    }

    /// The quickest start measured so far (launch to `/healthz`), if any.
    public var fastestStart: Duration? { fastest }

    /// Time between samples: the settings' interval, or a tenth of the fastest start so far when
    /// that is longer (at most half a second). Gateways that take seconds to start change the
    /// host's picture over seconds, and a sample reads `/proc` for every gateway in flight (50 ms
    /// apart, a three-minute start of 200 realistic gateways took 3,600 samples).
    public var sampleInterval: Duration {
        guard let fastest else { return settings.interval }
        return min(max(settings.interval, fastest / 10), max(settings.interval, .milliseconds(500)))
    }

    /// Takes a sample; `inFlight` gateways are starting (the sample may read only some of them).
    public mutating func observe(_ sample: HostSample, inFlight: Int) {
        defer { previous = sample }
        memoryAvailable = sample.memoryAvailable ?? memoryAvailable
        guard let previous else { return }
        let seconds = Self.seconds(sample.at - previous.at)
        guard seconds > 0 else { return }
        // The starting gateways read in both samples.
        var wanted = 0.0, ran = 0.0, count = 0
        for (pid, now) in sample.gateways {
            guard let before = previous.gateways[pid] else { continue }
            let run = Self.seconds(now.running - before.running)
            let wait = (now.waiting ?? .zero) - (before.waiting ?? .zero)
            ran += run
            wanted += run + Self.seconds(wait)
            count += 1
        }
        if count > 0 {
            blend(demand: wanted / seconds / Double(count))
        }
        if let busy = sample.hostBusy, let before = previous.hostBusy {
            let gateways = count > 0 ? ran / seconds * Double(max(inFlight, count)) / Double(count) : 0
            let own = Self.seconds(sample.ownCPU - previous.ownCPU) / seconds
            let rest = max(0, Self.seconds(busy - before) / seconds - gateways - own)
            if rest.isFinite { others = 0.5 * others + 0.5 * min(rest, settings.cores) }
        }
        decide(inFlight: inFlight)
    }

    /// A gateway answered `/healthz` `after` its launch, having used `cpu` by then and holding
    /// `privateMemory` bytes: one more measure of what a start costs.
    public mutating func finished(after: Duration, cpu: GatewayCPU?, privateMemory: Int?, inFlight: Int) {
        if after > .zero, let cpu {
            let seconds = Self.seconds(after)
            blend(demand: (Self.seconds(cpu.running) + Self.seconds(cpu.waiting ?? .zero)) / seconds)
        }
        if let privateMemory, privateMemory > 0 { gatewayMemory = max(gatewayMemory ?? 0, privateMemory) }
        fastest = min(fastest ?? after, after)
        recent.append(after)
        if recent.count > 5 { recent.removeFirst(recent.count - 5) }
        decide(inFlight: inFlight)
    }

    private mutating func blend(demand sample: Double) {
        guard sample.isFinite else { return }
        let value = min(max(sample, 0), 1)
        demand = demand.map { 0.5 * $0 + 0.5 * value } ?? value
    }

    private mutating func decide(inFlight: Int) {
        guard let demand else { return }
        let cores = max(1, settings.cores - others)
        // Rounded to the nearest whole start: a tenth of a core busy elsewhere (the running gateways'
        // timers, a monitoring agent) does not cost a whole slot and leave a core idle.
        var target = demand < 0.001 ? Self.most : Int(min(cores / demand, Double(Self.most)).rounded()) + 1
        var why = "\(Self.format(settings.cores)) cores, \(Self.format(others)) busy with other work; a starting gateway wants \(Self.format(demand)) of a core"
        var memoryRoom = Self.most
        if let available = memoryAvailable, let perGateway = gatewayMemory, perGateway > 0 {
            // Each gateway starting may still grow to what a started one holds.
            let room = max(0, available - settings.memoryReserve) / perGateway
            memoryRoom = room
            if room < target {
                target = room
                why = "memory: \(available >> 20) MiB available, \(perGateway >> 20) MiB per gateway"
            }
        }
        if gatewayMemory != nil, memoryAvailable == nil, target > limit {
            target = limit  // what a gateway holds is known, what the host has left not yet
            why = "memory: waiting for a reading of the host's"
        }
        if target > limit, let fastest, recent.count >= 3 {
            let sorted = recent.sorted()
            let median = sorted[sorted.count / 2]
            if Self.seconds(median) > settings.slowdown * max(Self.seconds(fastest), 0.001) {
                target = limit
                why = "starts slowed down (median \(median), fastest \(fastest))"
            }
        }
        if target > limit {
            target = min(target, limit * 4, Self.most)  // grow fourfold at most, one step per sample
        }
        let clamped = Self.clamp(target, cap: settings.cap)
        if let cap = settings.cap, clamped == cap, target >= cap { why += "; the cap is \(cap)" }
        limit = clamped
        tailLimit = Self.clamp(min(clamped + Int(settings.cores.rounded(.up)), max(clamped, memoryRoom)), cap: settings.cap)
        reason = why
    }

    /// No more than this many at once, cap or not (the schema's largest cap).
    static let most = 10_000

    static func clamp(_ value: Int, cap: Int?) -> Int {
        max(1, min(value, cap ?? most, most))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
