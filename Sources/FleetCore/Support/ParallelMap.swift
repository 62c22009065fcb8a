import Dispatch
import FoundationEssentials
import Glibc

/// Maps over a list on every core (the results keep the list's order).
enum ParallelMap {
    /// `items.map(transform)`, spread over the cores when the list is long enough to pay off.
    static func map<T: Sendable, R>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 8, items.count / 16)
        guard workers > 1 else { return items.map(transform) }
        var results = [R?](repeating: nil, count: items.count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                // Striding keeps the workers' shares even when item sizes vary along the list.
                for i in stride(from: worker, to: items.count, by: workers) { out[i] = transform(items[i]) }
            }
        }
        return results.compactMap { $0 }
    }
}
