import Foundation

/// A clock that moves only when a test says so.
public final class ManualClock: Clock, @unchecked Sendable {
    /// An instant: a duration since the clock's zero.
    public struct Instant: InstantProtocol, Sendable {
        /// Time since zero.
        public var offset: Duration

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)

    /// A clock at zero.
    public init() {}

    /// The current instant.
    public var now: Instant { lock.withLock { current } }
    /// The resolution.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Moves the clock forward.
    public func advance(by duration: Duration) { lock.withLock { current = current.advanced(by: duration) } }

    /// Returns at once once the clock reaches `deadline` (tests advance it).
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while now < deadline {
            try Task.checkCancellation()
            await Task.yield()
        }
    }
}
