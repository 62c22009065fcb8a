import Dispatch

/// Runs blocking work (file reads, /proc, git) on a dispatch queue of its own, never on Swift's
/// cooperative pool, and awaits its result.
enum Blocking {
    static let queue = DispatchQueue(label: "fleet-console.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
