@testable import FleetCore
import FleetTestSupport
import Foundation
import Synchronization
import Testing

/// The small replacements for Foundation APIs fleet no longer links (it uses FoundationEssentials
/// only): text helpers, the directory walk, the child-process runner, the lock and thread.
@Suite struct SystemHelpersTests {
    @Test func textHelpers() {
        #expect(" \t a b \r\n".trimmed == "a b")
        #expect("".trimmed == "")
        #expect(Substring("  x").trimmed == "x")
        #expect("ab".padded(to: 4) == "ab  ")
        #expect("abcdef".padded(to: 3) == "abc")
        #expect("héllo".padded(to: 6) == "héllo ", "characters, not bytes")
        #expect("/var/lib/fleet/state.json".deletingLastPathComponent == "/var/lib/fleet")
        #expect("/state.json".deletingLastPathComponent == "/")
        #expect("state.json".deletingLastPathComponent == "")
        #expect("/var/lib/fleet/state.json".lastPathComponent == "state.json")
        #expect("plain".lastPathComponent == "plain")
        // printf's rounding, exactly: a tie that is exact in binary goes to the even digit; a
        // decimal that binary holds a little above the tie rounds up.
        #expect(1.25.fixed(1) == "1.2")
        #expect(0.125.fixed(2) == "0.12")
        #expect(2.5.fixed(0) == "2")
        #expect(3.5.fixed(0) == "4")
        #expect(1.35.fixed(1) == "1.4")
        #expect(2.675.fixed(2) == "2.67", "2.675 is 2.67499999... in binary")
        #expect(0.0.fixed(3) == "0.000")
        #expect(1764140000.5.fixed(3) == "1764140000.500")
        #expect((-2.0).fixed(0) == "-2")
    }

    @Test func directoryWalkListsParentsFirstAndDoesNotFollowSymlinks() throws {
        let dir = try TempDirectory()
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.file("b/inner"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir.file("outside"), withIntermediateDirectories: true)
        try "x".write(toFile: dir.file("a.yaml"), atomically: true, encoding: .utf8)
        try "y".write(toFile: dir.file("b/inner/c.yaml"), atomically: true, encoding: .utf8)
        try "z".write(toFile: dir.file("outside/secret.yaml"), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir.file("b/link"), withDestinationPath: dir.file("outside"))
        let paths = DirectoryWalk.relativePaths(under: dir.path)
        #expect(paths == ["a.yaml", "b", "b/inner", "b/inner/c.yaml", "b/link", "outside", "outside/secret.yaml"])
        #expect(!paths.contains("b/link/secret.yaml"), "a symlinked directory is listed, not entered")
        #expect(DirectoryWalk.relativePaths(under: dir.file("missing")).isEmpty)
    }

    @Test func childProcessCapturesOutputAndStatus() {
        let ok = ChildProcess.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(ok.status == 3)
        #expect(ok.output.contains("out\n") && ok.output.contains("err\n"))
        let killed = ChildProcess.run(["sh", "-c", "kill -9 $$"])
        #expect(killed.status == 128 + 9)
        let missing = ChildProcess.run(["fleet-no-such-helper-\(UInt32.random(in: 0...UInt32.max))"])
        #expect(missing.status == 127)
        #expect(missing.output.contains("cannot be run"), "\(missing.output)")
    }

    @Test func childProcessFeedsLargeInputWhileReadingOutput() {
        // More than a pipe holds in both directions: a runner that wrote everything before
        // reading would deadlock here.
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + [UInt8(ascii: "\n")]
        let result = ChildProcess.run(["cat"], input: input)
        #expect(result.status == 0)
        #expect(result.output.utf8.count == input.count)
        // A helper that exits without reading its input does not take fleet down with SIGPIPE.
        let early = ChildProcess.run(["true"], input: input)
        #expect(early.status == 0)
    }

    @Test func detachedThreadsShareAMutex() async {
        let counter = Mutex((value: 0, finished: 0))
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for _ in 0..<4 {
                let started = detachThread(name: "fleet-test-thread-with-a-long-name") {
                    for _ in 0..<10_000 { counter.withLock { $0.value += 1 } }
                    let last = counter.withLock { state -> Bool in
                        state.finished += 1
                        return state.finished == 4
                    }
                    if last { done.resume() }
                }
                #expect(started)
            }
        }
        #expect(counter.withLock { $0.value } == 40_000)
    }

    /// Blocking work runs on a thread of its own, named, and its result or error comes back.
    @Test func blockingWorkRunsOnADedicatedThread() async throws {
        let name = await Blocking.run("fleet-test-git") { () -> String in
            ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(name == "fleet-test-git")
        struct Failed: Error, Equatable {}
        await #expect(throws: Failed.self) {
            try await Blocking.run("fleet-test-fail") { () throws(Failed) -> Int in throw Failed() }
        }
    }
}
