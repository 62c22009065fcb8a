import CFleetSystem
import Glibc

/// A starting gateway's CPU, from its main thread's scheduler statistics: time on a CPU and time
/// runnable but waiting for one. Their sum over an interval is how much CPU the gateway *wants*
/// (a process that burns CPU wants one core whether it gets it or waits for it; one that sleeps
/// wants none), which the pacer needs and which CPU time alone cannot tell on a busy host.
public struct GatewayCPU: Sendable, Hashable {
    /// Time spent on a CPU so far.
    public var running: Duration
    /// Time spent runnable, waiting for a CPU, so far (nil when the kernel does not say).
    public var waiting: Duration?

    /// Creates a reading.
    public init(running: Duration, waiting: Duration?) {
        self.running = running
        self.waiting = waiting
    }
}

/// What the host looked like at one instant: cumulative counters the pacer turns into rates.
public struct HostSample: Sendable, Hashable {
    /// When, on the applier's clock (time since the apply began).
    public var at: Duration
    /// Busy CPU time of the whole host so far, all cores together (nil when unknown).
    public var hostBusy: Duration?
    /// fleet's own CPU time so far.
    public var ownCPU: Duration
    /// The starting gateways read, by pid.
    public var gateways: [Int32: GatewayCPU]
    /// Memory the host can still give without swapping (`MemAvailable`), in bytes.
    public var memoryAvailable: Int?

    /// Creates a sample.
    public init(at: Duration, hostBusy: Duration?, ownCPU: Duration, gateways: [Int32: GatewayCPU], memoryAvailable: Int?) {
        self.at = at
        self.hostBusy = hostBusy
        self.ownCPU = ownCPU
        self.gateways = gateways
        self.memoryAvailable = memoryAvailable
    }
}

/// The host's capacity and load, as the applier's start pacer reads them: the seam tests replace
/// with scripted hosts.
public protocol HostLoad: Sendable {
    /// CPUs this process may use (affinity and cgroup quota), at least 1.
    func cores() -> Double
    /// The counters now, with `gateways` read (pids that are gone are left out).
    func sample(at: Duration, gateways: [Int32]) -> HostSample
    /// A gateway's CPU so far (nil when it is gone).
    func cpu(of pid: Int32) -> GatewayCPU?
    /// A gateway's private resident memory (`RssAnon`), in bytes.
    func privateMemory(of pid: Int32) -> Int?
}

/// This host, from `/proc` and the cgroup's CPU quota.
public struct SystemHostLoad: HostLoad {
    /// Creates the reader.
    public init() {}

    public func cores() -> Double {
        var cores = Double(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let affinity = fleet_affinity_cpus()
        if affinity > 0 { cores = min(cores, Double(affinity)) }
        if let quota = Self.cgroupQuota() { cores = min(cores, max(1, quota)) }
        return cores
    }

    /// CPUs allowed by the cgroup (v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`).
    static func cgroupQuota() -> Double? {
        if let text = ProcFile.text("/sys/fs/cgroup/cpu.max") {
            let parts = text.split(separator: " ")
            if parts.count >= 2, let quota = Double(parts[0]), let period = Double(parts[1].prefix { $0.isNumber }), period > 0 {
                return quota / period
            }
            return nil
        }
        if let quota = ProcFile.text("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").flatMap({ Double($0.prefix { $0 == "-" || $0.isNumber }) }),
           quota > 0, let period = ProcFile.text("/sys/fs/cgroup/cpu/cpu.cfs_period_us").flatMap({ Double($0.prefix { $0.isNumber }) }),
           period > 0 {
            return quota / period
        }
        return nil
    }

    public func sample(at: Duration, gateways: [Int32]) -> HostSample {
        var cpus: [Int32: GatewayCPU] = [:]
        for pid in gateways {
            if let cpu = cpu(of: pid) { cpus[pid] = cpu }
        }
        return HostSample(at: at, hostBusy: Self.hostBusy(), ownCPU: Self.ownCPU(), gateways: cpus,
                          memoryAvailable: Self.memoryAvailable())
    }

    public func cpu(of pid: Int32) -> GatewayCPU? {
        // "<ns on cpu> <ns waiting on a runqueue> <timeslices>" (Documentation/scheduler/sched-stats.rst).
        guard let text = ProcFile.text("/proc/\(pid)/schedstat") else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let run = Int64(fields[0]), let wait = Int64(fields[1].prefix { $0.isNumber }) else { return nil }
        return GatewayCPU(running: .nanoseconds(run), waiting: .nanoseconds(wait))
    }

    public func privateMemory(of pid: Int32) -> Int? {
        guard let text = ProcFile.text("/proc/\(pid)/status") else { return nil }
        return Self.kilobytes(of: "RssAnon:", in: text).map { $0 * 1024 }
    }

    /// Busy time of all CPUs (the `cpu` line of `/proc/stat`, in clock ticks: everything but idle
    /// and iowait).
    static func hostBusy() -> Duration? {
        // The first line only (the file goes on with a line per CPU and the interrupt counts).
        guard let text = ProcFile.text("/proc/stat") else { return nil }
        let line = text.prefix { $0 != "\n" }
        guard line.hasPrefix("cpu ") else { return nil }
        let values = line.split(separator: " ").dropFirst().compactMap { Int64($0) }
        guard values.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal (guest time is inside user already).
        let busy = values.prefix(8).enumerated().reduce(Int64(0)) { $0 + ($1.offset == 3 || $1.offset == 4 ? 0 : $1.element) }
        let hz = Int64(max(1, sysconf(Int32(_SC_CLK_TCK))))
        return .nanoseconds(busy * (1_000_000_000 / hz))
    }

    /// This process's CPU time, all threads.
    static func ownCPU() -> Duration {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return .seconds(Int64(ts.tv_sec)) + .nanoseconds(Int64(ts.tv_nsec))
    }

    /// `MemAvailable` of `/proc/meminfo`, in bytes.
    static func memoryAvailable() -> Int? {
        ProcFile.text("/proc/meminfo").flatMap { kilobytes(of: "MemAvailable:", in: $0) }.map { $0 * 1024 }
    }

    static func kilobytes(of key: String, in text: String) -> Int? {
        // The key at the start of a line; the first number after it.
        var rest = Substring(text)
        while let found = rest.firstRange(of: key) {
            if found.lowerBound == text.startIndex || text[text.index(before: found.lowerBound)] == "\n" {
                let value = text[found.upperBound...].drop { $0 == " " }.prefix { $0.isNumber }
                return Int(value)
            }
            rest = text[found.upperBound...]
        }
        return nil
    }
}

/// Small kernel files, read with one `read(2)` into a stack buffer.
enum ProcFile {
    static func text(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8192) { buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            var filled = 0
            while filled < buffer.count {
                let n = read(fd, base + filled, buffer.count - filled)
                if n > 0 { filled += n } else if n < 0 && errno == EINTR { continue } else { break }
            }
            return filled == 0 ? nil : String(decoding: UnsafeBufferPointer(start: base, count: filled), as: UTF8.self)
        }
    }
}
