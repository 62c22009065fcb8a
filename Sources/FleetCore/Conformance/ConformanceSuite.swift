import FoundationEssentials
import Glibc
import OpenClawConfig

/// What `fleet conformance` runs against.
public struct ConformanceOptions: Sendable {
    /// The gateway command, as `spec.gatewayCommand` (`[openclaw, gateway, run]`).
    public var gatewayCommand: [String]
    /// How long a start may take (OpenClaw's start can take minutes with many plugins).
    public var startTimeout: Duration = .seconds(120)
    /// Keep the scratch directory (for a look at the gateway's files after a failure).
    public var keep = false

    /// Options for `gatewayCommand`.
    public init(gatewayCommand: [String]) {
        self.gatewayCommand = gatewayCommand
    }
}

/// fleet's contract with a gateway binary, run against it: the gateway is started with what fleet
/// renders for its detected release, then every behaviour fleet depends on is checked (health,
/// readiness, the protocol handshake and each method fleet uses, the refusals, log lines, a hot
/// reload keeping the pid, a restart-class change, a stop within the shutdown budget, a refused
/// config). Each check names the OpenClaw source of its rule. An operator runs it against a real
/// `openclaw` before upgrading (docs/compatibility.md); CI runs it against every stand-in persona.
public enum ConformanceSuite {
    /// Runs the suite; `progress` gets a line per step.
    public static func run(_ options: ConformanceOptions, progress: @escaping @Sendable (String) -> Void = { _ in }) async -> ConformanceReport {
        await withCheckedContinuation { continuation in
            let started = detachThread(name: "fleet-conformance") {
                continuation.resume(returning: runBlocking(options, progress: progress))
            }
            if !started { continuation.resume(returning: runBlocking(options, progress: progress)) }
        }
    }

    /// The suite on the calling thread (it blocks: sockets, processes, waits).
    static func runBlocking(_ options: ConformanceOptions, progress: @escaping (String) -> Void) -> ConformanceReport {
        let run = Run(options: options, progress: progress)
        run.all()
        return ConformanceReport(command: options.gatewayCommand, release: run.release?.description, checks: run.checks)
    }
}

/// One run of the suite.
private final class Run {
    let options: ConformanceOptions
    let progress: (String) -> Void
    var checks: [ConformanceCheck] = []
    var release: OpenClawRelease?

    init(options: ConformanceOptions, progress: @escaping (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    func check(_ id: String, _ rule: String, source: String, _ body: () throws -> String) {
        do {
            let detail = try body()
            checks.append(ConformanceCheck(id: id, rule: rule, source: source, result: .pass, detail: detail))
        } catch let skip as Skip {
            checks.append(ConformanceCheck(id: id, rule: rule, source: source, result: .skip, detail: skip.reason))
        } catch {
            checks.append(ConformanceCheck(id: id, rule: rule, source: source, result: .fail, detail: "\(error)"))
        }
        progress("\(checks.last?.result.rawValue ?? "?") \(id)")
    }

    func skipRest(_ ids: [(String, String, String)], because reason: String) {
        for (id, rule, source) in ids {
            checks.append(ConformanceCheck(id: id, rule: rule, source: source, result: .skip, detail: reason))
        }
    }

    struct Skip: Error { var reason: String }
    struct Failed: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    func all() {
        let scratch = "/tmp/fleet-conformance-\(getpid())-\(Int.random(in: 1000...9999))"
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: scratch) } }

        // 1. The release.
        var detected: OpenClawRelease?
        check("version", "`<gateway command> --version` names an OpenClaw release (YYYY.M.PATCH)", source: "src/entry.ts (root --version)") {
            switch OpenClawVersionProbe.detect(options.gatewayCommand) {
            case .success(let (release, words)):
                detected = release
                let support = OpenClawReleaseTable.support(of: release)
                guard support != .tooOld else {
                    throw Failed("`\(words.joined(separator: " "))` answered \(release), older than \(OpenClawReleaseTable.supportedText)")
                }
                return "`\(words.joined(separator: " "))` answered OpenClaw \(release)"
                    + (support == .newerThanKnown ? " (newer than fleet knows: checked against the \(OpenClawReleaseTable.newestKnown) rules)" : "")
            case .failure(let failure):
                throw Failed(failure.description)
            }
        }
        guard let release = detected else {
            skipRest([("start", "the gateway starts with fleet's rendering", "src/cli/gateway-cli/run.ts")], because: "no release to render for")
            return
        }
        self.release = release

        // 2. Start with fleet's rendering.
        let gateway: ConformanceGateway
        do {
            gateway = try ConformanceGateway(command: options.gatewayCommand, release: release, root: scratch, port: Self.freePort())
        } catch {
            check("render", "fleet renders a config for the release", source: "src/config/zod-schema.ts") { throw Failed("\(error)") }
            return
        }
        defer { gateway.kill() }
        var up = false
        check("start", "the gateway starts with the config fleet renders for OpenClaw \(release) and answers /healthz",
              source: "src/cli/gateway-cli/run.ts, src/gateway/server-http.ts") {
            try gateway.start()
            guard gateway.waitHealthy(options.startTimeout) else {
                let how = gateway.exited().map { " (it \($0.summary))" } ?? " within \(Int(ConformanceSuite.seconds(options.startTimeout)))s"
                throw Failed("no /healthz 200\(how): \(gateway.console())")
            }
            up = true
            return "pid \(gateway.pid ?? 0) answers /healthz on \(gateway.rendered.launch.connectHost):\(gateway.port)"
        }
        guard up else {
            skipRest(Self.runningChecks, because: "the gateway did not start")
            refusals(release: release, scratch: scratch)
            return
        }
        health(gateway, release: release)
        protocolChecks(gateway, release: release)
        logs(gateway, release: release)
        reloads(gateway, release: release)
        stop(gateway, release: release)
        refusals(release: release, scratch: scratch)
    }

    static let runningChecks: [(String, String, String)] = [
        ("health", "/healthz answers {ok: true}", "src/gateway/server-http.ts"),
        ("protocol.handshake", "connect as gateway-client/backend gets hello-ok", "docs/gateway/protocol.md"),
    ]

    // MARK: - Health and readiness

    func health(_ gateway: ConformanceGateway, release: OpenClawRelease) {
        let host = gateway.rendered.launch.connectHost
        let port = gateway.port
        check("health", "GET /healthz answers 200 {\"ok\":true}", source: "src/gateway/server-http.ts (REFERENCE §5)") {
            guard let reply = Blocking.wait({ await LoopbackHTTP.get(host: host, port: port, path: "/healthz", timeout: .seconds(3)) }) else { throw Failed("no answer") }
            let body = String(decoding: reply.body, as: UTF8.self)
            guard reply.status == 200, (try? JSON5.parse(body))?["ok"]?.boolValue == true else {
                throw Failed("expected 200 {\"ok\":true}, got \(reply.status) \(body.prefix(120))")
            }
            return "200 \(body.prefix(60))"
        }
        let rule = OpenClawReleaseTable.value(.readiness, for: release)
        check("readiness.failing", "/readyz answers 200 or 503 with ready and failing[] of channel ids (or startup-sidecars)",
              source: "src/gateway/server/readiness.ts") {
            guard let reply = Blocking.wait({ await LoopbackHTTP.get(host: host, port: port, path: "/readyz", timeout: .seconds(3)) }) else { throw Failed("no answer") }
            let body = (try? JSON5.parse(String(decoding: reply.body, as: UTF8.self))) ?? .null
            guard [200, 503].contains(reply.status), let ready = body["ready"]?.boolValue, ready == (reply.status == 200),
                  let failing = body["failing"]?.arrayValue?.compactMap(\.stringValue) else {
                throw Failed("expected 200/503 with {ready, failing[]}, got \(reply.status) \(String(decoding: reply.body.prefix(160), as: UTF8.self))")
            }
            let channels = Set((gateway.rendered.config["channels"]?.objectValue ?? [:]).keys)
            let odd = failing.filter { !channels.contains($0) && $0 != ReadinessRule.startupSidecarsReason }
            guard odd.isEmpty else { throw Failed("failing names \(odd) (expected channel ids: \(channels.sorted()))") }
            if rule.structuredConditions, let conditions = body["conditions"]?.arrayValue {
                let malformed = conditions.filter { $0["type"]?.stringValue == nil || $0["status"]?.stringValue == nil || $0["reason"]?.stringValue == nil }
                guard malformed.isEmpty else { throw Failed("conditions without type/status/reason: \(malformed.first?.json(pretty: false) ?? "")") }
            }
            return "\(reply.status) ready=\(ready) failing=\(failing)"
        }
        check("readiness.startupz", "/startupz exists from the 2026.8 line (200 once start-up sidecars are done)",
              source: "src/gateway/server/readiness.ts (2026.8)") {
            guard rule.startupProbe else { throw Skip(reason: "OpenClaw \(release) has no /startupz") }
            guard let reply = Blocking.wait({ await LoopbackHTTP.get(host: host, port: port, path: "/startupz", timeout: .seconds(3)) }) else { throw Failed("no answer") }
            guard [200, 503].contains(reply.status) else { throw Failed("expected 200 or 503, got \(reply.status)") }
            return "\(reply.status)"
        }
    }

    // MARK: - Protocol

    func protocolChecks(_ gateway: ConformanceGateway, release: OpenClawRelease) {
        let host = gateway.rendered.launch.connectHost
        let port = gateway.port
        let token = gateway.token
        let expected = Int64(OpenClawReleaseTable.value(.gatewayProtocol, for: release).version)
        var session: GatewaySession?
        check("protocol.handshake", "connect.challenge, then connect as gateway-client/backend (protocol 3-4, the shared token) gets hello-ok speaking protocol \(expected)",
              source: "docs/gateway/protocol.md, src/gateway/protocol/schema/frames.ts, src/gateway/protocol/version.ts") {
            let s = try Self.gw { () throws(GatewayError) in try GatewaySession.open(host: host, port: port, token: token, timeout: .seconds(10)) }
            session = s
            guard s.protocolVersion == expected else { throw Failed("hello-ok speaks protocol \(s.protocolVersion); OpenClaw \(release) speaks \(expected)") }
            let required = ["health", "channels.status", "sessions.list", "logs.tail"]
            let missing = required.filter { !s.methods.contains($0) }
            guard missing.isEmpty else { throw Failed("hello-ok.features.methods lacks \(missing)") }
            return "protocol \(s.protocolVersion), \(s.methods.count) methods"
        }
        guard let session else { return }
        defer { session.close() }
        check("method.channels.status", "channels.status lists the bot's accounts; optional fields are absent, never null",
              source: "src/gateway/protocol/schema/channels.ts") {
            let payload = try Self.gw { () throws(GatewayError) in try session.callBlocking("channels.status", .object([:])) }
            let accounts = GatewayChannelAccount.list(from: payload)
            guard accounts.contains(where: { $0.channel == "telegram" }) else {
                throw Failed("no telegram account in \(payload.json(pretty: false).prefix(200))")
            }
            for rows in (payload["channelAccounts"]?.objectValue ?? [:]).values {
                for row in rows.arrayValue ?? [] {
                    for (key, value) in row.objectValue ?? [:] where value == .null {
                        throw Failed("account field \(key) is null (OpenClaw leaves optional fields out)")
                    }
                }
            }
            return accounts.map { "\($0.channel)/\($0.accountId) running=\($0.running) connected=\($0.connected)" }.joined(separator: ", ")
        }
        check("method.sessions.list", "sessions.list {limit, activeMinutes} answers {sessions: [...]}", source: "src/gateway/protocol/schema/sessions.ts") {
            let payload = try Self.gw { () throws(GatewayError) in
                try session.callBlocking("sessions.list", GatewaySession.sessionsListParams(activeMinutes: 60, limit: 5))
            }
            guard payload["sessions"]?.arrayValue != nil else { throw Failed("no sessions array: \(payload.json(pretty: false).prefix(160))") }
            return "\(payload["sessions"]?.arrayValue?.count ?? 0) sessions"
        }
        check("method.logs.tail", "logs.tail {cursor, limit, maxBytes} answers {file, cursor, size, lines}", source: "src/gateway/protocol/schema/logs-chat.ts") {
            do {
                let tail = try session.logsTailBlocking(limit: 20, maxBytes: 100_000)
                let again = try session.logsTailBlocking(cursor: tail.cursor, limit: 20, maxBytes: 100_000)
                guard again.cursor >= tail.cursor || again.reset else { throw Failed("the cursor went back from \(tail.cursor) to \(again.cursor)") }
                return "\(tail.lines.count) lines of \(tail.file)"
            } catch let error as GatewayError {
                throw Failed("[\(error.code)] \(error.message)")
            }
        }
        check("refusal.unknown-params", "a method's unknown params are refused (INVALID_REQUEST)", source: "src/gateway/protocol/schema/sessions.ts (additionalProperties: false)") {
            do {
                _ = try session.callBlocking("sessions.list", .object(["fleetConformanceUnknown": .bool(true)]))
                throw Failed("sessions.list accepted an unknown param")
            } catch let error as GatewayError {
                guard error.kind == .invalidParams else { throw Failed("expected invalid params, got [\(error.code)] \(error.message)") }
                return error.message
            }
        }
        check("refusal.client-id", "a client id outside OpenClaw's closed list is refused: invalid connect params",
              source: "src/gateway/protocol/client-info.ts") {
            try Self.expectRefusal(.invalidConnectParams) {
                _ = try GatewaySession.open(host: host, port: port, token: token, timeout: .seconds(10),
                                            client: GatewayClientInfo(id: "fleet-conformance", version: "1", platform: "linux", mode: "backend"))
            }
        }
        check("refusal.token", "a wrong token is refused (unauthorized)", source: "src/gateway/auth.ts") {
            try Self.expectRefusal(.unauthorized) {
                _ = try GatewaySession.open(host: host, port: port, token: "fleet-conformance-wrong-token", timeout: .seconds(10))
            }
        }
        check("refusal.scope", "a device-less client other than the loopback backend gets no scopes: missing scope operator.read",
              source: "src/gateway/server/ws-connection/handshake-auth-helpers.ts, src/gateway/method-scopes.ts") {
            let cli = try Self.gw { () throws(GatewayError) in
                try GatewaySession.open(host: host, port: port, token: token, timeout: .seconds(10),
                                        client: GatewayClientInfo(id: "cli", version: "1", platform: "linux", mode: "cli"))
            }
            defer { cli.close() }
            return try Self.expectRefusal(.missingScope) { _ = try cli.callBlocking("channels.status", .object([:])) }
        }
        check("refusal.protocol", "a client offering only an older protocol is refused from protocol 4 on",
              source: "packages/gateway-protocol/src/version.ts") {
            guard expected >= 4 else { throw Skip(reason: "OpenClaw \(release) speaks protocol 3") }
            return try Self.expectRefusal(.protocolMismatch) {
                _ = try GatewaySession.open(host: host, port: port, token: token, timeout: .seconds(10), protocols: 3...3)
            }
        }
    }

    /// `body`'s value, or its gateway error as a failure.
    static func gw<T>(_ body: () throws(GatewayError) -> T) throws -> T {
        do { return try body() } catch { throw Failed("[\(error.code)] \(error.message)") }
    }

    static func expectRefusal(_ kind: GatewayError.Kind, _ body: () throws -> Void) throws -> String {
        do {
            try body()
        } catch let error as GatewayError {
            guard error.kind == kind else { throw Failed("expected \(kind.rawValue), got [\(error.code)] \(error.message)") }
            return error.message
        }
        throw Failed("expected a refusal (\(kind.rawValue)); the gateway accepted")
    }

    // MARK: - Logs

    func logs(_ gateway: ConformanceGateway, release: OpenClawRelease) {
        let shape = OpenClawReleaseTable.value(.logLine, for: release)
        check("logs.tslog", "each log line is tslog JSON: \"0\" the logger's {subsystem}, \"1\" the message, _meta.logLevelName, time"
                + (shape.topLevelMessage ? ", top-level message and hostname" : ""),
              source: "src/logging/subsystem.ts") {
            let lines = gateway.logLines().filter { !$0.isEmpty }
            guard !lines.isEmpty else { throw Failed("no lines in \(gateway.paths.logFile)") }
            var named = 0
            for line in lines {
                guard let object = (try? JSON5.parse(line))?.objectValue else { throw Failed("not a JSON object: \(line.prefix(120))") }
                guard object["_meta"]?["logLevelName"]?.stringValue != nil, object["time"]?.stringValue != nil || object["_meta"]?["date"] != nil else {
                    throw Failed("no level or time: \(line.prefix(160))")
                }
                if let entry = OpenClawLog.parse(Substring(line), bot: "conformance"), entry.subsystem != nil {
                    named += 1
                    if shape.topLevelMessage, object["message"]?.stringValue == nil {
                        throw Failed("no top-level message (OpenClaw \(release) writes one): \(line.prefix(160))")
                    }
                }
            }
            guard named > 0 else { throw Failed("no line names its subsystem in \"0\" (e.g. \(lines[0].prefix(120)))") }
            let channel = lines.compactMap { OpenClawLog.parse(Substring($0), bot: "conformance") }.contains { $0.inSubsystem("gateway/channels/telegram") }
            return "\(lines.count) lines, \(named) with a subsystem" + (channel ? ", gateway/channels/telegram among them" : "")
        }
    }

    // MARK: - Reloads

    func reloads(_ gateway: ConformanceGateway, release: OpenClawRelease) {
        let pid = gateway.pid
        check("reload.hot", "a channel setting change is applied live: same pid, \"config hot reload applied\" in the log",
              source: "src/gateway/config-reload-plan.ts") {
            let before = gateway.logLines().count
            try gateway.rerender(dmPolicy: "allowlist")
            let deadline = Deadline(.seconds(30))
            while !deadline.passed {
                let fresh = gateway.logLines().dropFirst(before).compactMap { OpenClawLog.parse(Substring($0), bot: "c") }
                if let applied = fresh.first(where: { $0.message.contains("hot reload applied") || $0.message.contains("config change applied") }) {
                    guard gateway.exited() == nil, gateway.pid == pid else { throw Failed("the process changed") }
                    return applied.message
                }
                if let rejected = fresh.first(where: { $0.message.contains("reload rejected") }) { throw Failed(rejected.message) }
                if gateway.exited() != nil { throw Failed("the gateway exited: \(gateway.console())") }
                usleep(100_000)
            }
            throw Failed("no \"hot reload applied\" line within 30s")
        }
        check("reload.restart-class", "a gateway.* change is not applied live (fleet restarts the gateway for it)",
              source: "src/gateway/config-reload-plan.ts") {
            let before = gateway.logLines().count
            var config = gateway.rendered.config
            let newPort = Int64(Self.freePort())
            if case .object(var root) = config, case .object(var gw)? = root["gateway"] {
                gw["port"] = .int(newPort)
                root["gateway"] = .object(gw)
                config = .object(root)
            }
            try gateway.write(body: config.json5(indent: 2) + "\n")
            let deadline = Deadline(.seconds(30))
            while !deadline.passed {
                let fresh = gateway.logLines().dropFirst(before).compactMap { OpenClawLog.parse(Substring($0), bot: "c") }
                if let line = fresh.first(where: { $0.message.contains("hot reload applied") && $0.message.contains("gateway.port") }) {
                    throw Failed("gateway.port was hot-applied: \(line.message)")
                }
                if let line = fresh.first(where: { $0.message.contains("restart") && $0.message.contains("gateway.port") }) {
                    return line.message
                }
                if let exit = gateway.exited() { return "the gateway exited to restart (\(exit.summary))" }
                usleep(100_000)
            }
            throw Failed("neither a restart line naming gateway.port nor an exit within 30s")
        }
    }

    // MARK: - Stop

    func stop(_ gateway: ConformanceGateway, release: OpenClawRelease) {
        let budget = OpenClawReleaseTable.value(.shutdownBudgetSeconds, for: release)
        check("stop", "SIGTERM stops the gateway within its shutdown budget (\(budget)s)", source: "src/cli/gateway-cli/run-loop.ts") {
            if let exit = gateway.exited() { return "already \(exit.summary) after the restart-class change" }
            gateway.terminate()
            guard let exit = gateway.waitExit(.seconds(Int64(budget))) else { throw Failed("still running \(budget)s after SIGTERM") }
            guard exit.code == 0 || exit.signal == "SIGTERM" else { throw Failed("ended badly: \(exit.summary)") }
            return exit.summary
        }
    }

    // MARK: - Refused configs

    func refusals(release: OpenClawRelease, scratch: String) {
        let exitCode = OpenClawReleaseTable.value(.configRefusalExitCode, for: release)
        check("refusal.unknown-key", "an unknown config key stops start-up with exit \(exitCode)", source: "src/config/zod-schema.ts (strict), src/cli/gateway-cli/run.ts") {
            try refusedStart(release: release, root: scratch + "/unknown-key", code: exitCode, expect: "fleetConformanceUnknown") { config in
                Self.setting(config, ["gateway", "fleetConformanceUnknown"], .bool(true))
            }
        }
        let legacy = OpenClawReleaseTable.value(.legacyKeys, for: release)
        check("refusal.legacy-key", "a legacy key (agents.list) stops start-up with exit \(exitCode), naming it",
              source: "docs/gateway/doctor.md (Legacy config key migrations), src/config/legacy.roster.ts") {
            guard legacy.contains(where: { $0.path == "agents.list" }) else { throw Skip(reason: "OpenClaw \(release) accepts agents.list") }
            return try refusedStart(release: release, root: scratch + "/legacy-key", code: exitCode, expect: "agents.list") { config in
                Self.setting(config, ["agents", "list"], .array([.object(["id": .string("conformance")])]))
            }
        }
    }

    func refusedStart(release: OpenClawRelease, root: String, code: Int, expect word: String,
                      edit: (JSONValue) -> JSONValue) throws -> String {
        let gateway = try ConformanceGateway(command: options.gatewayCommand, release: release, root: root, port: Self.freePort())
        defer { gateway.kill() }
        try gateway.write(body: edit(gateway.rendered.config).json5(indent: 2) + "\n")
        try gateway.start()
        guard let exit = gateway.waitExit(options.startTimeout) else {
            throw Failed("still running after \(Int(ConformanceSuite.seconds(options.startTimeout)))s: the config was accepted")
        }
        guard exit.code == Int32(code) else { throw Failed("expected exit \(code), got: \(exit.summary): \(gateway.console(limit: 300))") }
        guard gateway.console().contains(word) else { throw Failed("exit \(code), but the message does not name \(word): \(gateway.console(limit: 300))") }
        return "exit \(code): \(gateway.console(limit: 160))"
    }

    static func setting(_ value: JSONValue, _ path: [String], _ new: JSONValue) -> JSONValue {
        guard let first = path.first else { return new }
        var object = value.objectValue ?? [:]
        object[first] = setting(object[first] ?? .object([:]), Array(path.dropFirst()), new)
        return .object(object)
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

extension ConformanceSuite {
    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}
