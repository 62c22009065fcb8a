import ArgumentParser
import Dispatch
import FleetCore
import FoundationEssentials
import Glibc
import Logging

/// `fleet daemon`: reconcile on a timer, heal crashes and drift, follow a git remote.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Reconcile on a timer: follow git, heal crashes and drift, record health.",
        discussion: """
            SIGHUP (or `fleet reconcile`) reconciles at once; SIGTERM/SIGINT stop the daemon and
            leave the gateways running (a new daemon adopts them without restarting them).

            Examples:
              fleet daemon --repo /srv/fleet --interval 30s
              fleet daemon --url https://git.example.com/ops/fleet.git --branch main \\
                           --require-signed-commits --allowed-signers /etc/fleet/allowed_signers \\
                           --metrics-listen 127.0.0.1:9464
              fleet daemon --repo /srv/fleet --log-format json --log-level debug   # for journald, log shippers
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var selector: SelectorOptions

    @Option(name: .long, help: "Follow a remote repository (file://, https://, ssh://) through a bare mirror under the state root.")
    var url: String?

    @Option(name: .long, help: "The branch to follow with --url.")
    var branch: String = "main"

    @Option(name: .long, help: "Time between reconciles, e.g. 30s, 5m (default: the Fleet's reconcileInterval).")
    var interval: String?

    @Flag(name: .long, help: "Stop the gateways when the daemon stops.")
    var stopGatewaysOnExit = false

    @Flag(name: .long, help: "Apply only commits signed by an allowed signer (also set by the Fleet's requireSignedCommits).")
    var requireSignedCommits = false

    @Option(name: .long, help: "git's allowed-signers file for SSH-signed commits (kept outside the repository).")
    var allowedSigners: String?

    @Option(name: .long, help: "A GnuPG home whose keyring holds the allowed keys for GPG-signed commits.")
    var gnupgHome: String?

    @Option(name: .long, help: "Serve Prometheus metrics on host:port.")
    var metricsListen: String?

    @Option(name: .long, help: "The most gateways started at once (default: as many as the host takes, up to the Fleet's maxConcurrentStarts).")
    var parallelism: Int?

    @Option(name: .long, help: "The lowest level logged: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .long, help: "text (for people) or json (one object per line, for journald and log shippers).")
    var logFormat: String = "text"

    func validate() throws {
        if let parallelism, parallelism < 1 { throw ValidationError("--parallelism must be at least 1") }
        if let interval {
            guard let duration = Duration.parseFleetDuration(interval) else {
                throw ValidationError("--interval needs a duration such as 30s or 5m")
            }
            if duration < .seconds(1) {
                throw ValidationError("--interval must be at least 1s (\(interval) would reconcile without a pause); a push can trigger a reconcile at once with fleet reconcile")
            }
        }
        if let metricsListen {
            let parts = metricsListen.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (0...65535).contains(port) else {
                throw ValidationError("--metrics-listen needs host:port such as 127.0.0.1:9464, got '\(metricsListen)'")
            }
        }
        if source.worktree { throw ValidationError("the daemon reads commits; --worktree is for validate") }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(logLevel)'")
        }
        if LogFormat(rawValue: logFormat) == nil {
            throw ValidationError("--log-format must be text or json, got '\(logFormat)'")
        }
    }

    func run() async throws {
        var config = DaemonConfiguration(
            location: url ?? source.repo, ref: url == nil ? source.ref : branch, path: source.path,
            stateRootFlag: state.stateRoot)
        config.keyFiles = source.keyFile
        config.interval = interval.flatMap(Duration.parseFleetDuration)
        config.stopGatewaysOnExit = stopGatewaysOnExit
        config.requireSignedCommits = requireSignedCommits
        config.allowedSigners = allowedSigners
        config.gnupgHome = gnupgHome
        config.metricsListen = metricsListen
        config.parallelism = parallelism
        let selection = selector.labelSelector
        config.selectBots = { $0.selecting(selection) }  // --selector: this host's share of the bots
        let root: String
        if url != nil {
            root = HostSettings(fleet: FleetSettings(), stateRootFlag: state.stateRoot).stateRoot
        } else {
            let fleet = (try? FleetSession.load(source.source))?.fleet ?? FleetSettings()
            root = HostSettings(fleet: fleet, stateRootFlag: state.stateRoot).stateRoot
        }
        let logger = FleetLogHandler.logger(
            label: "fleet.daemon", level: Logger.Level(rawValue: logLevel) ?? .info,
            format: LogFormat(rawValue: logFormat) ?? .text) { Output.out($0) }
        let daemon = Daemon(config: config, root: root, clock: ContinuousClock(), logger: logger)
        let signals = SignalRelay()
        signals.on(SIGHUP) { daemon.reconcileNow() }
        signals.on(SIGTERM) { daemon.requestStop() }
        signals.on(SIGINT) { daemon.requestStop() }
        do {
            try await daemon.run()
        } catch {
            logger.critical("the daemon cannot run: \(error)")
            CLIError(message: "\(error)", exitCode: 1).exit()
        }
        withExtendedLifetime(signals) {}
    }
}

/// Turns signals into calls, through Dispatch (never in a signal handler).
final class SignalRelay: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    func on(_ signal: Int32, _ action: @escaping @Sendable () -> Void) {
        Glibc.signal(signal, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
        source.setEventHandler(handler: action)
        source.resume()
        sources.append(source)
    }
}

/// `fleet reconcile`: ask the running daemon to reconcile now, or reconcile once.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Ask this state root's daemon to reconcile now (SIGHUP), or apply once when none runs.",
        discussion: "Meant for git hooks: examples/post-receive calls it after every push.")

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let root = resolveRoot(source: source, state: state)
        if let pid = DaemonControl.requestReconcile(root: root) {
            Output.out("asked the daemon (pid \(pid)) to reconcile now\n")
            return
        }
        Output.out("no daemon runs for \(root); applying once\n")
        let apply = try ApplyCommand.parse(forwardedArguments())
        try await apply.run()
    }

    private func forwardedArguments() -> [String] {
        var args = ["--repo", source.repo, "--ref", source.ref, "--path", source.path, "--lock-timeout", String(state.lockTimeout)]
        if let root = state.stateRoot { args += ["--state-root", root] }
        for file in source.keyFile { args += ["--key-file", file] }
        return args
    }
}
