import CFleetSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The closure a thread created by `detachThread` runs.
private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// Runs `body` on a new detached POSIX thread (for blocking loops: accept, read, pidfd polling).
/// Returns false when the thread could not be created.
@discardableResult
package func detachThread(name: String? = nil, _ body: @escaping @Sendable () -> Void) -> Bool {
    let context = Unmanaged.passRetained(ThreadBody {
        if let name { fleet_set_thread_name(name) }
        body()
    }).toOpaque()
    var thread = pthread_t()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    // Small stacks: these threads only loop over a system call and a little parsing.
    pthread_attr_setstacksize(&attributes, 512 * 1024)
    let result = pthread_create(&thread, &attributes, { raw in
        guard let raw else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, context)
    if result != 0 { Unmanaged<ThreadBody>.fromOpaque(context).release() }
    return result == 0
}

/// Blocking work (a git fetch, a signature check, a `waitpid`) run on a dedicated thread, so it
/// never holds a thread of Swift's cooperative pool nor the actor that awaits it, the way
/// swift-subprocess runs its blocking I/O. The caller suspends until the work returns.
package enum Blocking {
    /// Runs `work` on a new thread named `name` and returns its result.
    package static func run<T: Sendable, E: Error>(
        _ name: String, _ work: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            let started = detachThread(name: name) {
                do throws(E) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            // No thread (the process is out of them): do the work here rather than never.
            if !started {
                do throws(E) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

extension Blocking {
    /// The other direction: on a dedicated thread (never on the cooperative pool, which it would
    /// wait for), runs async `work` on the pool and blocks this thread until it returns. For code
    /// that is blocking by design, such as the conformance suite's thread, calling async I/O.
    package static func wait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
        defer {
            sem_destroy(semaphore)
            semaphore.deallocate()
        }
        let signal = UncheckedSemaphore(semaphore)
        Task {
            let value = await work()
            result.withLock { $0 = value }
            sem_post(signal.pointer)
        }
        while sem_wait(semaphore) != 0, errno == EINTR {}
        guard let value = result.withLock({ $0 }) else { preconditionFailure("Blocking.wait: the task ended without a value") }
        return value
    }
}

/// A semaphore pointer handed to the task that posts it; it outlives the task (the waiter frees
/// it only after the post).
private struct UncheckedSemaphore: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<sem_t>
    init(_ pointer: UnsafeMutablePointer<sem_t>) { self.pointer = pointer }
}
