import ArgumentParser
import FleetConsole
import FleetConsoleOptions
import FleetCore
import Hummingbird
import Logging

/// `fleet-console`: the web console that `fleet serve` runs (same options).
@main
struct FleetConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-console",
        abstract: "The fleet web console (normally started as `fleet serve`).")

    @OptionGroup var options: ServeOptions

    func run() async throws {
        guard let (host, port) = ServeOptions.split(options.listen) else { throw ValidationError("bad --listen") }
        let source = ManifestSource(repository: options.repo, ref: options.ref, path: options.path)
        let fleet = (try? FleetSession.load(source))?.fleet ?? FleetSettings()
        let root = HostSettings(fleet: fleet, stateRootFlag: options.stateRoot).stateRoot
        var logger = Logger(label: "fleet-console")
        logger.logLevel = Logger.Level(rawValue: options.logLevel) ?? .info
        var config = ConsoleConfiguration(
            host: host, port: port, root: root, source: source, keyFiles: options.keyFile, authHeader: options.authHeader,
            refreshInterval: .milliseconds(Int(options.refresh * 1000)))
        config.commitTo = ConsoleConfiguration.CommitTarget(rawValue: options.commitTo) ?? .main
        if !config.isLoopback {
            logger.warning("listening on \(host) without TLS: cookies are Secure, so browsers send them only over HTTPS; put a TLS reverse proxy in front (docs/console.md)")
        }
        if let header = options.authHeader {
            logger.notice("trusting the \(header) header from loopback clients (a reverse proxy on this host); passwords are not used")
        }
        logger.info("fleet console for \(root) on http://\(options.listen)/")
        let services = try ConsoleServices(config: config)
        let app = buildConsoleApplication(services, logger: logger)
        try await app.runService()
    }
}
