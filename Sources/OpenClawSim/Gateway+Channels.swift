import OpenClawConfig

extension Gateway {
    /// The start-up delay has passed: start every channel account.
    func completeStartup() {
        startupComplete = true
        for index in accounts.indices { start(index) }
    }

    /// The log subsystem of a channel (OpenClaw: `gateway/channels/<id>`, as real log lines show).
    static func channelSubsystem(_ channel: String) -> String { "gateway/channels/\(channel)" }

    /// Starts one account's provider, applying the channel fault switches. Log texts follow
    /// OpenClaw's channel manager (src/gateway/server-channels.ts) and plugins (`starting provider`).
    func start(_ index: Int) {
        let account = accounts[index]
        let log = Self.channelSubsystem(account.channel)
        let tag = "[\(account.accountId)]"
        guard account.enabled else {
            accounts[index].running = false
            logger.debug(log, "\(tag) disabled")
            return
        }
        guard account.configured else {
            accounts[index].running = false
            accounts[index].lastError = account.channel == "whatsapp" ? "not linked" : "not configured"
            logger.debug(log, "\(tag) \(accounts[index].lastError ?? "not configured")")
            return
        }
        accounts[index].running = true
        accounts[index].connected = false
        accounts[index].restartPending = false
        accounts[index].lastStartAtMs = Clock.wallMs()
        accounts[index].lastError = nil
        logger.info(log, "\(tag) starting provider")
        if env.unreadyChannels.contains(account.key) {
            logger.debug("sim", "\(account.key) held connecting (OPENCLAW_SIM_UNREADY_CHANNEL)")
        } else if let message = env.channelErrors[account.key] {
            exited(index, message)
        } else if !env.badTokenPrefix.isEmpty, let credential = account.credential, credential.hasPrefix(env.badTokenPrefix) {
            exited(index, "401 Unauthorized")
        } else {
            accounts[index].connected = true
            accounts[index].reconnectAttempts = 0
        }
    }

    /// The provider failed: it stops, and the gateway restarts it with backoff, 10 times at most
    /// (OpenClaw: src/gateway/server-channels.ts: `channel exited: …`, `auto-restart attempt n/10 in
    /// Ns`, `giving up after 10 restart attempts`).
    private func exited(_ index: Int, _ message: String) {
        let log = Self.channelSubsystem(accounts[index].channel)
        let tag = "[\(accounts[index].accountId)]"
        let key = accounts[index].key
        accounts[index].running = false
        accounts[index].connected = false
        accounts[index].lastError = message
        accounts[index].lastStopAtMs = Clock.wallMs()
        logger.error(log, "\(tag) channel exited: \(message)")
        let rule = persona.readiness
        let attempt = accounts[index].reconnectAttempts + 1
        guard attempt <= rule.maxRestartAttempts else {
            accounts[index].restartPending = false
            logger.error(log, "\(tag) giving up after \(rule.maxRestartAttempts) restart attempts")
            return
        }
        let delay = env.channelRestartBackoffMs
            ?? Int64(min(rule.restartBackoffMaxMs, rule.restartBackoffMs << min(attempt - 1, 20)))
        accounts[index].restartPending = true
        accounts[index].reconnectAttempts = attempt
        logger.info(log, "\(tag) auto-restart attempt \(attempt)/\(rule.maxRestartAttempts) in \((delay + 500) / 1000)s")
        let fingerprint = accounts[index].fingerprint
        loop.schedule(afterMs: delay) { [unowned self] in
            guard let i = self.accounts.firstIndex(where: { $0.key == key }), self.accounts[i].fingerprint == fingerprint,
                  self.accounts[i].restartPending else { return }
            self.start(i)
        }
    }

    /// Replaces the account list after a reload: unchanged accounts keep their runtime, changed
    /// or new ones (re)start, removed ones stop.
    func replaceAccounts(_ fresh: [ChannelAccount]) {
        let old = Dictionary(accounts.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let freshKeys = Set(fresh.map(\.key))
        for gone in accounts where !freshKeys.contains(gone.key) {
            logger.info(Self.channelSubsystem(gone.channel), "[\(gone.accountId)] stopped")
        }
        accounts = fresh
        for index in accounts.indices {
            if let previous = old[accounts[index].key], previous.fingerprint == accounts[index].fingerprint {
                var kept = previous
                kept.enabled = accounts[index].enabled
                accounts[index] = kept
            } else if startupComplete {
                start(index)
            }
        }
    }

    /// Notices WhatsApp accounts linked while running (`creds.json` appeared): the 2026.4 line.
    func checkLinks() {
        for index in accounts.indices where accounts[index].channel == "whatsapp" && !accounts[index].linked {
            guard let path = accounts[index].credsPath, FileSystem.exists(path) else { continue }
            accounts[index].linked = true
            accounts[index].configured = true
            logger.info(Self.channelSubsystem("whatsapp"), "[\(accounts[index].accountId)] linked (\(path))")
            if startupComplete && accounts[index].enabled { start(index) }
        }
    }

    /// `channels.start {channel, accountId?}`: re-reads a WhatsApp link and starts the accounts.
    func startChannel(_ channel: String, accountId: String?) -> Int {
        var started = 0
        for index in accounts.indices where accounts[index].channel == channel && (accountId == nil || accounts[index].accountId == accountId) {
            if let path = accounts[index].credsPath, FileSystem.exists(path) {
                accounts[index].linked = true
                accounts[index].configured = true
            }
            if startupComplete { start(index) }
            started += 1
        }
        return started
    }

    /// The readiness of the gateway now: failing channel ids (OpenClaw: src/gateway/server/readiness.ts).
    func readiness() -> Readiness {
        let now = Clock.wallMs()
        let rule = persona.readiness
        let grace = env.channelConnectGraceMs ?? Int64(rule.channelConnectGraceMs)
        let startupPending = !startupComplete && rule.startupSidecars
        var failing: [String] = []
        if startupPending {
            failing = [ReadinessRule.startupSidecarsReason]
        } else {
            for account in accounts where account.failing(nowMs: now, graceMs: grace) && !failing.contains(account.channel) {
                failing.append(account.channel)
            }
        }
        return Readiness(ready: failing.isEmpty, failing: failing, startupPending: startupPending,
                         channelsChecked: !startupPending)
    }
}
