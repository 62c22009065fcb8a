import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import TestChild
import Testing

/// The stand-in gateway starts with every config fleet renders for the demo fleet, and refuses
/// a deliberately broken one, as the real gateway would.
@Suite struct RenderedConfigGatewayTests {
    static let root = TestPaths.repositoryRoot(from: #filePath)

    /// Writes a rendering as apply will: config, secret files (0600), workspace.
    func write(_ rendered: RenderedBot, body: String? = nil) throws {
        let fm = FileManager.default
        for dir in [rendered.paths.directory, rendered.paths.secrets, rendered.paths.state, rendered.paths.workspace, rendered.paths.logs] {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        for secret in rendered.secretFiles {
            let path = rendered.paths.secrets + "/" + secret.name
            fm.createFile(atPath: path, contents: Data(secret.value.utf8), attributes: [.posixPermissions: 0o600])
        }
        for (name, bytes) in rendered.workspaceFiles {
            fm.createFile(atPath: rendered.paths.workspace + "/" + name, contents: Data(bytes))
        }
        fm.createFile(atPath: rendered.paths.config, contents: Data((body.map { rendered.header + $0 } ?? rendered.fileText).utf8),
                      attributes: [.posixPermissions: 0o600])
    }

    func start(_ rendered: RenderedBot, token: String) throws -> TestChild {
        var env = rendered.launch.environment
        env["OPENCLAW_GATEWAY_TOKEN"] = token
        env["OPENCLAW_SIM_VERSION"] = rendered.launch.release
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        // From `gateway` on: the demo fleet's command names the stand-in and its persona before it,
        // and the persona here is the rendering's release.
        return try TestChild(
            TestPaths.executable("openclaw-sim"), Array(rendered.launch.arguments.drop { $0 != "gateway" }),
            env: env, stdout: .file(rendered.paths.consoleLog), stderr: .stdout)
    }

    func renderDemo(stateRoot: String, release: OpenClawRelease = OpenClawReleaseTable.newestKnown) throws -> [RenderedBot] {
        // The demo tokens are encrypted with the DEMO-ONLY key in examples/demo.key.
        let keys = try SecretKeys.resolve(keyFiles: [DemoKey.file()], environment: [:])
        let set = try FleetSession.load(ManifestSource(repository: Self.root, path: "fleet", worktree: true), keys: keys)
        #expect(set.isValid, "\(set.diagnostics)")
        var host = HostSettings(fleet: set.fleet, stateRootFlag: stateRoot)
        host.basePort = freePort()
        var renderer = FleetSession.renderer(for: set, host: host, source: ManifestSource(repository: Self.root, worktree: true))
        renderer.release = release
        return try set.bots.map { try renderer.render($0, port: freePort()) }
    }

    /// Each release persona of the stand-in starts with what fleet renders for that release.
    @Test(arguments: ["2026.4.27", "2026.8.1", "2026.9.6"])
    func everyDemoConfigStartsTheGateway(_ release: String) async throws {
        let dir = try TempDirectory(prefix: "fleet-render-e2e")
        for rendered in try renderDemo(stateRoot: dir.path, release: try #require(OpenClawRelease(release))) {
            try write(rendered)
            FileManager.default.createFile(atPath: rendered.paths.consoleLog, contents: nil)
            let process = try start(rendered, token: "test-token-\(rendered.name)")
            let port = rendered.launch.port
            let healthy = await eventually { HTTPProbe.get(port: port, path: "/healthz")?.status == 200 }
            let console = (try? String(contentsOfFile: rendered.paths.consoleLog, encoding: .utf8)) ?? ""
            #expect(healthy, "\(rendered.name) did not answer /healthz: \(console)")
            process.signal(process.isRunning && healthy ? SIGTERM : SIGKILL)
            await process.exited()
            #expect(process.exitStatus == 0)
        }
    }

    @Test func aBrokenConfigIsRefused() async throws {
        let dir = try TempDirectory(prefix: "fleet-render-broken")
        let rendered = try #require(try renderDemo(stateRoot: dir.path).first)
        let broken = rendered.body.replacingOccurrences(of: "gateway: {", with: "gateway: {\n    colour: \"blue\",")
        #expect(broken != rendered.body)
        try write(rendered, body: broken)
        FileManager.default.createFile(atPath: rendered.paths.consoleLog, contents: nil)
        let process = try start(rendered, token: "t")
        await process.exited()
        let console = (try? String(contentsOfFile: rendered.paths.consoleLog, encoding: .utf8)) ?? ""
        // A refused config exits 78, EX_CONFIG (OpenClaw: docs/gateway/embedding.md).
        #expect(process.exitStatus == 78)
        #expect(console.contains("colour"), "\(console)")
    }
}
