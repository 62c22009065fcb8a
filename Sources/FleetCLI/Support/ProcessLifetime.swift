/// Values a command keeps until the process exits, instead of freeing them at the end of `run()`.
///
/// A command that read 1,000 manifests holds tens of thousands of small allocations (YAML and
/// typed trees, rendered configs); freeing them one by one took 5-10 % of `fleet plan`'s time,
/// right before the process exits and the kernel takes the whole address space back anyway.
/// Only for the CLI's own one-shot commands: a long-running process (the daemon, the console)
/// must free what it no longer needs.
enum ProcessLifetime {
    private final class Box<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Keeps `value` alive until the process exits: one retain, never released.
    static func keep<Value>(_ value: Value) {
        _ = Unmanaged.passRetained(Box(value))
    }
}
