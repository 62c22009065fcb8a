import Foundation
import Glibc
import Testing

/// Each start-up refusal: one line on stderr, and exit code 78 (EX_CONFIG) for a refused config,
/// like the real gateway (OpenClaw: docs/gateway/embedding.md).
@Suite struct StartupRefusalTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var config: String?
        var arguments: [String] = []
        var env: [String: String] = [:]
        var expected: String
        /// 78 (EX_CONFIG) for a refused config; 1 for a secret that does not resolve (the secrets
        /// preflight throws and run.ts exits 1; OpenClaw: src/gateway/server.impl.ts).
        var exit: Int32 = 78
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing config", config: nil, expected: "Missing config at"),
        Case(name: "mode unset", config: "{ gateway: { port: 1 } }",
             expected: #"gateway.mode is unset; set gateway.mode to "local" or pass --allow-unconfigured"#),
        Case(name: "mode remote", config: #"{ gateway: { mode: "remote" } }"#,
             expected: #"gateway.mode is "remote"; set gateway.mode to "local" or pass --allow-unconfigured"#),
        Case(name: "unknown key", config: #"{ gateway: { mode: "local", foo: 1 } }"#,
             expected: #": Unrecognized key "foo" at gateway.foo"#),
        Case(name: "wrong type", config: #"{ gateway: { mode: "local", port: "x" } }"#,
             expected: "expected integer, received string at gateway.port"),
        Case(name: "syntax error", config: "{\n  gateway: { mode: \"local\" },\n  }}",
             expected: "line 3, column 4: unexpected character '}'"),
        Case(name: "lan without auth", config: #"{ gateway: { mode: "local", bind: "lan" } }"#,
             expected: "refusing to bind gateway to 0.0.0.0"),
        Case(name: "lan flag without auth", config: #"{ gateway: { mode: "local" } }"#, arguments: ["--bind", "lan"],
             expected: "without auth"),
        Case(name: "token mode without token", config: #"{ gateway: { mode: "local", auth: { mode: "token" } } }"#,
             expected: #"gateway auth mode is "token" but no token is configured"#),
        Case(name: "missing token file", config: #"{ gateway: { mode: "local" }, channels: { telegram: { tokenFile: "/nonexistent/tg" } } }"#,
             expected: "channels.telegram.tokenFile: cannot read secret file /nonexistent/tg (No such file or directory)", exit: 1),
        Case(name: "missing SecretRef file",
             config: #"{ gateway: { mode: "local" }, secrets: { providers: { f: { source: "file", path: "/nonexistent/d", mode: "singleValue" } } }, channels: { discord: { accounts: { ops: { token: { source: "file", provider: "f", id: "value" } } } } } }"#,
             expected: "channels.discord.accounts.ops.token: cannot read secret file /nonexistent/d", exit: 1),
        // OpenClaw falls back to 0.0.0.0 without a usable customBindHost (src/gateway/net.ts).
        Case(name: "custom bind without host", config: #"{ gateway: { mode: "local", bind: "custom" } }"#,
             expected: "refusing to bind gateway to 0.0.0.0"),
        Case(name: "lan Control UI without origins", config: #"{ gateway: { mode: "local", bind: "lan", auth: { mode: "token", token: "t" } } }"#,
             expected: "non-loopback Control UI requires gateway.controlUi.allowedOrigins"),
        Case(name: "missing env var", config: #"{ gateway: { mode: "local", auth: { token: "${OPENCLAW_SIM_TEST_UNSET_VAR}" } } }"#,
             expected: #"Missing env var "OPENCLAW_SIM_TEST_UNSET_VAR""#),
    ]

    @Test(arguments: cases)
    func refuses(_ refusal: Case) async throws {
        let sandbox = SimSandbox()
        if let config = refusal.config { sandbox.writeConfig(config) }
        let sim = try SimProcess(["gateway", "run", "--port", String(Ports.free())] + refusal.arguments,
                                 sandbox: sandbox, env: refusal.env)
        let status = await sim.waitForExit()
        #expect(status == refusal.exit)
        let lines = sim.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(sim.stderr)")
        #expect(sim.stderr.hasPrefix("Gateway failed to start: "))
        #expect(sim.stderr.contains(refusal.expected), "stderr: \(sim.stderr)")
    }

    @Test func portInUse() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let first = try await startGateway(sandbox, port: port)
        let second = try SimProcess(["gateway", "run"], sandbox: sandbox)
        #expect(await second.waitForExit() == 1)
        #expect(second.stderr.contains(
            "Gateway failed to start: another gateway instance is already listening on ws://127.0.0.1:\(port) (port \(port) in use)"),
            "stderr: \(second.stderr)")
        first.signal(SIGTERM)
        #expect(await first.waitForExit() == 0)
    }

    @Test func allowUnconfiguredStartsWithoutConfig() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port, arguments: ["--allow-unconfigured", "--port", String(port)],
                                         env: ["OPENCLAW_LOG_LEVEL": "warn"], writeConfig: false)
        #expect(HTTPProbe.request(port: port, path: "/readyz")?.status == 200)
        sim.signal(SIGTERM)
        #expect(await sim.waitForExit() == 0)
    }

    @Test func commandLine() async throws {
        let sandbox = SimSandbox()
        let version = try SimProcess(["--version"], sandbox: sandbox, env: ["OPENCLAW_SIM_VERSION": "2026.1.2"])
        #expect(await version.waitForExit() == 0)
        #expect(version.stdout == "OpenClaw 2026.1.2 (openclaw-sim)\n")
        let flag = try SimProcess(["--sim-version", "2026.8.1", "-V"], sandbox: sandbox)
        #expect(await flag.waitForExit() == 0)
        #expect(flag.stdout == "OpenClaw 2026.8.1 (openclaw-sim)\n")
        let badRelease = try SimProcess(["--version"], sandbox: sandbox, env: ["OPENCLAW_SIM_VERSION": "latest"])
        #expect(await badRelease.waitForExit() == 1)
        #expect(badRelease.stderr.contains("invalid release 'latest'"))
        let unknown = try SimProcess(["gateway", "run", "--frobnicate"], sandbox: sandbox)
        #expect(await unknown.waitForExit() == 1)
        #expect(unknown.stderr == "error: unknown option '--frobnicate'\n")
        let badBind = try SimProcess(["gateway", "--bind", "moon"], sandbox: sandbox)
        #expect(await badBind.waitForExit() == 1)
        #expect(badBind.stderr.contains("invalid --bind 'moon'"))
    }
}
