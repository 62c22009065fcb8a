import Glibc

extension Gateway {
    /// Arms `OPENCLAW_SIM_CRASH_AFTER_MS`.
    func scheduleFaults() {
        guard let after = env.crashAfterMs else { return }
        loop.schedule(afterMs: after) { [unowned self] in self.crash() }
    }

    private func crash() {
        if let sig = env.crashSignal {
            logger.fatal("sim", "injected crash: raising \(SignalNames.name(sig)) (OPENCLAW_SIM_CRASH_AFTER_MS=\(env.crashAfterMs ?? 0))")
            signal(sig, SIG_DFL)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, sig)
            sigprocmask(SIG_UNBLOCK, &set, nil)
            raise(sig)
            exit(128 + sig)
        }
        logger.fatal("sim", "injected crash: exiting with code \(env.crashExitCode) (OPENCLAW_SIM_CRASH_AFTER_MS=\(env.crashAfterMs ?? 0))")
        exit(env.crashExitCode)
    }

    /// Arms `OPENCLAW_SIM_TRAFFIC_PER_MIN`.
    func scheduleTraffic() {
        guard env.trafficPerMin > 0 else { return }
        let interval = max(10, Int64(60_000 / env.trafficPerMin))
        loop.schedule(afterMs: interval, repeating: interval) { [unowned self] in self.simulateInbound() }
    }

    private func simulateInbound() {
        let live = accounts.filter(\.connected)
        guard !live.isEmpty else {
            logger.debug("sim", "traffic tick skipped: no connected channel account")
            return
        }
        let account = live[trafficCursor % live.count]
        trafficCursor += 1
        if let index = accounts.firstIndex(where: { $0.key == account.key }) { accounts[index].lastInboundAtMs = Clock.wallMs() }
        let peer = String(1_000_001 + Int.random(in: 0..<5))
        let text = ["hello", "what are your opening hours?", "thanks!", "can you help me?", "ping"].randomElement() ?? "hi"
        // The agent run needs its model provider's key: without one it fails, and no reply is written.
        let missingKey = Self.primaryModel(config.value).flatMap {
            modelKeys.missingKeyMessage(model: $0, stateDir: paths.stateDir, agentId: sessions.agentId)
        }
        let key = sessions.recordExchange(
            channel: account.channel, accountId: account.accountId, peer: peer,
            text: text, reply: missingKey == nil ? "(simulated reply to: \(text))" : nil)
        // Stand-in only: the real gateway's inbound lines differ per channel; fleet does not read this one.
        logger.info(Self.channelSubsystem(account.channel), "[\(account.accountId)] inbound message from \(peer) -> \(key)")
        if let missingKey { logger.error("agent", missingKey) }
    }
}
