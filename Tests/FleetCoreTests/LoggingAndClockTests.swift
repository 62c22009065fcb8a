@testable import FleetCore
import FleetTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The daemon's log lines (text and JSON, levels, fields) and the manual clock tests drive it with.
@Suite struct LoggingAndClockTests {
    final class Sink: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func jsonLinesCarryLevelMessageAndFields() throws {
        let sink = Sink()
        var logger = FleetLogHandler.logger(label: "fleet.daemon", level: .info, format: .json) { sink.append($0) }
        logger[metadataKey: "host"] = "h1"
        logger.debug("dropped below the level")
        logger.notice("crashy: gateway pid 42 exited with code 3; restart in 1.0s",
                      metadata: ["bot": "crashy", "pid": "42", "delay_seconds": "1.0", "note": "a \"quoted\"\nline"])
        #expect(sink.all.count == 1)
        let line = try #require(sink.all.first)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"), "one line per entry")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "notice")
        #expect(object["logger"] == "fleet.daemon")
        #expect(object["message"] == "crashy: gateway pid 42 exited with code 3; restart in 1.0s")
        #expect(object["bot"] == "crashy" && object["pid"] == "42" && object["delay_seconds"] == "1.0" && object["host"] == "h1")
        #expect(object["note"] == "a \"quoted\"\nline")
        #expect(object["time"].flatMap(ISOTime.parse) != nil)
    }

    @Test func textLinesAreForPeople() {
        let sink = Sink()
        let logger = FleetLogHandler.logger(label: "fleet.daemon", level: .warning, format: .text) { sink.append($0) }
        logger.info("not shown at warning")
        logger.error("cannot write the state file", metadata: ["code": "R006", "path": "/var/openclaw/state.json", "why": "disk full"])
        #expect(sink.all.count == 1)
        let line = sink.all.first ?? ""
        #expect(line.contains(" error cannot write the state file code=R006 path=/var/openclaw/state.json why=\"disk full\"\n"), "\(line)")
    }

    @Test func theManualClockWakesSleepersOnlyWhenAdvancedAndHonoursCancellation() async throws {
        let clock = ManualClock()
        let woke = Mutex(false)
        let sleeper = Task {
            try await clock.sleep(for: .seconds(5))
            woke.withLock { $0 = true }
        }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(4))
        #expect(clock.sleepers == 1, "4 s of 5: still asleep")
        #expect(!woke.withLock { $0 })
        clock.advance(by: .seconds(1))
        try await sleeper.value
        #expect(woke.withLock { $0 })
        #expect(clock.sleepers == 0)

        let cancelled = Task { try await clock.sleep(for: .seconds(60)) }
        await clock.waitForSleepers(1)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(clock.sleepers == 0)
    }
}
