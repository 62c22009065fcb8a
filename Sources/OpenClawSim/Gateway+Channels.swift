extension Gateway {
    /// The start-up delay has passed: start every channel account.
    func completeStartup() {
        startupComplete = true
        for index in accounts.indices { connect(index) }
        noteReadiness()
    }

    /// Simulates connecting one account, applying the channel fault switches.
    func connect(_ index: Int) {
        let account = accounts[index]
        let tag = "[\(account.accountId)]"
        guard account.enabled else {
            accounts[index].state = .stopped
            logger.debug(account.channel, "\(tag) disabled")
            return
        }
        guard account.configured else {
            accounts[index].state = .stopped
            logger.debug(account.channel, "\(tag) not configured (no credentials)")
            return
        }
        logger.info(account.channel, "\(tag) starting provider")
        if env.unreadyChannels.contains(account.key) {
            accounts[index].state = .connecting
            logger.warn(account.channel, "\(tag) held in connecting state (OPENCLAW_SIM_UNREADY_CHANNEL)")
        } else if let message = env.channelErrors[account.key] {
            setError(index, message)
        } else if account.channel == "whatsapp" && !account.linked {
            setError(index, "not linked; run: openclaw channels login --channel whatsapp --account \(account.accountId)")
        } else if !env.badTokenPrefix.isEmpty, let credential = account.credential, credential.hasPrefix(env.badTokenPrefix) {
            setError(index, "401 Unauthorized")
        } else {
            accounts[index].state = .connected
            accounts[index].lastError = nil
            logger.info(account.channel, "\(tag) connected")
        }
    }

    private func setError(_ index: Int, _ message: String) {
        accounts[index].state = .error
        accounts[index].lastError = message
        logger.error(accounts[index].channel, "[\(accounts[index].accountId)] channel exited: \(message)")
    }

    /// Replaces the account list after a reload: unchanged accounts keep their state, changed
    /// or new ones (re)connect, removed ones stop.
    func replaceAccounts(_ fresh: [ChannelAccount]) {
        let old = Dictionary(accounts.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let freshKeys = Set(fresh.map(\.key))
        for gone in accounts where !freshKeys.contains(gone.key) {
            logger.info(gone.channel, "[\(gone.accountId)] stopped (removed from config)")
        }
        accounts = fresh
        for index in accounts.indices {
            if let previous = old[accounts[index].key], previous.fingerprint == accounts[index].fingerprint {
                accounts[index].state = previous.state
                accounts[index].lastError = previous.lastError
                accounts[index].linked = previous.linked
                accounts[index].lastInboundAtMs = previous.lastInboundAtMs
            } else if startupComplete {
                connect(index)
            }
        }
        noteReadiness()
    }

    /// Notices WhatsApp accounts linked while running (`creds.json` appeared).
    func checkLinks() {
        for index in accounts.indices where accounts[index].channel == "whatsapp" && !accounts[index].linked {
            guard let path = accounts[index].credsPath, FileSystem.exists(path) else { continue }
            accounts[index].linked = true
            logger.info("whatsapp", "[\(accounts[index].accountId)] linked (\(path))")
            if startupComplete && accounts[index].enabled { connect(index) }
        }
        noteReadiness()
    }

    /// Logs transitions into and out of readiness.
    func noteReadiness() {
        let state = readiness()
        if state.ready != wasReady {
            wasReady = state.ready
            if state.ready {
                logger.info("gateway", "ready (\(accounts.filter { $0.state == .connected }.count) channel accounts connected)")
            } else {
                logger.warn("gateway", "not ready: \(state.failing.joined(separator: ", "))")
            }
        }
    }

    /// `/readyz` state: ready once start-up is complete and every configured account is connected.
    func readiness() -> (ready: Bool, failing: [String], conditions: [ReadinessCondition]) {
        var failing: [String] = []
        var conditions: [ReadinessCondition] = []
        if !startupComplete { failing.append("startup") }
        conditions.append(ReadinessCondition(name: "startup", ok: startupComplete, state: startupComplete ? "complete" : "starting", lastError: nil))
        for account in accounts where account.countsForReadiness {
            let name = "channel:\(account.channel):\(account.accountId)"
            let ok = account.state == .connected
            if !ok { failing.append(name) }
            conditions.append(ReadinessCondition(name: name, ok: ok, state: account.state.rawValue, lastError: account.lastError))
        }
        let known = Set(accounts.filter(\.countsForReadiness).map(\.key))
        for key in env.unreadyChannels where !known.contains(key) {
            failing.append("channel:\(key)")
            conditions.append(ReadinessCondition(name: "channel:\(key)", ok: false, state: "connecting", lastError: nil))
        }
        return (failing.isEmpty, failing, conditions)
    }
}
