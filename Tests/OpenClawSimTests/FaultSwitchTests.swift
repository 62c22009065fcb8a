import Foundation
import Glibc
import OpenClawConfig
import TestChild
import Testing

/// The `OPENCLAW_SIM_*` fault switches.
@Suite struct FaultSwitchTests {
    func readyz(_ port: Int) -> HTTPProbe.Reply? { HTTPProbe.request(port: port, path: "/readyz") }

    @Test func startupDelayHoldsReadiness() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        // Long enough that /healthz is up well before it ends, even on a loaded 2-core machine.
        let started = Date()
        let sim = try await startGateway(sandbox, port: port, env: ["OPENCLAW_SIM_STARTUP_DELAY_MS": "6000"])
        defer { sim.signal(SIGKILL) }
        let early = try #require(readyz(port))
        if Date().timeIntervalSince(started) < 5.5 {
            // 2026.4: the channels are not started yet, so each counts as not running.
            #expect(early.status == 503)
            #expect(early.json?["failing"] == .array([.string("telegram")]))
        }
        #expect(await eventually { readyz(port)?.status == 200 })
    }

    @Test func listenDelayHoldsHealth() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        let started = Date()
        let sim = try SimProcess(["gateway"], sandbox: sandbox, env: ["OPENCLAW_SIM_LISTEN_DELAY_MS": "400"])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 })
        #expect(Date().timeIntervalSince(started) >= 0.35)
    }

    /// A channel that never connects is healthy during its connect grace (120 s in OpenClaw), then
    /// failing; the grace is shortened here with the test-only knob.
    @Test func unreadyChannel() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port, env: ["OPENCLAW_SIM_UNREADY_CHANNEL": "telegram:default"])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { readyz(port)?.status == 200 }, "inside the 120 s connect grace")
        let graceless = SimSandbox()
        let port2 = Ports.free()
        let sim2 = try await startGateway(graceless, port: port2, env: ["OPENCLAW_SIM_UNREADY_CHANNEL": "telegram:default",
                                                                       "OPENCLAW_SIM_CHANNEL_CONNECT_GRACE_MS": "0"])
        defer { sim2.signal(SIGKILL) }
        #expect(await eventually { readyz(port2)?.json?["failing"] == .array([.string("telegram")]) })
        #expect(readyz(port2)?.status == 503)
    }

    /// A failing channel is restarted by the gateway with backoff and does not count while a restart
    /// is pending; once it gives up (10 attempts), /readyz names the channel.
    @Test func channelError() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port,
                                         env: ["OPENCLAW_SIM_CHANNEL_ERROR": "telegram:default:401 Unauthorized"])
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { sim.stdout.contains("ERROR [gateway/channels/telegram] [default] channel exited: 401 Unauthorized") })
        #expect(sim.stdout.contains("[gateway/channels/telegram] [default] auto-restart attempt 1/10 in 5s"))
        #expect(readyz(port)?.status == 200, "a channel waiting for its restart does not count")
        #expect(sandbox.read(sandbox.logPath).contains(#"{"0":"{\"subsystem\":\"gateway/channels/telegram\"}","1":"[default] channel exited: 401 Unauthorized""#))

        let quick = SimSandbox()
        let port2 = Ports.free()
        let sim2 = try await startGateway(quick, port: port2, env: ["OPENCLAW_SIM_CHANNEL_ERROR": "telegram:default:401 Unauthorized",
                                                                   "OPENCLAW_SIM_CHANNEL_RESTART_BACKOFF_MS": "10"])
        defer { sim2.signal(SIGKILL) }
        #expect(await eventually { sim2.stdout.contains("[default] giving up after 10 restart attempts") })
        let reply = try #require(readyz(port2))
        #expect(reply.status == 503)
        #expect(reply.json?["failing"] == .array([.string("telegram")]))
    }

    @Test func badTokenPrefix() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port, telegramToken: "bad-token")
        let sim = try await startGateway(sandbox, port: port, env: ["OPENCLAW_SIM_CHANNEL_RESTART_BACKOFF_MS": "10"], writeConfig: false)
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { sim.stdout.contains("channel exited: 401 Unauthorized") })
        #expect(await eventually { readyz(port)?.status == 503 })
    }

    @Test func crashWithExitCode() async throws {
        let sandbox = SimSandbox()
        sandbox.writeStandardConfig(port: Ports.free())
        let sim = try SimProcess(["gateway"], sandbox: sandbox,
                                 env: ["OPENCLAW_SIM_CRASH_AFTER_MS": "200", "OPENCLAW_SIM_CRASH_EXIT_CODE": "7"])
        #expect(await sim.waitForExit() == 7)
        #expect(sim.process.termination == .exit(7))
    }

    @Test(arguments: [("SEGV", SIGSEGV), ("KILL", SIGKILL), ("ABRT", SIGABRT)])
    func crashWithSignal(_ name: String, _ number: Int32) async throws {
        let sandbox = SimSandbox()
        sandbox.writeStandardConfig(port: Ports.free())
        let sim = try SimProcess(["gateway"], sandbox: sandbox,
                                 env: ["OPENCLAW_SIM_CRASH_AFTER_MS": "100", "OPENCLAW_SIM_CRASH_SIGNAL": name])
        #expect(await sim.waitForExit() == number)
        #expect(sim.process.termination == .signal(number))
    }

    @Test func ignoreSigterm() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port, env: ["OPENCLAW_SIM_IGNORE_SIGTERM": "1"])
        sim.signal(SIGTERM)
        #expect(await eventually { sim.stdout.contains("signal SIGTERM received; ignoring it") })
        // Still serving after it ignored the signal, and it ends only by the SIGKILL that follows
        // (an exit on SIGTERM would show status 0 or 15 here).
        #expect(HTTPProbe.request(port: port, path: "/healthz")?.status == 200)
        sim.signal(SIGKILL)
        #expect(await sim.waitForExit() == SIGKILL)
        #expect(sim.process.termination == .signal(SIGKILL))
    }

    @Test func trafficWritesSessionsAndTranscripts() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        // The agent's model is anthropic/...: its key comes from the environment, as in OpenClaw.
        let sim = try await startGateway(sandbox, port: port, env: ["OPENCLAW_SIM_TRAFFIC_PER_MIN": "1200", "ANTHROPIC_API_KEY": "sk-ant-test"])
        defer { sim.signal(SIGKILL) }
        let index = sandbox.stateDir + "/agents/support/sessions/sessions.json"
        #expect(await eventually { (try? JSON5.parse(sandbox.read(index)))?.objectValue?.isEmpty == false })
        let sessions = try #require(try JSON5.parse(sandbox.read(index)).objectValue)
        let (key, entry) = try #require(sessions.first)
        #expect(key.hasPrefix("agent:support:telegram:direct:"))
        #expect(entry["channel"] == .string("telegram"))
        #expect((entry["totalTokens"]?.intValue ?? 0) > 0)
        #expect(entry["updatedAt"]?.intValue != nil)
        let sessionId = try #require(entry["sessionId"]?.stringValue)
        let transcript = sandbox.read(sandbox.stateDir + "/agents/support/sessions/\(sessionId).jsonl")
        #expect(transcript.contains(#""role":"user""#) && transcript.contains(#""role":"assistant""#))
        #expect(sim.stdout.contains("inbound message from"))
    }
}
