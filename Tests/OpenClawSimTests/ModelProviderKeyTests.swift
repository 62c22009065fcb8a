import Foundation
import Glibc
import OpenClawConfig
import Testing

/// `models.providers.<id>.apiKey` as the real gateway treats it: SecretRefs resolved when the
/// config is activated (an unresolvable one stops start-up, or keeps the last good config on a
/// reload), and a provider without any key failing each agent run, not the start-up.
@Suite struct ModelProviderKeyTests {
    static let provider = "fleet-model-anthropic-apikey"

    /// The `secrets` and `models` keys fleet renders for an Anthropic key in `path`.
    static func keyConfig(path: String, ref: String? = nil) -> String {
        let apiKey = ref ?? #"{ source: "file", provider: "\#(provider)", id: "value" }"#
        return """
          secrets: { providers: { "\(provider)": { source: "file", path: "\(path)", mode: "singleValue" } } },
          models: { providers: { anthropic: { baseUrl: "https://api.anthropic.com", models: [], apiKey: \(apiKey) } } },
        """
    }

    struct Refusal: CustomStringConvertible, Sendable {
        var name: String
        var extra: String
        var expected: String
        var description: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "missing key file", extra: keyConfig(path: "/nonexistent/model-anthropic-apiKey"),
                expected: "Startup failed: required secrets are unavailable. SecretProviderResolutionError: secrets.providers.\(provider).path is not readable: /nonexistent/model-anthropic-apiKey"),
        Refusal(name: "provider not registered",
                extra: #"models: { providers: { anthropic: { baseUrl: "x", models: [], apiKey: { source: "file", provider: "nope", id: "value" } } } },"#,
                expected: #"Startup failed: required secrets are unavailable. SecretProviderResolutionError: Secret provider "nope" is not configured (ref: file:nope:value)."#),
        Refusal(name: "unset environment variable",
                extra: #"models: { providers: { anthropic: { baseUrl: "x", models: [], apiKey: { source: "env", provider: "default", id: "SIM_TEST_UNSET_KEY" } } } },"#,
                expected: #"Startup failed: required secrets are unavailable. SecretRefResolutionError: Environment variable "SIM_TEST_UNSET_KEY" is missing or empty."#),
        Refusal(name: "singleValue with another id",
                extra: keyConfig(path: "/etc/passwd", ref: #"{ source: "file", provider: "\#(provider)", id: "/anthropic" }"#),
                expected: #"SecretRefResolutionError: singleValue file provider "\#(provider)" expects ref id "value"."#),
    ]

    @Test(arguments: refusals)
    func anUnresolvableKeyStopsStartUp(_ refusal: Refusal) async throws {
        let sandbox = SimSandbox()
        sandbox.writeStandardConfig(port: Ports.free(), extra: refusal.extra)
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox)
        #expect(await sim.waitForExit() == 1)
        #expect(sim.stderr.split(separator: "\n").count == 1, "stderr: \(sim.stderr)")
        #expect(sim.stderr.hasPrefix("Gateway failed to start: "))
        #expect(sim.stderr.contains(refusal.expected), "stderr: \(sim.stderr)")
    }

    @Test func aKeyInItsFileLetsTheAgentReply() async throws {
        let sandbox = SimSandbox()
        let keyFile = sandbox.root + "/model-anthropic-apiKey"
        _ = FileManager.default.createFile(atPath: keyFile, contents: Data("sk-ant-sim-key\n".utf8), attributes: [.posixPermissions: 0o600])
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port, extra: Self.keyConfig(path: keyFile))
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, env: ["OPENCLAW_SIM_TRAFFIC_PER_MIN": "1200"])
        defer { sim.signal(SIGKILL) }
        let index = sandbox.stateDir + "/agents/support/sessions/sessions.json"
        #expect(await eventually { (try? JSON5.parse(sandbox.read(index)))?.objectValue?.isEmpty == false }, "stderr: \(sim.stderr)")
        let sessions = try #require(try JSON5.parse(sandbox.read(index)).objectValue)
        let sessionId = try #require(sessions.values.first?["sessionId"]?.stringValue)
        // The index is written before the transcript: wait for the reply itself.
        let transcript = sandbox.stateDir + "/agents/support/sessions/\(sessionId).jsonl"
        #expect(await eventually { sandbox.read(transcript).contains(#""role":"assistant""#) }, "\(sandbox.read(transcript))")
        #expect(!sim.stdout.contains("No API key found"))
        #expect(!sandbox.read(sandbox.logPath).contains("sk-ant-sim-key"), "the key is never logged")
    }

    @Test func withoutAKeyTheGatewayStartsAndEachRunFails() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, env: ["OPENCLAW_SIM_TRAFFIC_PER_MIN": "1200", "ANTHROPIC_API_KEY": ""])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 }, "stderr: \(sim.stderr)")
        let expected = #"[agent] No API key found for provider "anthropic". Auth store: \#(sandbox.stateDir)/agents/support/agent/auth-profiles.json (agentDir: \#(sandbox.stateDir)/agents/support/agent). Configure auth for this agent (openclaw agents add <id>) or copy auth-profiles.json from the main agentDir."#
        #expect(await eventually { sim.stdout.contains(expected) }, "stdout: \(sim.stdout)")
        let index = sandbox.stateDir + "/agents/support/sessions/sessions.json"
        let sessions = try #require(try JSON5.parse(sandbox.read(index)).objectValue)
        let sessionId = try #require(sessions.values.first?["sessionId"]?.stringValue)
        let transcript = sandbox.read(sandbox.stateDir + "/agents/support/sessions/\(sessionId).jsonl")
        #expect(transcript.contains(#""role":"user""#) && !transcript.contains(#""role":"assistant""#), "no reply without a key")
    }

    @Test func aReloadThatLosesTheKeyKeepsTheLastGoodConfig() async throws {
        let sandbox = SimSandbox()
        let keyFile = sandbox.root + "/model-anthropic-apiKey"
        _ = FileManager.default.createFile(atPath: keyFile, contents: Data("sk-ant-sim-key".utf8), attributes: [.posixPermissions: 0o600])
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port, extra: Self.keyConfig(path: keyFile))
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox)
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 }, "stderr: \(sim.stderr)")
        // The key file disappears; the next hot reload (a session change) cannot resolve the key.
        try FileManager.default.removeItem(atPath: keyFile)
        sandbox.writeStandardConfig(port: port, extra: Self.keyConfig(path: keyFile) + #" session: { scope: "global" },"#)
        let expected = "config reload rejected: [SECRETS_RELOADER_DEGRADED] SecretProviderResolutionError: secrets.providers.\(Self.provider).path is not readable: \(keyFile); keeping the last good config"
        #expect(await eventually { sim.stdout.contains(expected) }, "stdout: \(sim.stdout)")
        #expect(sim.process.isRunning)
        #expect(HTTPProbe.request(port: port, path: "/healthz")?.status == 200)
    }
}
