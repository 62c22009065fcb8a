@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

@Suite struct OpenClawLogTests {
    /// Real lines of OpenClaw gateways (2026.3, from users' logs), and the 2026.8 line's extra fields.
    @Test func tslogLinesAsOpenClawWritesThem() throws {
        let telegram = #"{"0":"{\"subsystem\":\"gateway/channels/telegram\"}","1":"telegram sendMessage ok chat=569065324 message=30823","_meta":{"runtime":"node","runtimeVersion":"25.8.0","hostname":"unknown","name":"{\"subsystem\":\"gateway/channels/telegram\"}","parentNames":["openclaw"],"date":"2026-03-06T18:17:15.209Z","logLevelId":3,"logLevelName":"INFO"},"time":"2026-03-06T18:17:15.209+00:00"}"#
        let e = try #require(OpenClawLog.parse(Substring(telegram), bot: "support"))
        #expect(e.subsystem == "gateway/channels/telegram")
        #expect(e.message == "telegram sendMessage ok chat=569065324 message=30823")
        #expect(e.level == "INFO")
        #expect(e.time == ISOTime.parse("2026-03-06T18:17:15.209Z"))
        #expect(OpenClawLog.format(e, botWidth: 7).hasSuffix("INFO  support gateway/channels/telegram | telegram sendMessage ok chat=569065324 message=30823"))
        #expect(e.inSubsystem("gateway/channels") && e.inSubsystem("gateway") && !e.inSubsystem("gateway/chan"))

        let structured = #"{"0":"{\"subsystem\":\"model-fallback/decision\"}","1":{"event":"model_fallback_decision","runId":"r1"},"_meta":{"logLevelName":"WARN"},"time":"2026-03-06T18:17:15Z"}"#
        let s = try #require(OpenClawLog.parse(Substring(structured), bot: "b"))
        #expect(s.subsystem == "model-fallback/decision" && s.message == #"{"event":"model_fallback_decision","runId":"r1"}"#)

        let root = #"{"0":"Config overwrite: /home/u/.openclaw/openclaw.json (sha256 d36 -> 654)","_meta":{"logLevelName":"INFO","name":"openclaw"},"time":"2026-03-06T18:17:15Z"}"#
        let r = try #require(OpenClawLog.parse(Substring(root), bot: "b"))
        #expect(r.subsystem == nil && r.message.hasPrefix("Config overwrite:"))

        let newer = #"{"0":"{\"subsystem\":\"gateway/reload\"}","1":"config hot reload applied (channels.telegram.allowFrom)","message":"config hot reload applied (channels.telegram.allowFrom)","hostname":"h1","_meta":{"logLevelName":"INFO"},"time":"2026-09-06T10:00:00Z"}"#
        let n = try #require(OpenClawLog.parse(Substring(newer), bot: "b"))
        #expect(n.subsystem == "gateway/reload" && n.message == "config hot reload applied (channels.telegram.allowFrom)")
    }

    @Test func positionalPartsLevelAndTimeAreRead() throws {
        let line = #"{"1":{"port":1},"0":"[gateway] listening","2":42,"_meta":{"logLevelName":"WARN","date":"2026-09-06T10:00:00.123Z"},"time":"2026-09-06T10:00:00.123Z"}"#
        let e = try #require(OpenClawLog.parse(Substring(line), bot: "support"))
        #expect(e.message == #"[gateway] listening {"port":1} 42"#)
        #expect(e.level == "WARN")
        #expect(e.rank == 3)
        #expect(abs((e.time?.timeIntervalSince1970 ?? 0) - 1_788_688_800.123) < 0.001)
        #expect(OpenClawLog.format(e, botWidth: 8).hasSuffix("WARN  support  | [gateway] listening {\"port\":1} 42"))
        // Not JSON: kept as a message; blank: skipped.
        #expect(OpenClawLog.parse("plain text", bot: "b")?.message == "plain text")
        #expect(OpenClawLog.parse("   ", bot: "b") == nil)
        #expect(ISOTime.parse("2026-09-06T12:00:00+02:00") == ISOTime.parse("2026-09-06T10:00:00Z"))
    }

    @Test func severalBotsInterleaveByTime() {
        func e(_ bot: String, _ s: Double) -> LogEntry { LogEntry(time: Date(timeIntervalSince1970: s), level: "INFO", message: "\(s)", bot: bot) }
        let merged = OpenClawLog.interleave([[e("a", 1), e("a", 4)], [e("b", 2), e("b", 3), e("b", 5)]])
        #expect(merged.map(\.bot) == ["a", "b", "b", "a", "b"])
    }

    @Test func followerSurvivesRenameAndTruncation() throws {
        let dir = try TempDirectory(prefix: "fleet-follow")
        let path = dir.file("openclaw.log")
        func append(_ text: String, to file: String? = nil) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file ?? path))
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try handle.close()
        }
        try Data("old1\nold2\n".utf8).write(to: URL(fileURLWithPath: path))
        let f = LogFollower(path: path)
        #expect(f.backlog() == ["old1", "old2"])
        #expect(f.poll().isEmpty)
        try append("new1\npart")
        #expect(f.poll() == ["new1"])
        try append("ial\n")
        #expect(f.poll() == ["partial"])
        // Rotation by rename: the last lines of the old file, then the new file from its start.
        try append("last-of-old\n")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Data("first-of-new\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(f.poll() == ["last-of-old", "first-of-new"])
        // Truncation in place (copytruncate).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 0)
        try handle.close()
        try append("after-truncate\n")
        #expect(f.poll() == ["after-truncate"])
    }
}

@Suite struct ChannelInsightTests {
    @Test func aRejectedTelegramTokenComesWithTheBotFatherFix() {
        // Lines as OpenClaw writes them (tslog: the logger's name in "0", the message in "1"; texts of
        // src/gateway/server-channels.ts), plus one flat line of an older stand-in log.
        func line(_ subsystem: String, _ message: String, _ level: String = "INFO") -> String {
            #"{"0":"{\"subsystem\":\"\#(subsystem)\"}","1":"\#(message)","_meta":{"logLevelName":"\#(level)","name":"{\"subsystem\":\"\#(subsystem)\"}"},"time":"2026-09-06T10:00:00Z"}"#
        }
        let lines = [
            line("gateway", "listening on ws://127.0.0.1:1 (PID 1)"),
            line("gateway/channels/telegram", "[default] starting provider (@support_bot)"),
            line("gateway/channels/telegram", "[default] channel exited: 401 Unauthorized classification=fatal recoverable=false aborted=false", "ERROR"),
            line("gateway/channels/discord", "[work] starting provider"),
            line("gateway/channels/slack", "[team] starting provider"),
            line("gateway/channels/slack", "[team] channel exited: invalid_auth", "ERROR"),
            line("gateway/channels/slack", "[team] auto-restart attempt 1/10 in 5s"),
            #"{"0":"[signal] [main] starting provider","_meta":{"logLevelName":"INFO"},"time":"2026-09-06T10:00:00Z"}"#,
        ].compactMap { OpenClawLog.parse(Substring($0), bot: "support") }
        let channels = ChannelLogScan.scan(lines, bot: "support", running: true)
        #expect(channels.map(\.state) == ["error", "started", "restarting", "started"])
        #expect(channels.map(\.channel) == ["telegram", "discord", "slack", "signal"])
        let telegram = channels[0]
        #expect(telegram.lastError == "401 Unauthorized")
        #expect(telegram.fix?.contains("@BotFather") == true)
        #expect(telegram.fix?.contains("/token") == true)
        #expect(telegram.fix?.contains("fleet secrets set support channels.telegram.default.botToken") == true)
        // A stopped gateway's channels are not running, whatever the log said last.
        #expect(ChannelLogScan.scan(lines, bot: "support", running: false).allSatisfy { !$0.connected && !$0.running })
        #expect(ChannelAdvice.fix(bot: "b", channel: "whatsapp", accountId: "work", error: "not linked; run ...")
                == "pair the account: fleet login b whatsapp --account work")
    }

    @Test func sessionsAndFiguresComeFromTheStoreTranscriptsAndLog() throws {
        let dir = try TempDirectory(prefix: "fleet-figures")
        let paths = BotPaths(root: dir.path, name: "support")
        let sessions = SessionStoreReader.directory(paths)
        try FileManager.default.createDirectory(atPath: sessions, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        let now = Date()
        let ms = { (ago: Double) in Int64((now.timeIntervalSince1970 - ago) * 1000) }
        let store = """
            {"agent:support:telegram:direct:1": {"sessionId": "s1", "updatedAt": \(ms(60)), "channel": "telegram", "totalTokens": 10},
             "agent:support:telegram:direct:2": {"sessionId": "s2", "updatedAt": \(ms(7200)), "channel": "telegram"},
             "agent:support:telegram:direct:3": {"sessionId": "s3", "updatedAt": \(ms(3 * 86400)), "channel": "telegram"}}
            """
        try Data(store.utf8).write(to: URL(fileURLWithPath: sessions + "/sessions.json"))
        func message(_ role: String, _ ago: Double) -> String {
            #"{"type":"message","timestamp":"\#(ISOTime.utc(now.addingTimeInterval(-ago)))","message":{"role":"\#(role)","content":[]}}"#
        }
        let s1 = [#"{"type":"session","id":"s1"}"#, message("user", 120), message("assistant", 119), message("user", 60), message("user", 5000)]
        try Data((s1.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: sessions + "/s1.jsonl"))
        try Data((message("user", 7300) + "\n").utf8).write(to: URL(fileURLWithPath: sessions + "/s2.jsonl"))
        let log = [
            #"{"0":"boom","_meta":{"logLevelName":"ERROR"},"time":"\#(ISOTime.utc(now.addingTimeInterval(-30)))"}"#,
            #"{"0":"old boom","_meta":{"logLevelName":"FATAL"},"time":"\#(ISOTime.utc(now.addingTimeInterval(-4000)))"}"#,
            #"{"0":"fine","_meta":{"logLevelName":"WARN"},"time":"\#(ISOTime.utc(now.addingTimeInterval(-30)))"}"#,
        ]
        try Data((log.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: paths.logFile))

        let list = SessionStoreReader.sessions(paths, now: now)
        #expect(list.map(\.key) == ["agent:support:telegram:direct:1", "agent:support:telegram:direct:2", "agent:support:telegram:direct:3"])
        #expect(SessionStoreReader.sessions(paths, activeWithin: 3600, now: now).count == 1)
        let summary = SessionStoreReader.summary(list, now: now)
        #expect(summary.count == 3 && summary.active == 1)
        let figures = BotFigureCounter.figures(paths, sessions: list, now: now)
        #expect(figures == BotFigures(messagesLastHour: 2, messagesLastDay: 4, activeSessions: 1, errorsLastHour: 1))
    }
}

@Suite struct CodeownersAndNewBotTests {
    @Test func codeownersIsDeterministicAndMergesBotsOfOneFile() {
        let set = loadFiles([
            ("fleet/bots/b.yaml", Array("""
                apiVersion: fleet/v1
                kind: Bot
                metadata: {name: beta, owners: ["@org/beta", "@lead"]}
                spec: {}
                ---
                apiVersion: fleet/v1
                kind: Bot
                metadata: {name: gamma, owners: ["@lead", "@org/gamma"]}
                spec: {}
                """.utf8)),
            ("fleet/bots/a.yaml", Array(ManifestText.bot("alpha", spec: "").replacingOccurrences(of: "name: alpha", with: "name: alpha\n  owners: [\"@org/alpha\"]").utf8)),
            ("fleet/bots/z z.yaml", Array(ManifestText.bot("zed").utf8)),
        ])
        let text = Codeowners.text(for: set.bots)
        #expect(text.hasSuffix("""
            /fleet/bots/a.yaml @org/alpha
            /fleet/bots/b.yaml @org/beta @lead @org/gamma
            # bots without metadata.owners: zed

            """), "\(text)")
        #expect(Codeowners.text(for: set.bots.reversed()) == text)
    }

    @Test func theWizardsManifestValidatesAndHoldsNoPlainToken() throws {
        let answers = NewBotAnswers(name: "helpdesk", displayName: "Help: Desk", model: "openai/gpt-4.1", channel: "telegram",
                                    token: "123:SECRET", dmPolicy: "allowlist", allowFrom: ["0123", "456"])
        #expect(NewBot.problems(answers).isEmpty)
        let keys = SecretKeys([try SecretKey.generate()])
        let opener = SecretOpener(keys: keys)
        let text = try NewBot.manifest(answers) { bot, field, value in try opener.seal(value, bot: bot, field: field) }
        #expect(!text.contains("SECRET"))
        var set = loadFiles([("fleet/bots/helpdesk.yaml", Array(text.utf8))])
        set.secrets = opener
        #expect(set.isValid, "\(set.diagnostics)")
        let bot = try #require(set.bot(named: "helpdesk"))
        #expect(bot.displayName == "Help: Desk")
        #expect(bot.channels.first?.allowFrom == ["0123", "456"])
        let raw = try #require(bot.channels.first?.credentials["botToken"])
        #expect(try opener.open(bot: "helpdesk", field: "channels.telegram.default.botToken", raw: raw) == "123:SECRET")

        var bad = answers
        bad.name = "Help Desk"
        bad.dmPolicy = "allowlist"
        bad.allowFrom = []
        bad.token = nil
        let problems = NewBot.problems(bad)
        #expect(problems.count == 3, "\(problems)")
        #expect(problems[0].contains("try 'help-desk'"))
    }
}
