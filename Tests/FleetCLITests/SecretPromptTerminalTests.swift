import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `fleet secrets set` typed into a pseudo-terminal: the value is read without echo, and Ctrl-C
/// while it is being typed gives the terminal its echo back and writes nothing.
@Suite struct SecretPromptTerminalTests {
    /// Runs a command in a pseudo-terminal; once its prompt shows and echo is off, types `typed`
    /// (then Ctrl-C when asked); prints JSON: the output, the exit, and whether echo is on after.
    static let driver = #"""
        import json, os, pty, select, signal, sys, termios, time
        typed, interrupt = sys.argv[1], sys.argv[2] == "ctrl-c"
        pid, fd = pty.fork()
        if pid == 0:
            # As a shell starts a command: default signal actions, nothing blocked.
            for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.execvp(sys.argv[3], sys.argv[3:])
        out = b""
        def read(timeout):
            global out
            r, _, _ = select.select([fd], [], [], timeout)
            if not r:
                return True
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            out += data
            return bool(data)
        def echo():
            return bool(termios.tcgetattr(fd)[3] & termios.ECHO)
        end = time.time() + 60
        while b"value for" not in out:
            if time.time() > end or not read(0.1):
                sys.exit("no prompt: %r" % out)
        while echo():
            if time.time() > end:
                sys.exit("echo never went off: %r" % out)
            read(0.01)
        os.write(fd, typed.encode())
        if interrupt:
            os.write(fd, b"\x03")   # the line discipline turns it into SIGINT
        else:
            os.write(fd, b"\n")
        end = time.time() + 60
        while read(1) and time.time() < end:
            pass
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)   # still waiting after the keys: report it, do not hang
            out += b"\n[driver: still running, killed]"
            _, status = os.waitpid(pid, 0)
        print(json.dumps({"output": out.decode("utf-8", "replace"), "echo": echo(),
                          "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0,
                          "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1}))
        """#

    struct Outcome: Decodable {
        var output: String
        var echo: Bool
        var signal: Int32
        var exit: Int32
    }

    func drive(_ typed: String, interrupt: Bool, repo: String, key: String) async throws -> Outcome {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["TERM"] = "xterm"
        for k in ["FLEET_KEY_FILE", "ENCRYPTION_KEY", "FLEET_ENCRYPTION_KEYS"] { env[k] = nil }
        let run = try await runProcess("/usr/bin/env", [
            "python3", "-c", Self.driver, typed, interrupt ? "ctrl-c" : "enter", TestPaths.executable("fleet"),
            "secrets", "set", "alpha", "channels.telegram.default.botToken", "--repo", repo, "--key-file", key,
        ], env: env)
        #expect(run.status == 0, "driver: \(run.stdout)\(run.stderr)")
        return try JSONDecoder().decode(Outcome.self, from: Data(run.stdout.utf8))
    }

    @Test func ctrlCWhileTypingASecretRestoresEchoAndWritesNothing() async throws {
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        let key = fx.path("k.key")
        #expect(try await runProcess(TestPaths.executable("fleet"), ["secrets", "keygen", "--out", key]).status == 0)
        let manifest = """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: alpha}
            spec:
              channels:
                - type: telegram
                  dmPolicy: pairing
            """
        try fx.write("r", "fleet/bots/alpha.yaml", manifest)

        let interrupted = try await drive("half-typed-SECRET", interrupt: true, repo: repo, key: key)
        #expect(interrupted.signal == SIGINT, "Ctrl-C ends the command as SIGINT would: \(interrupted)")
        #expect(interrupted.echo, "the terminal was left without echo:\n\(interrupted.output)")
        #expect(!interrupted.output.contains("half-typed"), "the value was echoed:\n\(interrupted.output)")
        #expect(try String(contentsOfFile: repo + "/fleet/bots/alpha.yaml", encoding: .utf8) == manifest, "nothing is written")

        // Typed to the end: hidden, stored, and echo is back too.
        let typed = try await drive("777:typed-SECRET", interrupt: false, repo: repo, key: key)
        #expect(typed.exit == 0 && typed.signal == 0, "\(typed)")
        #expect(typed.echo && !typed.output.contains("typed-SECRET"), "\(typed.output)")
        #expect(try String(contentsOfFile: repo + "/fleet/bots/alpha.yaml", encoding: .utf8).contains("botToken: \"ENC[AES256_GCM,"))
    }
}
