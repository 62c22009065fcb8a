@testable import FleetCore
import Glibc
import Testing

/// The `/proc` readers the applier calls at every health poll and pacer sample: parsed from
/// bytes, checked against real kernel files and against the odd ones (a command name with spaces
/// and parentheses).
@Suite struct ProcFileParsingTests {
    @Test func statParsesAfterTheLastParenthesis() throws {
        let text = "4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 987654 1000 250 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let stat = try #require(ProcessTable.parseStat(Array(text.utf8)))
        #expect(stat == ProcessTable.Stat(state: UInt8(ascii: "S"), parentPid: 17, processGroup: 4242, session: 4242,
                                          startTime: 987_654))
        #expect(ProcessTable.parseStat(Array("garbage".utf8)) == nil)
        #expect(ProcessTable.parseStat(Array("1 (x) R 0 1".utf8)) == nil, "too short: no start time")
    }

    @Test func statOfThisProcessMatchesTheKernel() throws {
        let me = try #require(ProcessTable.stat(getpid()))
        #expect(me.state == UInt8(ascii: "R") || me.state == UInt8(ascii: "S"))
        #expect(me.parentPid == getppid())
        #expect(me.session == getsid(0))
        #expect(me.startTime > 0)
        #expect(ProcessTable.isAlive(getpid(), startTime: me.startTime))
        #expect(!ProcessTable.isAlive(getpid(), startTime: me.startTime + 1), "another start time: a reused pid")
    }

    @Test func aChildIsRunningThenExitedThenNotOurs() async throws {
        var pid: pid_t = 0
        var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup("read x"), nil]
        defer { argv.forEach { free($0) } }
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        #expect(posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ) == 0)
        close(fds[0])
        #expect(GatewayProcess.poll(pid) == .running, "blocked reading its stdin")
        close(fds[1])  // EOF: `read` returns, the shell exits 1
        var status = GatewayProcess.poll(pid)
        while status == .running {
            await Task.yield()
            status = GatewayProcess.poll(pid)
        }
        guard case .exited(let exit) = status else {
            Issue.record("expected an exit, got \(status)")
            return
        }
        #expect(exit.code == 1)
        #expect(GatewayProcess.poll(pid) == .notOurChild, "reaped")
        #expect(GatewayProcess.poll(1) == .notOurChild)
    }

    @Test func meminfoKeysAreFoundAtTheStartOfALine() {
        let text = "MemTotal:       16000000 kB\nMemFree:         1000 kB\nXMemAvailable: 5 kB\nMemAvailable:    8000000 kB\n"
        #expect(SystemHostLoad.kilobytes(of: "MemAvailable:", in: text) == 8_000_000)
        #expect(SystemHostLoad.kilobytes(of: "MemTotal:", in: text) == 16_000_000)
        #expect(SystemHostLoad.kilobytes(of: "SwapTotal:", in: text) == nil)
        #expect(SystemHostLoad.memoryAvailable().map { $0 > 0 } == true, "this host's /proc/meminfo")
        #expect(SystemHostLoad.hostBusy().map { $0 > .zero } == true, "this host's /proc/stat")
    }
}
