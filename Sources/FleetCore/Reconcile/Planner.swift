import OpenClawConfig

/// Options that change what the planner allows.
public struct PlanOptions: Sendable {
    /// Allow destroying more than half of the fleet (or all of it).
    public var allowMassDestroy: Bool
    /// Bots to leave alone this time, with why (the daemon's restart backoff, a failed config).
    public var holds: [String: String]
    /// Failed /healthz probes in a row before this one, by bot (the daemon counts them).
    public var previousHealthFailures: [String: Int]
    /// Failed probes in a row that make a restart (1 for a one-off apply).
    public var failureThreshold: Int

    /// Creates options.
    public init(allowMassDestroy: Bool = false, holds: [String: String] = [:], previousHealthFailures: [String: Int] = [:],
                failureThreshold: Int = 1) {
        self.allowMassDestroy = allowMassDestroy
        self.holds = holds
        self.previousHealthFailures = previousHealthFailures
        self.failureThreshold = failureThreshold
    }
}

/// The plan as a pure function of desired and observed state: no I/O, no clock.
public enum Planner {
    /// Plans every bot.
    public static func plan(desired: [DesiredBot], observed: [String: ObservedBot], commit: String?, stateRoot: String,
                            fingerprint: String, options: PlanOptions = PlanOptions()) -> Plan {
        var actions: [PlannedAction] = []
        let wanted = Set(desired.map(\.name))
        for bot in desired {
            if let hold = options.holds[bot.name], bot.enabled, !bot.suspended {
                actions.append(PlannedAction(bot: bot.name, kind: .noop, reasons: [hold], port: bot.rendered.launch.port))
                continue
            }
            let failures = options.previousHealthFailures[bot.name] ?? 0
            actions.append(action(for: bot, observed[bot.name], healthFailures: failures, threshold: options.failureThreshold))
        }
        for (name, obs) in observed where !wanted.contains(name) {
            guard obs.directoryExists || obs.process != nil || !obs.strays.isEmpty || obs.record != nil else { continue }
            let reason = obs.process != nil ? "removed from git (gateway stopped, data moved aside)" : "removed from git (data moved aside)"
            actions.append(PlannedAction(bot: name, kind: .destroy, reasons: [reason], port: obs.record?.port))
        }
        actions.sort { $0.bot < $1.bot }
        var refusal: String?
        let destroys = actions.filter { $0.kind == .destroy }.count
        let total = Set(wanted).union(observed.keys).count
        if !options.allowMassDestroy && destroys > 0 {
            if desired.isEmpty {
                refusal = "the manifests hold no bots, so every gateway would be destroyed (\(destroys)); if that is intended, pass --allow-mass-destroy"
            } else if destroys * 2 > total {
                refusal = "the plan destroys \(destroys) of \(total) bots (more than half the fleet); if that is intended, pass --allow-mass-destroy"
            }
        }
        return Plan(commit: commit, observedFingerprint: fingerprint, stateRoot: stateRoot, actions: actions, refusal: refusal)
    }

    static func action(for bot: DesiredBot, _ obs: ObservedBot?, healthFailures: Int = 0, threshold: Int = 1) -> PlannedAction {
        let port = bot.rendered.launch.port
        func make(_ kind: ActionKind, _ reasons: [String]) -> PlannedAction {
            PlannedAction(bot: bot.name, kind: kind, reasons: reasons, port: port)
        }
        let running = obs?.process != nil
        if bot.suspended {
            return make(.noop, ["suspended: fleet leaves it as it is"])
        }
        guard bot.enabled else {
            if running || !(obs?.strays.isEmpty ?? true) { return make(.stop, ["disabled in the manifest"]) }
            return make(.noop, ["disabled"])
        }
        var portWarning: [String] = []
        if let holder = obs?.portHolder, !running {
            let who = holder.pid > 0 ? "pid \(holder.pid) (\(holder.commandLine.joined(separator: " ")))" : "another program"
            portWarning = ["port \(port) is held by \(who): this start will fail until it is freed"]
        }
        guard let obs, obs.record != nil || obs.directoryExists || running || !obs.strays.isEmpty else {
            return make(.create, ["new bot on port \(port)"] + portWarning)
        }
        var strayReason: [String] = []
        if !obs.strays.isEmpty {
            strayReason = ["stray gateway process\(obs.strays.count == 1 ? "" : "es") \(obs.strays.map { String($0.pid) }.joined(separator: ", ")) stopped"]
        }
        if !running, let held = refusedConfigHold(bot, obs) {
            return make(.noop, [held])
        }
        guard running else {
            var why = strayReason
            if let exit = obs.record?.lastExit, obs.record?.phase != .Stopped {
                why.append("process \(exit.summary)")
            } else if obs.record?.phase == .Stopped {
                why.append("was stopped")
            } else if let pid = obs.record?.pid {
                why.append("gateway pid \(pid) is no longer running")
            } else {
                why.append("not running")
            }
            if let old = obs.record?.port, old != port { why.append("port \(old) -> \(port)") }
            return make(.start, why + portWarning)
        }
        var reasons = strayReason
        var kind: ReloadClass = strayReason.isEmpty ? .none : .restart
        let applied = obs.record?.applied
        if let disk = obs.configOnDisk, let recorded = obs.record?.configHash, disk.hash != recorded {
            reasons.append("config.json5 edited on disk")
            kind = max(kind, .reload)
        }
        if var old = applied {
            if let disk = obs.configOnDisk { old.configHash = disk.hash }
            let verdict = ChangeClassifier.classify(oldConfig: obs.configOnDisk?.json, old: old, new: bot.rendered)
            kind = max(kind, verdict.kind)
            reasons += verdict.reasons
        } else if obs.configOnDisk?.hash != bot.rendered.configHash {
            kind = .restart
            reasons.append("no record of what was applied")
        }
        if obs.configOnDisk == nil {
            kind = max(kind, .reload)
            reasons.append("config.json5 missing")
        }
        if let health = obs.health, !health.live {
            if healthFailures + 1 >= threshold {
                kind = .restart
                reasons.append(threshold > 1 ? "not answering /healthz (\(healthFailures + 1) probes in a row)" : "not answering /healthz")
            } else if kind == .none {
                return make(.noop, ["not answering /healthz (\(healthFailures + 1) of \(threshold) before a restart)"])
            }
        }
        switch kind {
        case .none: return make(.noop, [])
        case .reload: return make(.reload, reasons)
        case .restart: return make(.restart, reasons)
        }
    }

    /// A gateway that refused its config (exit 78, EX_CONFIG) is `Failed` and is not started again
    /// with the same config, launch and release: only a change of one of them can help (OpenClaw:
    /// docs/gateway/embedding.md).
    static func refusedConfigHold(_ bot: DesiredBot, _ obs: ObservedBot) -> String? {
        guard let record = obs.record, record.phase == .Failed, let code = record.lastExit?.code,
              let applied = record.applied else { return nil }
        let release = applied.launch.release.flatMap(OpenClawRelease.init) ?? OpenClawReleaseTable.newestKnown
        guard Int(code) == OpenClawReleaseTable.value(.configRefusalExitCode, for: release),
              applied.configHash == bot.rendered.configHash, applied.launch == bot.rendered.launch,
              applied.workspaceHash == bot.rendered.workspaceHash,
              applied.secretFingerprints == bot.rendered.secretFingerprints else { return nil }
        // The first line of the error, and the gateway's own last word (its refusal) from the log tail.
        let lines = (record.lastError?.message ?? "").split(separator: "\n").map { String($0.drop { $0 == " " }) }
        var head = lines.first ?? "the gateway refused its config (exit \(code))"
        if head.hasSuffix(":") { head.removeLast() }
        let said = lines.dropFirst().last.map { ": \($0.prefix(200))" } ?? ""
        return "Failed: \(head)\(said); not retried until the config, the launch or the gateway release changes"
    }
}
