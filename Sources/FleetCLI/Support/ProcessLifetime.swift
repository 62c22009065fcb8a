import CFleetSystem

/// What a one-shot command (`validate`, `plan`) does differently from a long-running process:
/// it keeps what it built until the process exits, and grows the heap in large steps.
/// Never for the daemon or the console, which must free what they no longer need and keep a
/// small footprint.
enum ProcessLifetime {
    private final class Box<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Keeps `value` alive until the process exits: one retain, never released.
    ///
    /// A command that read 1,000 manifests holds tens of thousands of small allocations (YAML and
    /// typed trees, rendered configs); freeing them one by one took 5-10 % of `fleet plan`'s time,
    /// right before the process exits and the kernel takes the whole address space back anyway.
    static func keep<Value>(_ value: Value) {
        _ = Unmanaged.passRetained(Box(value))
    }

    /// Asks malloc to extend its heaps 16 MiB at a time (M_TOP_PAD) instead of 128 KiB: reading
    /// 1,000 manifests grows them to some 40 MiB, and each small step was a brk or mprotect call
    /// (10-15 ms of CPU in `fleet plan`). Untouched pages cost no memory, only address space.
    static func growHeapsInLargeSteps() {
        fleet_malloc_top_pad(16 << 20)
    }
}
