import Glibc
import OpenClawConfig

/// The stand-in gateway process: resolves its settings, listens on the gateway port and runs
/// everything (HTTP, signals, config watch, channels, faults, traffic) on one poll loop.
final class Gateway {
    let options: GatewayOptions
    let paths: SimPaths
    let env: SimEnvironment
    /// The OpenClaw release this gateway behaves as.
    let persona: SimPersona
    let loop = EventLoop()
    var settings: GatewaySettings
    /// The live (last applied) config.
    var config: LoadedConfig
    var logger: Logger
    var accounts: [ChannelAccount]
    /// The model provider keys of the live config (see ``ModelProviderKeys``).
    var modelKeys: ModelProviderKeys
    var sessions: SessionStore
    var server: HTTPServer?
    var signals: SignalWatcher?
    let startMs = Clock.monotonicMs()
    /// The start-up delay has passed (channels were started).
    var startupComplete = false
    /// The config file's watcher (nil on the `stat` fallback).
    var configWatcher: ConfigWatcher?
    /// A write of the config waiting to settle, and its next `stat`.
    var settling: WriteSettling?
    var settleTimer: Int?
    var reloadTimer: Int?
    var trafficCursor = 0
    var exitCode: Int32 = 0

    /// Loads and checks everything start-up needs; throws the refusal the real gateway gives.
    init(options: GatewayOptions, paths: SimPaths, env: SimEnvironment, persona: SimPersona) throws(StartupRefusal) {
        self.options = options
        self.paths = paths
        self.env = env
        self.persona = persona
        let loaded = try LoadedConfig.load(path: paths.configPath, release: persona.release)
        if !options.allowUnconfigured {
            guard loaded.exists else {
                throw StartupRefusal("Missing config at \(paths.configPath); create it with gateway.mode set to \"local\", or pass --allow-unconfigured")
            }
            let mode = loaded.value["gateway"]?["mode"]?.stringValue
            if mode != "local" {
                let current = mode.map { "\"\($0)\"" } ?? "unset"
                throw StartupRefusal("gateway.mode is \(current); set gateway.mode to \"local\" or pass --allow-unconfigured")
            }
        }
        config = loaded
        settings = try GatewaySettings.resolve(options: options, config: loaded.value, release: persona.release)
        accounts = try ChannelDiscovery.accounts(in: loaded.value, paths: paths)
        do {
            modelKeys = try ModelProviderKeys.resolve(loaded.value)
        } catch {
            throw error.startup
        }
        sessions = SessionStore(stateDir: paths.stateDir, agentId: SessionStore.agentId(in: loaded.value), rule: persona.sessionStore)
        let levels = Self.logLevels(config: loaded.value, verbose: options.verbose)
        logger = Logger(filePath: Self.logFile(config: loaded.value), fileLevel: levels.file, consoleLevel: levels.console,
                        shape: persona.logLine, rotateOverride: env.logRotateBytes, flatLines: env.breaks.contains(.logFormat))
    }

    static func logFile(config: JSONValue) -> String {
        if let file = config["logging"]?["file"]?.stringValue, !file.isEmpty { return file }
        return Logger.defaultFilePath()
    }

    /// `OPENCLAW_LOG_LEVEL`, else `logging.level`, else info; `--verbose` shows debug on stdout.
    static func logLevels(config: JSONValue, verbose: Bool) -> (file: LogLevel, console: LogLevel) {
        let name = FileSystem.env("OPENCLAW_LOG_LEVEL").flatMap { $0.isEmpty ? nil : $0 }
            ?? config["logging"]?["level"]?.stringValue ?? "info"
        let file = LogLevel(name: name) ?? .info
        let consoleName = config["logging"]?["consoleLevel"]?.stringValue
        var console = consoleName.flatMap { LogLevel(name: $0) } ?? file
        if verbose { console = min(console, .debug) }
        return (file, console)
    }

    /// Runs until a signal or failure ends the process; returns the exit code.
    func run() -> Int32 {
        if let watcher = SignalWatcher() {
            signals = watcher
            loop.watch(watcher.readFD, events: EventLoop.readable) { [unowned self] _ in
                for sig in watcher.drain() { self.handleSignal(sig) }
            }
        }
        scheduleFaults()
        runStartupWork { [unowned self] in self.startListening() }
        loop.run()
        return exitCode
    }

    func startListening() {
        let listener: Listener
        do {
            listener = try Listener.open(host: settings.host, port: settings.port)
        } catch {
            switch error {
            case .addressInUse:
                fail("another gateway instance is already listening on \(settings.wsURL) (port \(settings.port) in use)")
            case .failed(let message):
                fail("failed to bind \(settings.host):\(settings.port): \(message)")
            }
            return
        }
        server = HTTPServer(listener: listener, loop: loop) { [unowned self] request, connection in
            self.respond(to: request, on: connection)
        }
        server?.upgradeHandler = { [unowned self] request, connection in self.acceptWebSocket(request, connection) }
        logStartup()
        watchConfig()
        loop.schedule(afterMs: env.startupDelayMs) { [unowned self] in self.completeStartup() }
        scheduleTraffic()
        startExecChild()
    }

    private func logStartup() {
        if settings.bindMode == "tailnet" {
            logger.warn("gateway", "bind=tailnet: no tailscale in the stand-in; listening on 127.0.0.1")
        }
        if !config.exists {
            logger.warn("gateway", "no config at \(paths.configPath); running unconfigured (--allow-unconfigured)")
        }
        if let model = Self.primaryModel(config.value) {
            logger.info("gateway", "agent model: \(model)")
        }
        logger.info("gateway", "OpenClaw \(persona.release) (openclaw-sim persona)")
        logger.info("gateway", "listening on \(settings.wsURL) (PID \(getpid()))")
        logger.info("gateway", "log file: \(logger.filePath)")
        logger.info("gateway/reload", "watching \(paths.configPath) (mode \(reloadMode), debounce \(debounceMs)ms)")
    }

    static func primaryModel(_ config: JSONValue) -> String? {
        // agents.list (2026.4) or keyed agents.entries (2026.8+; OpenClaw: src/config/legacy.roster.ts).
        let entries = config["agents"]?["entries"]?.objectValue
        let agent = config["agents"]?["list"]?.arrayValue?.first ?? entries.flatMap { e in e.keys.sorted().first.flatMap { e[$0] } }
        for model in [agent?["model"], config["agents"]?["defaults"]?["model"]].compactMap({ $0 }) {
            if let s = model.stringValue { return s }
            if let s = model["primary"]?.stringValue { return s }
        }
        return nil
    }

    /// Prints a start-up failure (not a config refusal: a port in use, a bind error) and ends the
    /// loop with exit code 1.
    func fail(_ message: String) {
        SimMain.printError("Gateway failed to start: \(message)")
        logger.error("gateway", "failed to start: \(message)")
        exitCode = 1
        loop.stop()
    }

    /// Closes the listener and ends the loop with `code`.
    func shutdown(code: Int32) {
        server?.shutdown()
        server = nil
        exitCode = code
        loop.stop()
    }
}
