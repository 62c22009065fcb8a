import Foundation
import TestPorts
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A block of loopback ports leased to one test for its lifetime.
///
/// End-to-end tests run in parallel and each gives its gateways a port region. Picking regions at
/// random collided now and then (two worlds' regions overlapping, one test's gateway taking the
/// other's port), so regions are handed out here instead: disjoint while leased, returned on
/// `deinit`. Regions lie in 20000-31999, below the kernel's ephemeral range (32768-60999), so no
/// outgoing connection takes a gateway's port; a region whose first ports are held by some other
/// program on the machine is skipped.
///
/// Several test processes may run at once on one machine (two checkouts, a benchmark beside the
/// suite), so a lease is also held across processes: each 100-port cell of a block is an
/// exclusive `flock` on a file in `/tmp/fleet-test-ports/`, held until the block is returned or
/// the process ends (the kernel drops the locks of a killed process).
///
/// Leasing is also how the end-to-end tests share the machine: at most `maxLeases` blocks (4, or
/// `FLEET_TEST_PARALLEL_WORLDS`) are out at once in a process, so no more end-to-end worlds run
/// their gateways at the same time; `lease(span:)` waits for one without holding a thread.
public final class PortBlock: Sendable {
    /// The first port of the block.
    public let base: Int
    /// How many ports the block spans.
    public let span: Int

    private static let range = 20_000..<32_000
    private static let leased = Mutex<[Int: Int]>([:])  // base -> span
    private static let cursor = Mutex<Int>(Int.random(in: 0..<12) * 1_000)
    /// The descriptors holding this process's cross-process cell locks, by block base.
    private static let cellLocks = Mutex<[Int: [Int32]]>([:])
    private static let lockDirectory = "/tmp/fleet-test-ports"
    /// Blocks leased at once by this process.
    public static let maxLeases = ProcessInfo.processInfo.environment["FLEET_TEST_PARALLEL_WORLDS"].flatMap(Int.init).map { max(1, $0) } ?? 4

    /// Leases `span` ports, waiting (suspended, not blocking a thread) while `maxLeases` blocks
    /// are out or every region is taken.
    public static func lease(span: Int = 1_200) async -> PortBlock {
        while true {
            if let base = PortBlock.leaseBase(span: span) { return PortBlock(base: base, span: span) }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private init(base: Int, span: Int) {
        self.base = base
        self.span = span
    }

    deinit {
        PortBlock.releaseCells(base: base)
        _ = PortBlock.leased.withLock { $0.removeValue(forKey: base) }
    }

    /// Takes an exclusive lock on every 100-port cell of `base..<base+span`, or none.
    private static func lockCells(base: Int, span: Int) -> Bool {
        mkdir(lockDirectory, 0o777)
        var held: [Int32] = []
        for cell in stride(from: base / 100, to: (base + span + 99) / 100, by: 1) {
            let fd = open("\(lockDirectory)/\(cell).lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
            guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                if fd >= 0 { close(fd) }
                for h in held { close(h) }
                return false
            }
            held.append(fd)
        }
        cellLocks.withLock { $0[base] = held }
        return true
    }

    private static func releaseCells(base: Int) {
        for fd in cellLocks.withLock({ $0.removeValue(forKey: base) }) ?? [] { close(fd) }
    }

    private static func leaseBase(span: Int) -> Int? {
        let width = range.count
        for _ in 0..<(width / 100) {
            let offset = cursor.withLock { cursor -> Int in
                let value = cursor
                cursor = (cursor + 100) % width
                return value
            }
            let base = range.lowerBound + offset
            guard base + span <= range.upperBound else { continue }
            let taken = leased.withLock { leases -> Bool in
                if leases.count >= maxLeases { return true }
                if leases.contains(where: { base < $0.key + $0.value && $0.key < base + span }) { return true }
                leases[base] = span
                return false
            }
            if taken { continue }
            // Every gateway port of the block is free (a gateway left over by a crashed run keeps
            // its port after the cell locks are gone).
            if stride(from: base, to: base + span, by: 20).allSatisfy(portIsFree), lockCells(base: base, span: span) {
                cursor.withLock { $0 = (offset + span + 99) / 100 * 100 % width }
                return base
            }
            _ = leased.withLock { $0.removeValue(forKey: base) }
        }
        return nil
    }

    /// Whether nothing listens on (and nothing is bound to) `port` on 127.0.0.1.
    public static func portIsFree(_ port: Int) -> Bool { TestPorts.isFree(port) }
}
