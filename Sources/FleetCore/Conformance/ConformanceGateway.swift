import FoundationEssentials
import Glibc
import FleetCrypto
import OpenClawConfig

/// A gateway the conformance suite runs: one bot rendered by fleet for the gateway's release into a
/// scratch state root, launched as fleet launches it (its own session, `OPENCLAW_NO_RESPAWN`, the
/// token in the environment), and stopped as fleet stops it.
final class ConformanceGateway {
    let command: [String]
    let release: OpenClawRelease
    let root: String
    let token: String
    private(set) var rendered: RenderedBot
    private(set) var pid: Int32?
    private var exit: ExitInfo?

    var paths: BotPaths { rendered.paths }
    var port: Int { rendered.launch.port }

    /// The bot's manifest: one Telegram account (a token that is not real: the channel fails
    /// against a real Telegram, which the suite does not mind) and the release's config form.
    static func botYAML(dmPolicy: String) -> String {
        """
        apiVersion: fleet/v1
        kind: Bot
        metadata: {name: conformance}
        spec:
          displayName: fleet conformance
          model: anthropic/claude-sonnet-4-5
          systemPrompt: You answer fleet's conformance suite.
          channels:
            - {type: telegram, credentials: {botToken: "0:fleet-conformance-not-a-real-token"}, dmPolicy: \(dmPolicy)\(dmPolicy == "allowlist" ? ", allowFrom: [\"1\"]" : "")}
        """
    }

    init(command: [String], release: OpenClawRelease, root: String, port: Int) throws {
        self.command = command
        self.release = release
        self.root = root
        token = Hex.encode(HostFiles.randomBytes(24))
        rendered = try Self.render(command: command, release: release, root: root, port: port, dmPolicy: "pairing")
        try write()
    }

    /// Renders the bot as `fleet render` would for `release`.
    static func render(command: [String], release: OpenClawRelease, root: String, port: Int, dmPolicy: String) throws -> RenderedBot {
        let repo = root + "/repo"
        try HostFiles.makeDirectory(repo)
        try HostFiles.makeDirectory(repo + "/fleet")
        try HostFiles.makeDirectory(repo + "/fleet/bots")
        let words = command.map { "\"\($0)\"" }.joined(separator: ", ")
        try HostFiles.writeAtomically(repo + "/fleet/fleet.yaml", text: """
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: conformance}
            spec:
              secrets: {allowPlaintext: true}
              gatewayCommand: [\(words)]
              openclawVersion: "\(release)"
            """)
        try HostFiles.writeAtomically(repo + "/fleet/bots/conformance.yaml", text: botYAML(dmPolicy: dmPolicy))
        let source = ManifestSource(repository: repo, path: "fleet", worktree: true)
        let set = try FleetSession.load(source)
        guard let bot = set.bots.first, set.isValid else {
            throw ConformanceFailure("fleet refused its own conformance manifests: \(set.diagnostics.map(\.message).joined(separator: "; "))")
        }
        let host = HostSettings(fleet: set.fleet, stateRootFlag: root + "/state")
        var renderer = FleetSession.renderer(for: set, host: host, source: source)
        renderer.release = release
        return try renderer.render(bot, port: port)
    }

    /// Writes the rendering as apply does (0600 files, 0700 directories).
    func write(body: String? = nil) throws {
        for dir in [paths.directory, paths.secrets, paths.state, paths.workspace, paths.logs] {
            try HostFiles.makeDirectory(dir)
        }
        for secret in rendered.secretFiles {
            try HostFiles.writeAtomically(paths.secrets + "/" + secret.name, Array(secret.value.utf8))
        }
        for (name, bytes) in rendered.workspaceFiles {
            try HostFiles.writeAtomically(paths.workspace + "/" + name, bytes)
        }
        try HostFiles.writeAtomically(paths.config, text: body.map { rendered.header + $0 } ?? rendered.fileText)
    }

    /// Re-renders with another `dmPolicy` (a hot-reload change) and writes it.
    func rerender(dmPolicy: String) throws {
        rendered = try Self.render(command: command, release: release, root: root, port: port, dmPolicy: dmPolicy)
        try write()
    }

    /// The environment fleet launches with.
    var environment: [String: String] {
        var env = rendered.launch.environment
        env["OPENCLAW_GATEWAY_TOKEN"] = token
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        env["HOME"] = paths.state
        return env
    }

    /// Starts the gateway.
    func start() throws {
        do {
            pid = try GatewayProcess.spawn(rendered.launch.arguments, environment: environment, logFile: paths.consoleLog)
        } catch {
            throw ConformanceFailure(error.message)
        }
        exit = nil
    }

    /// How it ended, once it has (reaped).
    func exited() -> ExitInfo? {
        if let exit { return exit }
        guard let pid else { return nil }
        exit = GatewayProcess.reap(pid)
        return exit
    }

    /// Waits until `/healthz` answers 200, the process exits, or `timeout` passes.
    func waitHealthy(_ timeout: Duration) -> Bool {
        let deadline = Deadline(timeout)
        while !deadline.passed {
            if exited() != nil { return false }
            let host = rendered.launch.connectHost, port = self.port
            if Blocking.wait({ await GatewayHealth.probe(host: host, port: port, timeout: .seconds(1), readiness: false) }).live {
                return true
            }
            usleep(50_000)
        }
        return false
    }

    /// Waits for the process to exit within `timeout`.
    func waitExit(_ timeout: Duration) -> ExitInfo? {
        let deadline = Deadline(timeout)
        while !deadline.passed {
            if let e = exited() { return e }
            usleep(20_000)
        }
        return exited()
    }

    /// SIGTERM to the gateway's process group (its session), as fleet stops a bot.
    func terminate() {
        guard let pid, exited() == nil else { return }
        Glibc.kill(-pid, SIGTERM)
    }

    /// SIGKILL to whatever of the gateway's session is left.
    func kill() {
        guard let pid else { return }
        Glibc.kill(-pid, SIGKILL)
        _ = waitExit(.seconds(5))
    }

    /// The console output (stdout and stderr), last `limit` characters.
    func console(limit: Int = 600) -> String {
        let text = HostFiles.read(paths.consoleLog).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return String(text.suffix(limit)).trimmingWhitespace
    }

    /// The log file's lines (the current file; rotated lines are not needed here).
    func logLines() -> [String] {
        (HostFiles.read(paths.logFile).map { String(decoding: $0, as: UTF8.self) } ?? "")
            .split(separator: "\n").map(String.init)
    }
}

/// A failure of the suite's own machinery (not a check): no release, a rendering fleet refused.
struct ConformanceFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\n" || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
