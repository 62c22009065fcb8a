import Foundation

/// Blocking work for async tests, run on a dedicated thread: a test that waits for a process, a
/// socket or a condition this way never holds a thread of Swift's cooperative pool (two such
/// waits would otherwise take both threads of a 2-core machine and starve every async test).
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread {
            do {
                continuation.resume(returning: try work())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// ``offPool(_:)`` for work that cannot fail.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// Waits until `condition` holds, checking it every 20 ms on a dedicated thread; returns false
/// only when `timeout` passes first.
///
/// The timeout is a safety net against a hung test, not a performance bound: it is long (two
/// minutes by default), so a loaded machine never fails a test that would have passed. Assert
/// timings in benchmarks, not here.
public func eventually(timeout: Duration = .seconds(120), _ condition: @escaping @Sendable () -> Bool) async -> Bool {
    await offPool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}

/// Runs `path` with `args` to completion on a dedicated thread (see the blocking `runProcess`).
public func runProcess(
    _ path: String, _ args: [String], env: [String: String]? = nil, cwd: String? = nil, stdin: Data? = nil
) async throws -> ProcessResult {
    try await offPool { try runProcess(path, args, env: env, cwd: cwd, stdin: stdin) }
}

/// A non-Sendable value handed to a thread that alone uses it from then on.
public struct UncheckedBox<T>: @unchecked Sendable {
    /// The value.
    public let value: T
    /// Boxes `value`.
    public init(_ value: T) { self.value = value }
}

/// Clean-up that must not hold a test's thread (stopping a test's gateways, waiting for its
/// daemon to exit), run on a dedicated thread after the test. The test process waits for every
/// pending clean-up when it exits, so no gateway outlives the suite.
public enum BackgroundTeardown {
    private static let pending = PendingCount()

    /// Runs `work` on its own thread.
    public static func run(_ work: @escaping @Sendable () -> Void) {
        pending.start()
        Thread.detachNewThread {
            work()
            pending.finish()
        }
    }

    /// Blocks until every clean-up finished (or `timeout` passed).
    public static func drain(timeout: Duration = .seconds(120)) { pending.wait(timeout: timeout) }
}

private final class PendingCount: @unchecked Sendable {
    private let condition = NSCondition()
    private var count = 0
    private var registered = false

    func start() {
        condition.lock()
        count += 1
        let register = !registered
        registered = true
        condition.unlock()
        if register { atexit { BackgroundTeardown.drain() } }
    }

    func finish() {
        condition.lock()
        count -= 1
        condition.broadcast()
        condition.unlock()
    }

    func wait(timeout: Duration) {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
        condition.lock()
        while count > 0 && condition.wait(until: deadline) {}
        condition.unlock()
    }
}
