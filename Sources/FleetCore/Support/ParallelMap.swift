import Dispatch
import FoundationEssentials
import Glibc
import Synchronization

/// Maps over a list on every core (the results keep the list's order).
enum ParallelMap {
    /// `items.map(transform)`, spread over the cores when the list is long enough to pay off.
    static func map<T: Sendable, R>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 8, items.count / 16)
        // Items are passed from the array's buffer, borrowed: iterating the array itself copied
        // each (a bot manifest is some fifty references to retain, then release).
        guard workers > 1 else { return items.withUnsafeBufferPointer { $0.map(transform) } }
        var results = [R?](repeating: nil, count: items.count)
        // Workers take small runs of items as they go rather than fixed shares: a worker that
        // starts late or shares its core with another process no longer holds up the others
        // (fixed shares left one core idle for a quarter of `fleet plan`'s render).
        let run = max(1, items.count / (workers * 32))
        let next = Atomic<Int>(0)
        items.withUnsafeBufferPointer { input in
            results.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let out = buffer
                nonisolated(unsafe) let items = input
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    while true {
                        let start = next.wrappingAdd(run, ordering: .relaxed).oldValue
                        guard start < items.count else { return }
                        for i in start..<min(start + run, items.count) { out[i] = transform(items[i]) }
                    }
                }
            }
        }
        return results.compactMap { $0 }
    }
}
