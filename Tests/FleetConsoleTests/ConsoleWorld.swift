@testable import FleetConsole
import FleetCore
import FleetCrypto
import FleetTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting

/// A console over a real git repository (two bots, three users with roles in spec.access) and a
/// state root with a state file and a users file; nothing runs.
final class ConsoleWorld: @unchecked Sendable {
    let git: GitFixture
    let repo: String
    let root: String
    let commit: String
    let services: ConsoleServices
    /// The bare repository the console commits to (editable worlds), else nil.
    let upstream: String?
    /// The key file credentials are sealed with (editable worlds).
    let keyFile: String?

    static let access = """
          access:
            - {user: alice, role: operator}
            - {user: vera, role: viewer}
            - {user: carl, role: operator, bots: team=customer-care}
            - {user: adele, role: admin, bots: "team in (customer-care, platform)"}
            - {user: sam, role: admin, name: "Sam Admin", email: sam@example.com}
        """

    /// `editable`: the console's source is a bare clone (what the console commits to), a key file
    /// is loaded, and the OpenClaw release is pinned (plans need no gateway binary).
    init(host: String = "127.0.0.1", authHeader: String? = nil, loginAttempts: Int = 5, editable: Bool = false,
         commitTo: ConsoleConfiguration.CommitTarget = .main) async throws {
        git = try GitFixture()
        repo = try git.makeRepo("r")
        try git.write("r", "fleet/fleet.yaml", """
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: test}
            spec:
              secrets: {allowPlaintext: true}
              gatewayCommand: [openclaw-sim, gateway, run]
            \(editable ? "  openclawVersion: \"2026.9.6\"\n" : "")\(Self.access)
            """)
        try git.write("r", "fleet/bots/support.yaml", ManifestText.bot("support", spec: "  displayName: \"Support <b>&</b> Care\"").replacingOccurrences(
            of: "  name: support", with: "  name: support\n  labels: {team: customer-care}"))
        try git.write("r", "fleet/bots/ops.yaml", ManifestText.bot("ops").replacingOccurrences(
            of: "  name: ops", with: "  name: ops\n  labels: {team: platform}"))
        try git.write("r", "fleet/bots/wa.yaml", """
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: wa}
            spec:
              channels:
                - {type: whatsapp, dmPolicy: pairing}
            """)
        commit = try git.commitAll("r", "two bots")
        root = git.path("state")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var state = FleetState()
        state.appliedCommit = commit
        for (i, name) in ["ops", "support", "wa"].enumerated() {
            var bot = BotState(port: 28_000 + 20 * i)
            bot.phase = .Stopped
            bot.appliedCommit = commit
            bot.manifest = "fleet/bots/\(name).yaml"
            state.bots[name] = bot
        }
        try state.save(to: Applier.statePath(root))
        let wa = BotPaths(root: root, name: "wa")
        try FileManager.default.createDirectory(atPath: wa.state, withIntermediateDirectories: true)
        try "{}\n".write(toFile: wa.config, atomically: true, encoding: .utf8)
        var users = try ConsoleUsers.load(root: root)
        // A low scrypt cost keeps the tests quick; the file format is the real one.
        for name in ["alice", "vera", "carl", "adele", "sam"] {
            try users.set(name, password: Array("\(name)-password".utf8), cost: PasswordHash.Cost(n: 1024, r: 8, p: 1))
        }
        try users.save()
        var source = repo
        if editable {
            try git.git("clone", "-q", "--bare", "r", "r.git")
            source = git.path("r.git")
            let key = try SecretKey.generate()
            let keyPath = git.path("fleet.key")
            FileManager.default.createFile(atPath: keyPath, contents: Data(key.fileText.utf8), attributes: [.posixPermissions: 0o600])
            keyFile = keyPath
            upstream = source
        } else {
            keyFile = nil
            upstream = nil
        }
        var config = ConsoleConfiguration(
            host: host, port: 0, root: root, source: ManifestSource(repository: source, ref: "HEAD", path: "fleet"),
            keyFiles: keyFile.map { [$0] } ?? [], authHeader: authHeader, loginAttempts: loginAttempts)
        config.commitTo = commitTo
        config.reconcileAfterCommit = false
        services = try ConsoleServices(config: config)
        await services.store.refresh(full: false)
    }

    /// The application (router tests need no socket).
    func app() -> some ApplicationProtocol {
        Application(router: buildConsoleRouter(services))
    }
}

/// A logged-in browser, as far as cookies and form tokens go.
struct Browser {
    var cookie: String = ""

    /// The value of `name=` in the response's Set-Cookie headers.
    static func cookie(_ response: TestResponse, _ name: String) -> String? {
        for value in response.headers[values: .setCookie] {
            guard value.hasPrefix(name + "=") else { continue }
            return String(value.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        return nil
    }

    /// The first form token in a page.
    static func csrf(_ html: String) -> String? {
        guard let r = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    var headers: HTTPFields {
        var h = HTTPFields()
        if !cookie.isEmpty { h[.cookie] = cookie }
        return h
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&"))
    }

    static var formHeaders: HTTPFields {
        var h = HTTPFields()
        h[.contentType] = "application/x-www-form-urlencoded"
        return h
    }

    /// Logs in; returns the login response and a browser holding the session cookie.
    static func login(_ client: some TestClientProtocol, user: String, password: String, next: String = "/") async throws -> (TestResponse, Browser) {
        let page = try await client.execute(uri: "/login", method: .get)
        let nonce = cookie(page, "fleet_login") ?? ""
        let token = csrf(String(buffer: page.body)) ?? ""
        var headers = formHeaders
        headers[.cookie] = "fleet_login=\(nonce)"
        let response = try await client.execute(
            uri: "/login", method: .post, headers: headers,
            body: form(["csrf": token, "user": user, "password": password, "next": next]))
        var browser = Browser()
        if let session = cookie(response, "fleet_session") { browser.cookie = "fleet_session=\(session)" }
        return (response, browser)
    }

    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers)
    }

    func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [String: String]) async throws -> TestResponse {
        var h = Self.formHeaders
        if !cookie.isEmpty { h[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .post, headers: h, body: Self.form(fields))
    }
}
