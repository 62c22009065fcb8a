import FleetCore
import FleetTestSupport
import Foundation
import TestChild
import Testing

/// A seeded random source, so a failing chaos run can be replayed (`FLEET_CHAOS_SEED`).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reads the state file in a loop on its own thread; every read of an existing file must parse.
final class StateReader: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private(set) var reads = 0
    private(set) var failures: [String] = []
    private let done = DispatchSemaphore(value: 0)

    init(path: String) {
        Thread.detachNewThread { [self] in
            while !isStopped {
                if FileManager.default.fileExists(atPath: path) {
                    do {
                        _ = try FleetState.load(from: path)
                        lock.withLock { reads += 1 }
                    } catch {
                        lock.withLock { failures.append("\(error)") }
                    }
                }
                usleep(2_000)
            }
            done.signal()
        }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// Stops the thread (once; later calls return at once); returns (reads, failures).
    func stop() -> (Int, [String]) {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if first { done.wait() }
        return lock.withLock { (reads, failures) }
    }
}

/// What the driver wants for one bot.
struct ChaosBot {
    var model: String
    var enabled = true
    var present = true
    var typo = false
}

/// Chaos: a daemon with 20 bots (encrypted tokens) while a driver SIGKILLs random gateways,
/// kills (SIGKILL) and stops (SIGTERM) the daemon and starts a new one, and commits random valid
/// changes (model, disable/enable, remove/re-add) and invalid ones (a typo'd field, broken YAML).
/// At the end, after a settle period: exactly one gateway per enabled bot, all Running, the state
/// file parsed at every read, the journal consistent, no plaintext token outside the per-bot
/// `secrets/` files nor in any output, no gateway of a removed or disabled bot.
///
/// Short form in the normal suite (about 10 s of chaos); `FLEET_CHAOS_SECONDS=600` for the long
/// form, `FLEET_CHAOS_SEED=N` to replay a run (the seed is printed).
@Suite(.serialized) struct ChaosTests {
    static let models = ["anthropic/claude-sonnet-4-5", "anthropic/claude-haiku-4-5", "openai/gpt-4o", "openai/gpt-4.1"]

    @Test func daemonConvergesThroughChaos() async throws {
        let env = ProcessInfo.processInfo.environment
        let seconds = env["FLEET_CHAOS_SECONDS"].flatMap(Double.init) ?? 10
        let seed = env["FLEET_CHAOS_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1..<1_000_000)
        var rng = SplitMix64(state: seed)
        print("chaos: seed \(seed), \(Int(seconds)) s")

        let key = try DemoKey.file()
        let w = try await FleetWorld(grace: "1s")
        try w.git.write("repo", "fleet/fleet.yaml", """
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: chaos}
            spec:
              basePort: \(w.basePort)
              gatewayCommand: [openclaw-sim, gateway, run]
              health: {startTimeout: 120s, probeTimeout: 5s, stopGracePeriod: 1s}
            """)
        let names = (0..<20).map { String(format: "c%02d", $0) }
        var tokens: [String: String] = [:]
        var sealed: [String: String] = [:]
        var bots: [String: ChaosBot] = [:]
        for (i, name) in names.enumerated() {
            tokens[name] = "chaos-secret-\(name)-\(UInt64.random(in: 1 << 40..<1 << 48, using: &rng))"
            bots[name] = ChaosBot(model: Self.models[i % Self.models.count])
        }
        func text(_ name: String, _ bot: ChaosBot, credential: String) -> String {
            """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: \(name)}
            spec:
              enabled: \(bot.enabled)
              model: \(bot.model)
              systemPrompt: You are \(name).
              channels:
                - type: telegram
                  credentials: {botToken: "\(credential)"}
                  dmPolicy: pairing
            \(bot.typo ? "  toolz: {bash: false}\n" : "")
            """
        }
        // Plain text first, then `fleet secrets encrypt` seals every token in place.
        for name in names {
            try w.git.write("repo", "fleet/bots/\(name).yaml", text(name, bots[name] ?? ChaosBot(model: ""), credential: tokens[name] ?? ""))
        }
        var outputs: [String] = []
        let files = names.map { "\(w.repo)/fleet/bots/\($0).yaml" }
        let encrypt = try await runProcess(w.fleetBinary, ["secrets", "encrypt"] + files + ["--key-file", key, "--repo", w.repo], env: w.env())
        #expect(encrypt.status == 0, "\(encrypt.stdout)\(encrypt.stderr)")
        outputs += [encrypt.stdout, encrypt.stderr]
        for name in names {
            let written = try String(contentsOfFile: "\(w.repo)/fleet/bots/\(name).yaml", encoding: .utf8)
            let envelope = try #require(written.range(of: #"ENC\[[^\]]*\]"#, options: .regularExpression))
            sealed[name] = String(written[envelope])
        }
        func write(_ name: String) throws {
            guard let bot = bots[name] else { return }
            let path = "fleet/bots/\(name).yaml"
            if bot.present {
                try w.git.write("repo", path, text(name, bot, credential: sealed[name] ?? ""))
            } else if FileManager.default.fileExists(atPath: "\(w.repo)/\(path)") {
                try w.git.remove("repo", path)
            }
        }
        var lastCommit = try w.commit("20 bots")

        var daemon = try DaemonRun(w, ["--interval", "1s", "--key-file", key])
        let reader = StateReader(path: w.root + "/state.json")
        defer {
            _ = reader.stop()
            // After the test, off its thread: the daemon stops, then every gateway of the world.
            let last = UncheckedBox((daemon, w))
            BackgroundTeardown.run {
                let (daemon, w) = last.value
                daemon.process.terminate()
                daemon.process.waitForExit()
                _ = try? runProcess(w.fleetBinary, ["destroy", "--repo", w.repo, "--state-root", w.root, "--key-file", key], env: w.env())
                for records in w.gateways().values { for r in records { kill(r.pid, SIGKILL) } }
            }
        }
        let allUp = await daemon.waitFor { state in names.allSatisfy { state.bots[$0]?.phase == .Running } }
        #expect(allUp, "\(daemon.output)")

        // The driver.
        var counts: [String: Int] = [:]
        var killsOf: [String: [Date]] = [:]
        var recentKills: [Date] = []
        var lastDaemonKill = Date.distantPast
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let roll = Int.random(in: 0..<100, using: &rng)
            let now = Date()
            if roll < 30 {
                // SIGKILL a gateway; at most 2 kills of a bot per 10 minutes and 12 a minute in
                // all, so the designed back-off (CrashLoop after 3, the host budget of 20 a minute)
                // stays short enough for the settle period.
                recentKills.removeAll { now.timeIntervalSince($0) > 60 }
                let candidates = w.gateways().filter { (killsOf[$0.key] ?? []).filter { now.timeIntervalSince($0) < 600 }.count < 2 }
                if recentKills.count < 12, let pick = candidates.randomElement(using: &rng), let pid = pick.value.first?.pid {
                    kill(pid, SIGKILL)
                    killsOf[pick.key, default: []].append(now)
                    recentKills.append(now)
                    counts["gateway SIGKILL", default: 0] += 1
                }
            } else if roll < 40 {
                if now.timeIntervalSince(lastDaemonKill) > 3 {
                    outputs.append(daemon.output)
                    let hard = Bool.random(using: &rng)
                    if hard {
                        daemon.process.kill()
                        await daemon.process.exited()
                    } else {
                        await daemon.stop()
                    }
                    counts[hard ? "daemon SIGKILL" : "daemon SIGTERM", default: 0] += 1
                    lastDaemonKill = now
                    daemon = try DaemonRun(w, ["--interval", "1s", "--key-file", key])
                }
            } else if roll < 85 {
                guard let name = names.randomElement(using: &rng), var bot = bots[name] else { continue }
                let what = Int.random(in: 0..<10, using: &rng)
                var label = ""
                // Any commit may also fix earlier typos (usually does).
                for other in names where bots[other]?.typo == true && Int.random(in: 0..<10, using: &rng) < 7 {
                    bots[other]?.typo = false
                    try write(other)
                }
                switch what {
                case 0..<4:
                    let choices = Self.models.filter { $0 != bot.model }
                    bot.model = choices.randomElement(using: &rng) ?? bot.model
                    bot.present = true
                    label = "valid: model"
                case 4..<6:
                    bot.enabled.toggle()
                    bot.present = true
                    label = bot.enabled ? "valid: enable" : "valid: disable"
                case 6:
                    bot.present.toggle()
                    label = bot.present ? "valid: re-add" : "valid: remove"
                case 7..<9:
                    bot.typo = true
                    bot.present = true
                    label = "invalid: typo'd field"
                default:
                    bot.present = true
                    try w.git.write("repo", "fleet/bots/\(name).yaml", text(name, bot, credential: sealed[name] ?? "") + "  channels: [\n")
                    label = "invalid: broken YAML"
                }
                bots[name] = bot
                if label != "invalid: broken YAML" { try write(name) }
                guard let commit = try? w.commit(label) else { continue }
                lastCommit = commit
                if label == "invalid: broken YAML" { try write(name) }  // the next commit repairs it
                counts[label, default: 0] += 1
                if Bool.random(using: &rng) { daemon.process.signal(SIGHUP) }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 150..<450, using: &rng)))
        }

        // The final commit is valid: no typos, every file as the driver wants it.
        for name in names {
            bots[name]?.typo = false
            try write(name)
        }
        if let commit = try? w.commit("settle") { lastCommit = commit }
        if !daemon.process.isRunning { daemon = try DaemonRun(w, ["--interval", "1s", "--key-file", key]) }
        daemon.process.signal(SIGHUP)
        let enabled = Set(names.filter { bots[$0]?.enabled == true && bots[$0]?.present == true })
        let settleStart = Date()
        let finalCommit = lastCommit
        let settled = await eventually {
            let gateways = w.gateways()
            guard Set(gateways.keys) == enabled, gateways.values.allSatisfy({ $0.count == 1 }),
                  let state = try? w.state(), state.appliedCommit == finalCommit else { return false }
            return enabled.allSatisfy { state.bots[$0]?.phase == .Running && state.bots[$0]?.pid == gateways[$0]?.first?.pid }
        }
        let settleTime = Date().timeIntervalSince(settleStart)
        let (reads, readFailures) = reader.stop()
        outputs.append(daemon.output)

        // Exactly one gateway per enabled bot, all Running, none for removed or disabled bots.
        let gateways = w.gateways()
        let state = try w.state()
        #expect(settled, "did not settle in 120 s: gateways \(gateways.mapValues { $0.map(\.pid) }), phases \(state.bots.mapValues(\.phase)), applied \(state.appliedCommit ?? "-") want \(lastCommit)\n\(daemon.output.suffix(4000))")
        #expect(Set(gateways.keys) == enabled, "orphans: \(Set(gateways.keys).subtracting(enabled)), missing: \(enabled.subtracting(gateways.keys))")
        for (bot, records) in gateways { #expect(records.count == 1, "\(bot) has \(records.count) gateways") }
        for bot in enabled { #expect(state.bots[bot]?.phase == .Running, "\(bot): \(String(describing: state.bots[bot]))") }

        // The state file parsed at every read.
        #expect(readFailures.isEmpty, "\(readFailures.prefix(3))")
        #expect(reads > 0)

        // The journal: every line parses; every successful start has a pid.
        let journalText = (try? String(contentsOfFile: w.root + "/journal.jsonl", encoding: .utf8)) ?? ""
        let lines = journalText.split(separator: "\n")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var entries: [JournalEntry] = []
        for line in lines {
            do { entries.append(try decoder.decode(JournalEntry.self, from: Data(line.utf8))) } catch {
                Issue.record("journal line does not parse: \(line)")
            }
        }
        #expect(journalText.isEmpty || journalText.hasSuffix("\n"), "the journal ends in a partial line")
        // Every gateway a successful start journaled is that bot's: the stand-in writes its pid to
        // the bot's console log when it listens (kept in the attic when the bot was removed).
        var consoles: [String: String] = [:]
        func console(_ bot: String) -> String {
            if let text = consoles[bot] { return text }
            var text = (try? String(contentsOfFile: w.root + "/bots/\(bot)/logs/gateway.out", encoding: .utf8)) ?? ""
            for dir in (try? FileManager.default.contentsOfDirectory(atPath: w.root + "/attic")) ?? [] where dir.hasPrefix(bot + "-") {
                text += (try? String(contentsOfFile: w.root + "/attic/\(dir)/logs/gateway.out", encoding: .utf8)) ?? ""
            }
            consoles[bot] = text
            return text
        }
        let started = entries.filter { $0.result == "ok" && ["create", "start", "restart"].contains($0.action) }
        #expect(!started.isEmpty)
        for entry in started {
            let listened = entry.pid.map { console(entry.bot).contains("(PID \($0))") } ?? false
            #expect(listened, "ok \(entry.action) of \(entry.bot) journals pid \(entry.pid.map(String.init) ?? "none"), which never listened as that bot's gateway")
        }

        // No plaintext token anywhere under the state root but the per-bot secrets/ files, nor in any output.
        var leaks: [String] = []
        let secretsDirs = "/secrets/"
        if let walker = FileManager.default.enumerator(atPath: w.root) {
            while let relative = walker.nextObject() as? String {
                let path = w.root + "/" + relative
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
                if ("/" + relative).contains(secretsDirs) && relative.hasPrefix("bots/") { continue }
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                for (bot, token) in tokens where data.range(of: Data(token.utf8)) != nil { leaks.append("\(relative) holds \(bot)'s token") }
            }
        }
        for output in outputs { for (bot, token) in tokens where output.contains(token) { leaks.append("an output holds \(bot)'s token") } }
        #expect(leaks.isEmpty, "\(leaks)")

        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("""
            chaos summary: seed \(seed), \(Int(seconds)) s of chaos, 20 bots; \(summary); \
            \(reads) state-file reads (\(readFailures.count) failed), \(entries.count) journal entries \
            (\(entries.filter { $0.result == "failed" }.count) failed actions); settled in \(String(format: "%.1f", settleTime)) s \
            with \(enabled.count) enabled bots running, \(gateways.values.map(\.count).reduce(0, +)) gateways, \
            \(leaks.count) leaks
            """)
    }
}
