import Foundation
import TestChild
import TestPorts
import Glibc
import OpenClawConfig
import OpenClawWire
import Testing

/// Runs the built `openclaw-sim` binary as a real process for the tests.
enum SimBinary {
    /// `OPENCLAW_SIM_BINARY`, else `openclaw-sim` beside the running test bundle
    /// (`.build/<triple>/debug/` when run by `swift test`).
    static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["OPENCLAW_SIM_BINARY"], !explicit.isEmpty {
            return explicit
        }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test bundle may be a directory (…/X.xctest/…); walk up until the binary is found.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("openclaw-sim").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("openclaw-sim").path
    }
}

/// The binary was not built (run `swift build` first, or set OPENCLAW_SIM_BINARY).
struct SimBinaryMissing: Error, CustomStringConvertible {
    var path: String
    var description: String { "openclaw-sim not found at \(path); build it (swift build) or set OPENCLAW_SIM_BINARY" }
}

/// A private state dir, config path and log file for one test.
final class SimSandbox: @unchecked Sendable {
    let root: String
    var stateDir: String { root + "/state" }
    var configPath: String { root + "/config.json5" }
    var logPath: String { root + "/gateway.log" }

    init() {
        root = "/tmp/openclaw-sim-test-\(UUID().uuidString.prefix(13))"
        try? FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Writes the config file (JSON5 text).
    func writeConfig(_ text: String) {
        _ = FileManager.default.createFile(atPath: configPath, contents: Data(text.utf8))
    }

    /// A typical valid config; `extra` is spliced in at the top level.
    func writeStandardConfig(port: Int, telegramToken: String = "123:abc", extra: String = "") {
        writeConfig("""
        {
          gateway: { mode: "local", port: \(port), reload: { debounceMs: 20 } },
          logging: { file: "\(logPath)" },
          agents: { list: [{ id: "support", model: "anthropic/claude-sonnet-4-5" }] },
          channels: { telegram: { botToken: "\(telegramToken)", dmPolicy: "pairing" } },
          \(extra)
        }
        """)
    }

    var configHash: String {
        let data = FileManager.default.contents(atPath: configPath) ?? Data()
        return ConfigDigest.sha256Hex(Array(data))
    }

    func read(_ path: String) -> String {
        (FileManager.default.contents(atPath: path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

/// One running (or finished) `openclaw-sim` process with stdout/stderr captured to files.
final class SimProcess: @unchecked Sendable {
    let process: TestChild
    let stdoutPath: String
    let stderrPath: String

    /// Runs the stand-in with `arguments`; `wrapper` (a program and its arguments, the stand-in's
    /// path and `arguments` after them) runs it in another setting.
    init(_ arguments: [String], sandbox: SimSandbox, env extra: [String: String] = [:], wrapper: [String] = []) throws {
        stdoutPath = sandbox.root + "/stdout-\(UUID().uuidString).txt"
        stderrPath = sandbox.root + "/stderr-\(UUID().uuidString).txt"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        guard FileManager.default.isExecutableFile(atPath: SimBinary.path) else {
            throw SimBinaryMissing(path: SimBinary.path)
        }
        // The tests written against OpenClaw 2026.4 run that persona without its self re-launch
        // (as fleet launches it); tests of other releases and of the re-launch say so.
        var env: [String: String] = [
            "HOME": sandbox.root,
            "PATH": "/usr/bin:/bin",
            "OPENCLAW_STATE_DIR": sandbox.stateDir,
            "OPENCLAW_CONFIG_PATH": sandbox.configPath,
            "OPENCLAW_SIM_VERSION": "2026.4.27",
            "OPENCLAW_NO_RESPAWN": "1",
        ]
        env.merge(extra) { _, new in new }
        if let program = wrapper.first {
            process = try TestChild(program, Array(wrapper.dropFirst()) + [SimBinary.path] + arguments, env: env,
                                    stdout: .file(stdoutPath), stderr: .file(stderrPath))
        } else {
            process = try TestChild(SimBinary.path, arguments, env: env, stdout: .file(stdoutPath), stderr: .file(stderrPath))
        }
    }

    deinit {
        process.kill()
    }

    var pid: Int32 { process.pid }
    var stdout: String { String(decoding: FileManager.default.contents(atPath: stdoutPath) ?? Data(), as: UTF8.self) }
    var stderr: String { String(decoding: FileManager.default.contents(atPath: stderrPath) ?? Data(), as: UTF8.self) }

    func signal(_ sig: Int32) { process.signal(sig) }

    /// Waits for exit; returns the exit status (or signal number), or `nil` when `timeout` (a
    /// safety bound against a hung test, not a timing) passes first.
    func waitForExit(timeout: Double = 120) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { return nil }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        switch process.termination {
        case .exit(let code): return code
        case .signal(let number): return number
        case nil: return nil
        }
    }
}

/// A minimal blocking HTTP/1.1 client for loopback probes.
struct HTTPProbe {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: JSONValue? { try? JSON5.parse(body) }
    }

    static func request(host: String = "127.0.0.1", port: Int, method: String = "GET", path: String,
                        headers: [String: String] = [:], timeout: Int = 2) -> Reply? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var fields = HTTPHeaders([("Host", "127.0.0.1:\(port)"), ("Connection", "close")])
        for (k, v) in headers { fields.add(k, v) }
        let bytes = HTTPRequestHead(method: method, target: path, headers: fields).encode()
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
        }
        return parse(response, head: method == "HEAD")
    }

    /// The answer in `raw` (read to the end of the connection), by OpenClawWire's parser.
    static func parse(_ raw: [UInt8], head: Bool = false) -> Reply? {
        guard case .response(let answer, let body, _) = HTTPParser.parseResponse(raw, atEnd: true, bodyless: head) else { return nil }
        var headers: [String: String] = [:]
        for field in answer.headers { headers[field.name.lowercased()] = field.value }
        return Reply(status: answer.status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }
}

enum Ports {
    /// A port for one stand-in, held by this test process (``TestPorts``).
    static func free() -> Int { TestPorts.next() }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass, on a thread of its own:
/// the condition's blocking probes never hold a thread of the cooperative pool. The timeout is a
/// safety bound against a hung test, not a timing: a loaded machine must not fail a test with it.
func eventually(timeout: Double = 120, _ condition: @escaping @Sendable () -> Bool) async -> Bool {
    await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        Thread.detachNewThread {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition() { return continuation.resume(returning: true) }
                usleep(20_000)
            }
            continuation.resume(returning: condition())
        }
    }
}

/// Starts a gateway on a free port and waits until `/healthz` answers.
func startGateway(_ sandbox: SimSandbox, port: Int, arguments: [String] = [], env: [String: String] = [:],
                  writeConfig: Bool = true) async throws -> SimProcess {
    if writeConfig { sandbox.writeStandardConfig(port: port) }
    let sim = try SimProcess(["gateway", "run"] + arguments, sandbox: sandbox, env: env)
    let up = await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 }
    #expect(up, "gateway did not answer /healthz; stderr: \(sim.stderr)")
    return sim
}
