@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// A start is woken by its gateway's console: real files, real inotify, the shared poll thread.
@Suite struct ConsoleWatcherTests {
    private func append(_ path: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// A watcher of its own and an empty console log in a temporary directory.
    private func consoleLog() throws -> (TempDirectory, ConsoleWatcher, String) {
        let directory = try TempDirectory(prefix: "fleet-console")
        let watcher = ConsoleWatcher()
        try #require(watcher.available)
        let path = directory.path + "/console.log"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        return (directory, watcher, path)
    }

    @Test func aWriteEndsTheWaitOfItsFileOnly() async throws {
        let directory = try TempDirectory(prefix: "fleet-console")
        let watcher = ConsoleWatcher()
        try #require(watcher.available)
        let a = directory.path + "/a.log", b = directory.path + "/b.log"
        for path in [a, b] { #expect(FileManager.default.createFile(atPath: path, contents: nil)) }
        let watchA = try #require(watcher.watch(a))
        let watchB = try #require(watcher.watch(b))

        // Nothing written: both waits end on their timeout.
        #expect(await watchA.wait(upTo: .milliseconds(20)) == false)
        // A line while a waits (its wait would otherwise last the minute).
        async let woken = watchA.wait(upTo: .seconds(60))
        try append(a, "[gateway] listening on ws://127.0.0.1:18789\n")
        #expect(await woken)
        // b was not written; a's line was taken by its wait.
        #expect(await watchB.wait(upTo: .milliseconds(20)) == false)
        #expect(await watchA.wait(upTo: .milliseconds(20)) == false)
    }

    @Test func linesWrittenBetweenWaitsEndTheNextOneAtOnce() async throws {
        let (directory, watcher, path) = try consoleLog()
        defer { withExtendedLifetime(directory) {} }
        let watch = try #require(watcher.watch(path))
        for i in 0..<200 { try append(path, "line \(i)\n") }
        // Written since the last wait: the next one returns without waiting for its timeout.
        #expect(await watch.wait(upTo: .seconds(60)))
        // Every line was read with it: the one after waits again.
        #expect(await watch.wait(upTo: .milliseconds(20)) == false)
    }

    @Test func aCancelledWaitEndsAndTheWatchEndsWithItsValue() async throws {
        let (directory, watcher, path) = try consoleLog()
        defer { withExtendedLifetime(directory) {} }
        do {
            let watch = try #require(watcher.watch(path))
            let waiting = Task { await watch.wait(upTo: .seconds(600)) }
            waiting.cancel()
            #expect(await waiting.value == false)
        }
        // Dropped: the file's watch is removed, and a new one sees only what comes after it.
        try append(path, "before\n")
        let again = try #require(watcher.watch(path))
        #expect(await again.wait(upTo: .milliseconds(20)) == false)
        try append(path, "after\n")
        #expect(await again.wait(upTo: .seconds(60)))
    }

    @Test func aMissingFileIsNotWatched() throws {
        let directory = try TempDirectory(prefix: "fleet-console")
        #expect(ConsoleWatcher().watch(directory.path + "/none.log") == nil)
    }
}
