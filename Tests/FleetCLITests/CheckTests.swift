@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import OpenClawWire
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A local mock of the Telegram, Discord and Slack APIs, and of Anthropic's and OpenAI's models
/// lists, on one loopback port: `good-*` tokens and keys work, anything else is rejected the way
/// each provider rejects it.
final class MockProviders: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var _requests: [String] = []
    /// Every request line and its Authorization header, as received.
    var requests: [String] { lock.withLock { _requests } }

    init() {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let listenFD = fd
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listenFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        listen(listenFD, 16)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listenFD, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listenFD, nil, nil)
                if client < 0 { return }
                serve(client)
                close(client)
            }
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    private func serve(_ client: Int32) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var request: HTTPRequestHead?
        while request == nil {
            switch HTTPParser.parseRequest(data) {
            case .request(let head, _, _): request = head
            case .invalid: return
            case .needMore:
                let n = recv(client, &buffer, buffer.count, 0)
                if n <= 0 { return }
                data += buffer[0..<n]
            }
        }
        guard let request else { return }
        let auth = request.headers["authorization"] ?? ""
        let apiKey = request.headers["x-api-key"]
        let version = request.headers["anthropic-version"]
        lock.withLock {
            _requests.append("\(request.method) \(request.target) \(request.version) | \(auth)"
                + (apiKey.map { " | x-api-key: \($0) | anthropic-version: \(version ?? "-")" } ?? ""))
        }
        let path = request.target
        let (status, body): (Int, String)
        if path.hasPrefix("/bot"), path.hasSuffix("/getMe") {
            (status, body) = path.hasPrefix("/botgood-")
                ? (200, #"{"ok":true,"result":{"id":42,"is_bot":true,"first_name":"Support","username":"support_bot"}}"#)
                : (401, #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#)
        } else if path == "/api/v10/users/@me" {
            (status, body) = auth.hasPrefix("Bot good-")
                ? (200, #"{"id":"1","username":"community-bot","bot":true}"#)
                : (401, #"{"message":"401: Unauthorized","code":0}"#)
        } else if path == "/api/auth.test", request.method == "POST" {
            (status, body) = auth.hasPrefix("Bearer good-")
                ? (200, #"{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"opsbot","team_id":"T1"}"#)
                : (200, #"{"ok":false,"error":"invalid_auth"}"#)
        } else if path == "/v1/models?limit=1", request.method == "GET", let apiKey {
            // Anthropic: x-api-key and anthropic-version.
            if version == nil {
                (status, body) = (400, #"{"type":"error","error":{"type":"invalid_request_error","message":"anthropic-version: header is required"}}"#)
            } else {
                (status, body) = apiKey.hasPrefix("good-")
                    ? (200, #"{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":true,"first_id":"claude-sonnet-4-5","last_id":"claude-sonnet-4-5"}"#)
                    : (401, #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#)
            }
        } else if path == "/v1/models?limit=1", request.method == "GET" {
            // OpenAI: a bearer token; the 401 message repeats the key's start and end, as OpenAI's does.
            (status, body) = auth.hasPrefix("Bearer good-")
                ? (200, #"{"object":"list","data":[{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}]}"#)
                : (401, #"{"error":{"message":"Incorrect API key provided: \#(auth.dropFirst(7).prefix(8))****\#(auth.suffix(4)). You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)
        } else {
            (status, body) = (404, "{}")
        }
        let response = HTTPResponseHead(status: status, reason: "X", headers: [
            ("Content-Type", "application/json"), ("Content-Length", String(body.utf8.count)), ("Connection", "close"),
        ]).encode() + Array(body.utf8)
        _ = send(client, response, response.count, Int32(MSG_NOSIGNAL))
    }
}

/// `fleet check` against the local mock: good tokens, rejected tokens, an unreachable provider.
@Suite struct CheckTests {
    static let manifest = """
        apiVersion: fleet/v1
        kind: Bot
        metadata:
          name: support
        spec:
          channels:
            - type: telegram
              credentials: {botToken: "TG"}
            - type: discord
              credentials: {token: "DC"}
            - type: slack
              credentials: {botToken: "SL", appToken: "xapp-1"}
            - type: whatsapp
        """

    func bot(tokens: String) throws -> BotManifest {
        let text = Self.manifest.replacingOccurrences(of: "\"TG\"", with: "\"\(tokens)-tg\"")
            .replacingOccurrences(of: "\"DC\"", with: "\"\(tokens)-dc\"").replacingOccurrences(of: "\"SL\"", with: "\"\(tokens)-sl\"")
        let set = ManifestLoader.load(SourceSnapshot(commit: nil, files: [SourceFile(path: "fleet/support.yaml", bytes: Array(text.utf8))],
                                                     diagnostics: [], source: ManifestSource(worktree: true)))
        return try #require(set.bots.first)
    }

    func endpoints(_ base: String) -> ProviderEndpoints { ProviderEndpoints(telegram: base, discord: base, slack: base) }

    @Test func goodTokensPass() async throws {
        let mock = MockProviders()
        let results = ChannelChecker(endpoints: endpoints(mock.base), timeout: .seconds(60)).check(try bot(tokens: "good"))
        #expect(results.map(\.status) == [.ok, .ok, .ok, .skipped])
        #expect(results[0].message == "token works: the bot is @support_bot")
        #expect(results[1].identity == "community-bot")
        #expect(results[2].message == "token works: the bot is opsbot in Acme")
        #expect(results[3].message.contains("fleet login support whatsapp"))
        // The providers got the calls their APIs define.
        let seen = mock.requests
        #expect(seen.contains("GET /botgood-tg/getMe HTTP/1.1 | "))
        #expect(seen.contains("GET /api/v10/users/@me HTTP/1.1 | Bot good-dc"))
        #expect(seen.contains("POST /api/auth.test HTTP/1.1 | Bearer good-sl"))
    }

    @Test func rejectedTokensSayWhereToGetANewOne() async throws {
        let mock = MockProviders()
        let results = ChannelChecker(endpoints: endpoints(mock.base), timeout: .seconds(60)).check(try bot(tokens: "revoked"))
        #expect(results.prefix(3).map(\.status) == [.rejected, .rejected, .rejected])
        #expect(results[0].message.hasPrefix("Telegram rejected the bot token (401 Unauthorized); get a valid token from @BotFather"))
        #expect(results[0].message.contains("/token"))
        #expect(results[0].message.hasSuffix("fleet secrets set support channels.telegram.default.botToken"))
        #expect(results[1].message.contains("Developer Portal → your application → Bot → Reset Token"))
        #expect(results[2].message.hasPrefix("Slack rejected the bot token (invalid_auth)"))
        #expect(results[2].message.contains("OAuth & Permissions"))
        for r in results { #expect(!r.message.contains("revoked-")) }
    }

    @Test func unreachableProvider() async throws {
        let base = "http://127.0.0.1:\(freePort())"
        let results = ChannelChecker(endpoints: endpoints(base), timeout: .seconds(2)).check(try bot(tokens: "good"))
        #expect(results.prefix(3).map(\.status) == [.unreachable, .unreachable, .unreachable])
        #expect(results[0].message.hasPrefix("could not reach Telegram at \(base) ("))
        #expect(results[0].message.contains("refused"))
    }

    @Test func credentialsAreReadThroughTheOpener() async throws {
        let mock = MockProviders()
        let checker = ChannelChecker(endpoints: endpoints(mock.base), timeout: .seconds(60)) { bot, field, raw in
            field == "channels.telegram.default.botToken" ? "good-\(bot)" : raw
        }
        let results = checker.check(try bot(tokens: "sealed"))
        #expect(results[0].status == .ok)
        #expect(results[1].status == .rejected)
        struct Locked: Error, CustomStringConvertible { var description: String { "no key for kid k1" } }
        let failing = ChannelChecker(endpoints: endpoints(mock.base), timeout: .seconds(60)) { _, _, _ in throw Locked() }
        let first = try #require(failing.check(try bot(tokens: "x")).first)
        #expect(first.status == .error && first.message == "cannot read credentials.botToken: no key for kid k1")
    }

    // MARK: model provider keys

    static let fleetWithKeys = """
        apiVersion: fleet/v1
        kind: Fleet
        metadata: {name: t}
        spec:
          secrets: {allowPlaintext: true}
          providers:
            anthropic: {apiKey: ANTHROPIC_KEY}
            google: {apiKey: unchecked-google-key}
        """

    func keyedSet(anthropic: String, own: String) throws -> ManifestSet {
        let fleet = Self.fleetWithKeys.replacingOccurrences(of: "ANTHROPIC_KEY", with: anthropic)
        let files = [
            SourceFile(path: "fleet/fleet.yaml", bytes: Array(fleet.utf8)),
            SourceFile(path: "fleet/bots/a.yaml", bytes: Array(ManifestText.bot("a").utf8)),
            SourceFile(path: "fleet/bots/b.yaml", bytes: Array(ManifestText.bot("b", spec: "  providers: {openai: {apiKey: \(own)}}").utf8)),
        ]
        let set = ManifestLoader.load(SourceSnapshot(commit: nil, files: files, diagnostics: [], source: ManifestSource(worktree: true)))
        #expect(set.isValid, "\(set.diagnostics.map(\.message))")
        return set
    }

    @Test func providerKeysAreCheckedOnceEachAgainstTheirAPIs() throws {
        let mock = MockProviders()
        let set = try keyedSet(anthropic: "good-ant-1", own: "good-oai-2")
        let checker = ProviderKeyChecker(endpoints: ModelAPIEndpoints(anthropic: mock.base, openai: mock.base), timeout: .seconds(3))
        let results = checker.check(set.bots, fleet: set.fleet)
        #expect(results.map { "\($0.scope) \($0.provider) \($0.bots) \($0.status)" } == [
            "Fleet anthropic [\"a\", \"b\"] ok", "Fleet google [\"a\", \"b\"] skipped", "b openai [\"b\"] ok",
        ])
        try #require(results.count == 3)
        #expect(results[0].message == "key works (Anthropic lists its models)")
        #expect(results[1].message == "fleet has no key check for Google Gemini; it checks Anthropic and OpenAI keys")
        let seen = mock.requests
        #expect(seen.filter { $0.contains("x-api-key") } == ["GET /v1/models?limit=1 HTTP/1.1 |  | x-api-key: good-ant-1 | anthropic-version: 2023-06-01"])
        #expect(seen.contains("GET /v1/models?limit=1 HTTP/1.1 | Bearer good-oai-2"))
        #expect(!seen.contains { $0.contains("unchecked-google-key") }, "nothing is sent for providers without a check")
    }

    @Test func rejectedProviderKeysSayWhereToGetOneAndNeverEchoTheKey() throws {
        let mock = MockProviders()
        let set = try keyedSet(anthropic: "revoked-ant-key", own: "revoked-oai-key-9876")
        let checker = ProviderKeyChecker(endpoints: ModelAPIEndpoints(anthropic: mock.base, openai: mock.base), timeout: .seconds(3))
        let results = checker.check(set.bots, fleet: set.fleet)
        #expect(results.map(\.status) == [.rejected, .skipped, .rejected])
        try #require(results.count == 3)
        #expect(results[0].message == "Anthropic rejected the API key (401 authentication_error); create a key at console.anthropic.com → Settings → API Keys, then run: fleet secrets set --fleet providers.anthropic.apiKey")
        #expect(results[2].message == "OpenAI rejected the API key (401 invalid_request_error, invalid_api_key); create a key at platform.openai.com → API keys, then run: fleet secrets set b providers.openai.apiKey")
        for r in results { #expect(!r.message.contains("revoked") && !r.message.contains("9876"), "\(r.message)") }
        let down = ProviderKeyChecker(endpoints: ModelAPIEndpoints(anthropic: "http://127.0.0.1:\(freePort())", openai: mock.base), timeout: .seconds(2))
        #expect(down.check(set.bots, fleet: set.fleet).first?.status == .unreachable)
    }

    @Test func commandPrintsAVerdictPerChannel() async throws {
        let mock = MockProviders()
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        try fx.write("r", "fleet/fleet.yaml", "apiVersion: fleet/v1\nkind: Fleet\nmetadata: {name: t}\nspec:\n  secrets: {allowPlaintext: true}\n")
        try fx.write("r", "fleet/bots/good.yaml", ManifestText.bot("good").replacingOccurrences(of: "t-good", with: "good-token-1"))
        try fx.write("r", "fleet/bots/bad.yaml", ManifestText.bot("bad").replacingOccurrences(of: "t-bad", with: "bad-token-2"))
        try fx.commitAll("r", "bots")
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["FLEET_TELEGRAM_API"] = mock.base
        let fleet = TestPaths.executable("fleet")
        let all = try await runProcess(fleet, ["check", "--repo", repo], env: env)
        #expect(all.status == 1, "\(all.stderr)")
        #expect(all.stdout.contains("good  telegram/default  ok: token works: the bot is @support_bot"))
        #expect(all.stdout.contains("bad  telegram/default  REJECTED: Telegram rejected the bot token (401 Unauthorized); get a valid token from @BotFather"))
        #expect(!all.stdout.contains("token-1") && !all.stdout.contains("token-2"))
        let one = try await runProcess(fleet, ["check", "good", "--repo", repo, "--json"], env: env)
        #expect(one.status == 0, "\(one.stderr)")
        let json = try JSON5.parse(one.stdout)
        #expect(json.arrayValue?.first?["status"] == "ok")
        env["FLEET_TELEGRAM_API"] = "http://127.0.0.1:\(freePort())"
        let down = try await runProcess(fleet, ["check", "good", "--repo", repo], env: env)
        #expect(down.status == 1 && down.stdout.contains("UNREACHABLE: could not reach Telegram"))
    }

    @Test func commandChecksProviderKeysToo() async throws {
        let mock = MockProviders()
        let fx = try GitFixture()
        let repo = try fx.makeRepo("r")
        try fx.write("r", "fleet/fleet.yaml", Self.fleetWithKeys.replacingOccurrences(of: "ANTHROPIC_KEY", with: "good-ant-key-1"))
        try fx.write("r", "fleet/bots/a.yaml", ManifestText.bot("a").replacingOccurrences(of: "t-a", with: "good-token-a"))
        try fx.write("r", "fleet/bots/b.yaml", ManifestText.bot("b", spec: "  providers: {openai: {apiKey: bad-oai-key-2}}")
            .replacingOccurrences(of: "t-b", with: "good-token-b"))
        try fx.commitAll("r", "bots")
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for name in ["FLEET_TELEGRAM_API", "FLEET_ANTHROPIC_API", "FLEET_OPENAI_API"] { env[name] = mock.base }
        let fleet = TestPaths.executable("fleet")
        let all = try await runProcess(fleet, ["check", "--repo", repo], env: env)
        #expect(all.status == 1, "\(all.stdout)\(all.stderr)")
        #expect(all.stdout.contains("Fleet  providers.anthropic (used by a, b)  ok: key works (Anthropic lists its models)"), "\(all.stdout)")
        #expect(all.stdout.contains("Fleet  providers.google (used by a, b)  skipped: fleet has no key check for Google Gemini"))
        #expect(all.stdout.contains("b  providers.openai  REJECTED: OpenAI rejected the API key (401 invalid_request_error, invalid_api_key)"))
        #expect(!all.stdout.contains("ant-key-1") && !all.stdout.contains("oai-key-2"))
        let one = try await runProcess(fleet, ["check", "a", "--repo", repo, "--json"], env: env)
        #expect(one.status == 0, "\(one.stdout)\(one.stderr)")
        let json = try JSON5.parse(one.stdout).arrayValue ?? []
        let anthropic = try #require(json.first { $0["provider"] == "anthropic" })
        #expect(anthropic["scope"] == "Fleet" && anthropic["status"] == "ok" && anthropic["bots"] == .array(["a"]))
        #expect(!json.contains { $0["provider"] == "openai" }, "b's own key is not a's")
    }
}
