import FleetTestSupport
import Foundation
import Synchronization
import TestChild
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `TestChild`: the tests' long-running children, reaped exactly once by their own pid.
@Suite struct TestChildTests {
    @Test func anExitStatusAndASignalAreReported() async throws {
        let three = try TestChild("/bin/sh", ["-c", "exit 3"])
        #expect(await three.exited() == 3)
        #expect(three.termination == .exit(3))
        #expect(!three.isRunning)
        let killed = try TestChild("/bin/sh", ["-c", "kill -TERM $$"])
        #expect(killed.waitForExit() == 128 + SIGTERM)
        #expect(killed.termination == .signal(SIGTERM))
        #expect(killed.exitStatus == 128 + SIGTERM)
    }

    @Test func signalsReachARunningChildAndNeverAReapedOne() async throws {
        let sleeper = try TestChild("/bin/sleep", ["1000"])
        #expect(sleeper.isRunning)
        #expect(sleeper.termination == nil)
        #expect(sleeper.interrupt())
        // Polled, not waited for: a child that ignored the signal fails here instead of hanging.
        #expect(await eventually { !sleeper.isRunning })
        #expect(sleeper.exitStatus == 128 + SIGINT)
        // Reaped: its pid may be another process's by now, so nothing is sent.
        #expect(!sleeper.terminate())
        #expect(!sleeper.kill())
        let other = try TestChild("/bin/sleep", ["1000"])
        #expect(other.kill())
        #expect(await other.exited() == 128 + SIGKILL)
    }

    /// Several waiters and a poller of `isRunning` at once all see the one status: nobody reaps
    /// the child a second time (that one would get ECHILD and no status).
    @Test func concurrentWaitersAndPollersAllSeeTheOneStatus() async throws {
        for _ in 0..<20 {
            let child = try TestChild("/bin/sh", ["-c", "read line; exit 5"], stdin: .pipe)
            let polled = Mutex<[Int32]>([])
            let poller = Thread {
                while child.isRunning {}
                polled.withLock { $0.append(child.exitStatus ?? -2) }
            }
            poller.start()
            async let a = child.exited()
            async let b = child.exited()
            let blocking = Thread { polled.withLock { $0.append(child.waitForExit()) } }
            blocking.start()
            try child.writeStdin(Array("go\n".utf8))
            child.closeStdin()
            let statuses = await [a, b]
            #expect(statuses == [5, 5])
            #expect(await eventually { polled.withLock { $0.count } == 2 })
            #expect(polled.withLock { $0 } == [5, 5])
        }
    }

    /// The child gets descriptors 0-2 only (a descriptor this process left inheritable included),
    /// default signal handling and nothing blocked, whatever this process set.
    @Test func theChildGetsOnlyItsThreeDescriptorsAndDefaultSignals() async throws {
        let dir = try TempDirectory(prefix: "test-child")
        let leaky = open(dir.file("leaky"), O_CREAT | O_WRONLY, 0o600)  // no O_CLOEXEC
        #expect(leaky >= 3)
        defer { close(leaky) }
        let descriptors = try TestChild("/bin/sh", ["-c", "ls /proc/$$/fd"], stdout: .capture)
        #expect(await descriptors.exited() == 0)
        #expect(await eventually { descriptors.stdoutFinished })
        #expect(descriptors.stdout == "0\n1\n2\n")

        // SIGPIPE is ignored here (ChildSpawn), SIGUSR2 too and blocked on the spawning thread.
        let signals = try { () throws -> TestChild in
            signal(SIGUSR2, SIG_IGN)
            var usr2 = sigset_t()
            sigemptyset(&usr2)
            sigaddset(&usr2, SIGUSR2)
            pthread_sigmask(SIG_BLOCK, &usr2, nil)
            defer {
                pthread_sigmask(SIG_UNBLOCK, &usr2, nil)
                signal(SIGUSR2, SIG_DFL)
            }
            return try TestChild("/bin/grep", ["-E", "^Sig(Ign|Blk)", "/proc/self/status"], stdout: .capture)
        }()
        #expect(await signals.exited() == 0)
        #expect(await eventually { signals.stdoutFinished })
        var masks: [String: UInt64] = [:]
        for line in signals.stdout.split(separator: "\n") {
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { masks[parts[0]] = UInt64(parts[1], radix: 16) }
        }
        // Signals 1-31 (glibc's own real-time signals 32 and 33 may show as ignored).
        let standard: UInt64 = 0x7FFF_FFFF
        #expect(masks["SigIgn"].map { $0 & standard } == 0, "\(signals.stdout)")
        #expect(masks["SigBlk"].map { $0 & standard } == 0, "\(signals.stdout)")
    }

    @Test func outputGoesToAFileWithStderrBesideStdoutAndInputComesFromOne() async throws {
        let dir = try TempDirectory(prefix: "test-child")
        try "from a file\n".write(toFile: dir.file("in"), atomically: true, encoding: .utf8)
        let child = try TestChild(
            "/bin/sh", ["-c", "pwd; echo \"$GREETING\"; cat; echo to-stderr >&2; echo last"],
            env: ["GREETING": "hello", "PATH": "/usr/bin:/bin"], cwd: dir.path,
            stdin: .file(dir.file("in")), stdout: .file(dir.file("out")), stderr: .stdout)
        #expect(await child.exited() == 0)
        let out = try String(contentsOfFile: dir.file("out"), encoding: .utf8)
        let cwd = URL(fileURLWithPath: dir.path).resolvingSymlinksInPath().path
        #expect(out == "\(cwd)\nhello\nfrom a file\nto-stderr\nlast\n")
        let quiet = try TestChild("/bin/sh", ["-c", "echo gone; echo gone >&2"])
        #expect(await quiet.exited() == 0)
    }

    /// What a running child wrote is there before it exits (a test waits for "listening").
    @Test func capturedOutputIsReadWhileTheChildRuns() async throws {
        let child = try TestChild("/bin/sh", ["-c", "echo listening; echo oops >&2; read line; echo \"got $line\""],
                                  stdin: .pipe, stdout: .capture, stderr: .capture)
        #expect(await eventually { child.stdout == "listening\n" && child.stderr == "oops\n" })
        #expect(child.isRunning)
        try child.writeStdin(Array("this\n".utf8))
        child.closeStdin()
        #expect(await child.exited() == 0)
        #expect(await eventually { child.stdoutFinished && child.stdout == "listening\ngot this\n" })
        #expect(throws: TestChild.StdinClosed.self) { try child.writeStdin([1]) }
    }

    /// A child nobody waited for is reaped when its `TestChild` goes away: no zombie is left.
    @Test func aChildNobodyWaitedForIsReapedAfterwards() async throws {
        var child: TestChild? = try TestChild("/bin/sh", ["-c", "read line"], stdin: .pipe)
        let pid = try #require(child?.pid)
        child = nil  // closes its stdin: the shell exits
        #expect(await eventually { !FileManager.default.fileExists(atPath: "/proc/\(pid)") })
    }

    @Test func aMissingProgramIsAnError() {
        #expect(throws: SpawnFailure.self) { try TestChild("/nonexistent/program") }
    }
}
