import OpenClawConfig

extension Gateway {
    /// `gateway.reload.mode` of the live config (`hybrid` by default).
    var reloadMode: String { config.value["gateway"]?["reload"]?["mode"]?.stringValue ?? "hybrid" }

    /// `gateway.reload.debounceMs` of the live config (300 by default).
    var debounceMs: Int64 { max(0, config.value["gateway"]?["reload"]?["debounceMs"]?.intValue ?? 300) }

    /// Starts watching the config file (see ``ConfigWatcher``); where inotify cannot watch its
    /// directory (it does not exist yet), falls back to a 200 ms `stat` of the file.
    func watchConfig() {
        switch ConfigWatcher.open(path: paths.configPath) {
        case .success(let watcher):
            configWatcher = watcher
            loop.watch(watcher.fd, events: EventLoop.readable) { [unowned self] _ in
                for event in watcher.drain() { self.configEvent(event) }
            }
        case .failure(let failure) where failure != .missing:
            // OpenClaw's watch is chokidar on Node's fs.watch, one inotify instance per process
            // (libuv's loop). When the host refuses it (a user's 128 instances taken by 128
            // gateways), fs.watch throws, chokidar emits `error` (its `_handleError` drops only
            // ENOENT and ENOTDIR: chokidar src/index.ts, src/nodefs-handler.ts), and the reloader
            // logs it and closes the watcher (src/gateway/config-reload.ts). The gateway runs on and
            // never reads its config again: no fallback to polling.
            logger.warn("gateway/reload", "config watcher error: Error: \(failure.nodeMessage(path: paths.configPath))")
        case .failure:
            var stamp = FileSystem.stamp(paths.configPath)
            loop.schedule(afterMs: 200, repeating: 200) { [unowned self] in
                let now = FileSystem.stamp(self.paths.configPath)
                if now != stamp {
                    stamp = now
                    self.configEvent(now == nil ? .removed : .written)
                }
            }
        }
        // Until 2026.8 the gateway notices a new WhatsApp link itself; later releases start the
        // account when `channels login` asks them to (channels.start; see ChannelLoginRule).
        if persona.channelLogin == .local {
            loop.schedule(afterMs: 1_000, repeating: 1_000) { [unowned self] in self.checkLinks() }
        }
    }

    /// A watcher event: a write waits until the file settles (chokidar's `awaitWriteFinish`), a
    /// removal goes to the debounce at once (chokidar's `unlink` has no write to await).
    func configEvent(_ event: ConfigWatcher.Event) {
        let now = Clock.monotonicMs()
        switch event {
        case .removed:
            if let settleTimer { loop.cancel(settleTimer) }
            settleTimer = nil
            settling = nil
            scheduleReload()
        case .written:
            // chokidar: a write already settling is left to its `stat`s (only a new size moves
            // its last change); another event does not start the wait again.
            guard settling == nil else { return }
            settling = WriteSettling(writtenAt: now)
            settleTimer = loop.schedule(afterMs: WriteSettling.pollIntervalMs) { [unowned self] in self.sampleSettling() }
        }
    }

    /// One `stat` of a settling write: emit, poll again, or drop it (the file is gone).
    private func sampleSettling() {
        settleTimer = nil
        guard var settling else { return }
        let decision = settling.sampled(size: FileSystem.stamp(paths.configPath)?.size, at: Clock.monotonicMs())
        switch decision {
        case .pollAgain:
            self.settling = settling
            settleTimer = loop.schedule(afterMs: WriteSettling.pollIntervalMs) { [unowned self] in self.sampleSettling() }
        case .settled:
            self.settling = nil
            scheduleReload()
        case .gone:
            self.settling = nil
        }
    }

    /// The reloader's debounce: the reload runs `debounceMs` after the last settled change.
    private func scheduleReload() {
        if let reloadTimer { loop.cancel(reloadTimer) }
        reloadTimer = loop.schedule(afterMs: debounceMs) { [unowned self] in
            self.reloadTimer = nil
            self.reloadConfig()
        }
    }

    /// Reads the config file again and applies, rejects or defers the change.
    func reloadConfig() {
        let fresh: LoadedConfig
        do {
            fresh = try LoadedConfig.load(path: paths.configPath, release: persona.release)
        } catch {
            logger.error("gateway/reload", "config reload rejected: \(error.message); keeping the last good config")
            return
        }
        guard fresh.exists else {
            logger.warn("gateway/reload", "config file \(paths.configPath) is missing; keeping the last good config")
            return
        }
        let (change, deciding) = ReloadRules.classify(old: config.value, new: fresh.value)
        let list = deciding.joined(separator: ", ")
        if change == .none {
            config.hash = fresh.hash
            logger.debug("gateway/reload", "config file changed; nothing to apply")
            return
        }
        // OpenClaw's texts (seen in 2026.3 gateway logs): "config change detected; evaluating reload
        // (paths)", then "config hot reload applied (paths)".
        logger.info("gateway/reload", "config change detected; evaluating reload (\(list))")
        if reloadMode == "off" {
            logger.info("gateway/reload", "config change detected (\(list)); reload disabled (gateway.reload.mode=off), restart the gateway to apply")
            return
        }
        if change == .restart || reloadMode == "restart" {
            logger.warn("gateway/reload", "config change requires gateway restart (\(list))")
            return
        }
        do {
            try apply(fresh)
        } catch {
            logger.error("gateway/reload", "config reload rejected: \(error.message); keeping the last good config")
            return
        }
        logger.info("gateway/reload", "config hot reload applied (\(list))")
    }

    /// Applies a hot-reloadable config: channels, secrets, logging, agent.
    private func apply(_ fresh: LoadedConfig) throws(StartupRefusal) {
        let freshAccounts = try ChannelDiscovery.accounts(in: fresh.value, paths: paths)
        let freshKeys: ModelProviderKeys
        do {
            freshKeys = try ModelProviderKeys.resolve(fresh.value)
        } catch {
            throw error.reload
        }
        var freshSettings = settings
        if settings.secretFromConfig {
            let resolved = try GatewaySettings.resolve(options: options, config: fresh.value, release: persona.release)
            freshSettings.token = resolved.token
            freshSettings.password = resolved.password
        }
        config = fresh
        settings = freshSettings
        modelKeys = freshKeys
        let levels = Self.logLevels(config: fresh.value, verbose: options.verbose)
        logger.fileLevel = levels.file
        logger.consoleLevel = levels.console
        let file = Self.logFile(config: fresh.value)
        if file != logger.filePath {
            logger.moveFile(to: file)
            logger.info("gateway", "log file: \(file)")
        }
        sessions.switchAgent(to: SessionStore.agentId(in: fresh.value))
        replaceAccounts(freshAccounts)
    }
}
