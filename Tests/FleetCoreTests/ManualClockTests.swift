import FleetTestSupport
import Testing

/// The test clock's waits end: when what they wait for comes, or when their task is cancelled
/// (a suite's time limit), never only by luck.
@Suite struct ManualClockTests {
    @Test func aWaitForSleepersEndsWhenTheSleepersCome() async throws {
        let clock = ManualClock()
        let waiting = Task { await clock.waitForSleepers(1) }
        let sleeper = Task { try await clock.sleep(for: .seconds(1)) }
        #expect(await waiting.value)
        clock.advance(by: .seconds(1))
        try await sleeper.value
    }

    @Test func aWaitForSleepersEndsWhenItsTaskIsCancelled() async {
        let clock = ManualClock()
        let waiting = Task { await clock.waitForSleepers(1) }
        waiting.cancel()
        #expect(await waiting.value == false, "no sleeper came: the cancelled wait says so")
        #expect(clock.sleepers == 0)
    }
}
