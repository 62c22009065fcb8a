import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// Status with channels, describe, sessions, history, status --watch and login against running openclaw-sim gateways.
@Suite struct OperateEndToEndTests {
    /// A JSON document checked against one of the repository's schemas with Python's jsonschema (true when it is missing).
    static func matchesSchema(_ json: String, schema: String) async throws -> Bool {
        let dir = try TempDirectory(prefix: "fleet-schema")
        try Data(json.utf8).write(to: URL(fileURLWithPath: dir.file("doc.json")))
        let script = """
            import json, sys
            try:
                import jsonschema
            except ImportError:
                sys.exit(0)
            jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
            """
        let path = TestPaths.repositoryRoot(from: #filePath) + "/schemas/" + schema
        let result = try await runProcess("/usr/bin/env", ["python3", "-c", script, path, dir.file("doc.json")])
        if result.status != 0 { print(result.stderr) }
        return result.status == 0
    }

    /// The same operator commands against a gateway playing OpenClaw 2026.4.27 and one playing 2026.9.6
    /// (protocol 3 vs 4, sessions.json vs a store fleet does not read, plain vs extended log lines).
    @Test(arguments: ["2026.4.27", "2026.9.6"])
    func statusDescribeSessionsAndHistoryShowChannelsSessionsAndFigures(release: String) async throws {
        let w = try await FleetWorld(gatewayCommand: "[env, OPENCLAW_SIM_VERSION=\(release), OPENCLAW_SIM_TRAFFIC_PER_MIN=1200, openclaw-sim, gateway, run]")
        try w.bot("good")
        try w.git.write("repo", "fleet/bots/broken.yaml", """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: broken}
            spec:
              channels:
                - {type: telegram, credentials: {botToken: "bad-token-from-a-typo"}, dmPolicy: pairing}
            """)
        try w.commit("two bots")
        #expect(try await w.fleet("apply").status == 0)
        // Simulated traffic: sessions appear on the good bot.
        #expect(await eventually { (try? w.fleetBlocking("sessions", "good", "--json").stdout.contains("agent:good:telegram")) == true })

        let json = try await w.fleet("status", "--json")
        #expect(json.status == 0)
        #expect(try await Self.matchesSchema(json.stdout, schema: "state.schema.json"))
        let state = try JSONDecoder.iso.decode(FleetState.self, from: Data(json.stdout.utf8))
        let good = try #require(state.bots["good"])
        #expect(good.observedVia == "gateway")
        #expect(good.channels?.first?.connected == true)
        #expect((good.sessions?.count ?? 0) > 0)
        #expect((good.figures?.messagesLastHour ?? 0) > 0 && (good.figures?.activeSessions ?? 0) > 0)
        let broken = try #require(state.bots["broken"]?.channels?.first)
        #expect(broken.lastError == "401 Unauthorized")
        #expect(broken.fix?.contains("@BotFather") == true && broken.fix?.contains("/token") == true, "\(broken.fix ?? "")")
        // At least the refusal; OpenClaw retries the channel after 5 s, 10 s, ..., each retry one
        // more error line, so a slow machine counts more by the time status runs.
        #expect((state.bots["broken"]?.figures?.errorsLastHour ?? 0) >= 1)

        let table = try await w.fleet("status")
        // OpenClaw restarts a failed channel itself (5 s, doubling): it is restarting, not ready-failing.
        #expect(table.stdout.contains("CHANNELS") && table.stdout.contains("telegram:restarting") && table.stdout.contains("telegram:ok"), "\(table.stdout)")
        #expect(table.stdout.contains("broken telegram/default: 401 Unauthorized"), "\(table.stdout)")

        let describe = try await w.fleet("describe", "good")
        #expect(describe.status == 0)
        for text in ["Manifest   fleet/bots/good.yaml at", "Config     \(w.root)/bots/good/config.json5  sha256", "Process    Running  pid",
                     "Health     live, ready", "telegram/default    connected", "Figures    messages", "create   ok",
                     "gateway/channels/telegram | [default] inbound message"] {
            #expect(describe.stdout.contains(text), "describe lacks \(text):\n\(describe.stdout)")
        }
        let described = try await w.fleet("describe", "broken", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(described.stdout.utf8)) as? [String: Any])
        #expect(((object["channels"] as? [[String: Any]])?.first?["fix"] as? String)?.contains("@BotFather") == true)
        #expect((object["journal"] as? [Any])?.count == 1)

        let history = try await w.fleet("history")
        #expect(history.stdout.contains("Ada Author") && history.stdout.contains("create"), "\(history.stdout)")
        #expect(try await w.fleet("history", "good", "--json").stdout.contains(#""action" : "create""#))

        // Watch without a terminal: one block per round, stops on SIGINT.
        let watch = try RunningFleet(["status", "--watch", "--interval", "200ms", "--repo", w.repo, "--state-root", w.root], env: w.env())
        #expect(await eventually { watch.output.components(separatedBy: "--- ").count >= 3 }, "\(watch.output)")
        #expect(await watch.interrupt() == 0)
        #expect(!watch.output.contains("\u{1B}["))

        // Readable log lines with their subsystem, filtered by it.
        let logs = try await w.fleet("logs", "good", "--subsystem", "gateway/channels", "-n", "0")
        #expect(logs.stdout.contains("INFO  gateway/channels/telegram | [default] starting provider"), "\(logs.stdout)")
        #expect(!logs.stdout.contains("listening on") && !logs.stdout.contains(#"{"subsystem""#), "\(logs.stdout)")

        // The gateway gone: sessions from the on-disk store where the release keeps one fleet reads,
        // channels from the log.
        let pid = try #require(w.pid("good"))
        kill(pid, SIGKILL)
        #expect(await eventually { FleetWorld.isGone(pid) })
        let offline = try await w.fleet("sessions", "good", "--json")
        #expect(offline.stdout.contains(#""via" : "disk""#), "\(offline.stdout)")
        if release == "2026.4.27" {
            #expect(offline.stdout.contains("agent:good:telegram"), "\(offline.stdout)")
        } else {
            // 2026.8+ keeps sessions in SQLite: fleet says so instead of showing an empty list as the truth.
            #expect(offline.stdout.contains("sessions need a running gateway"), "\(offline.stdout)")
        }
        let after = try JSONDecoder.iso.decode(FleetState.self, from: Data(try await w.fleet("status", "--json").stdout.utf8))
        #expect(after.bots["good"]?.observedVia == "disk")
        #expect(after.bots["good"]?.channels?.first.map { !$0.connected && $0.channel == "telegram" && $0.fromLog == true } == true)
    }

    /// A bot whose log file is not on this host: `fleet logs` reads it from the gateway (`logs.tail`).
    @Test func logsOfAGatewayWhoseFileIsElsewhereComeOverItsProtocol() async throws {
        let w = try await FleetWorld()
        try w.bot("remote")
        try w.commit("one bot")
        #expect(try await w.fleet("apply").status == 0)
        // The gateway moves its log elsewhere (a hot-reloaded logging.file) and the file fleet
        // knows disappears: from fleet's side the log is not on this host.
        let config = w.root + "/bots/remote/config.json5"
        let elsewhere = w.root + "/elsewhere/gateway.log"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try Data(text.replacingOccurrences(of: w.root + "/bots/remote/logs/openclaw.log", with: elsewhere).utf8)
            .write(to: URL(fileURLWithPath: config))
        #expect(await eventually { FileManager.default.fileExists(atPath: elsewhere) })
        try FileManager.default.removeItem(atPath: w.root + "/bots/remote/logs/openclaw.log")
        let logs = try await w.fleet("logs", "remote", "-n", "0")
        #expect(logs.status == 0, "\(logs.stderr)")
        #expect(logs.stderr.contains("reading the gateway's log over its protocol (logs.tail)"), "\(logs.stderr)")
        #expect(logs.stdout.contains("gateway/reload | config hot reload applied (logging.file)"), "\(logs.stdout)")
    }

    @Test func loginPairsWhatsAppIntoTheBotsStateDirectory() async throws {
        let w = try await FleetWorld(gatewayCommand: "[env, OPENCLAW_SIM_LOGIN_DELAY_MS=0, openclaw-sim, gateway, run]")
        try w.git.write("repo", "fleet/bots/chat.yaml", """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: chat}
            spec:
              channels:
                - {type: whatsapp, dmPolicy: pairing}
            """)
        try w.commit("whatsapp bot")
        #expect(try await w.fleet("apply").status == 0)
        let result = try await w.fleet("login", "chat", "whatsapp")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("enter code"), "\(result.stdout)")
        let creds = w.root + "/bots/chat/state/credentials/whatsapp/default/creds.json"
        #expect(FileManager.default.fileExists(atPath: creds))
        // The running gateway notices the pairing.
        #expect(await eventually { (try? w.fleetBlocking("status", "--json").stdout.contains(#""connected" : true"#)) == true })
        let wrong = try await w.fleet("login", "chat", "telegram")
        #expect(wrong.status == 2 && wrong.stderr.contains("only whatsapp"), "\(wrong.stderr)")
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}
