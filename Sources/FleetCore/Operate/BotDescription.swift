import FoundationEssentials
import Glibc

/// Everything about one bot, for `fleet describe BOT` (text and JSON).
public struct BotDescription: Sendable, Codable {
    /// Where the manifest is.
    public struct ManifestInfo: Sendable, Codable {
        /// The file, relative to the repository.
        public var file: String?
        /// The commit the manifests were read at.
        public var commit: String?
        /// The commit last applied to the bot.
        public var appliedCommit: String?
        /// The display name.
        public var displayName: String?
        /// The owners.
        public var owners: [String]?

        /// Creates manifest info.
        public init(file: String?, commit: String?, appliedCommit: String?, displayName: String?, owners: [String]?) {
            self.file = file
            self.commit = commit
            self.appliedCommit = appliedCommit
            self.displayName = displayName
            self.owners = owners
        }
    }

    /// The rendered config.
    public struct ConfigInfo: Sendable, Codable {
        /// Its path.
        public var path: String
        /// SHA-256 of the body applied.
        public var appliedHash: String?
        /// SHA-256 of the body on disk now.
        public var diskHash: String?
        /// Whether they match.
        public var matches: Bool
    }

    /// The process.
    public struct ProcessInfo: Sendable, Codable {
        /// The phase.
        public var phase: BotPhase
        /// The pid.
        public var pid: Int32?
        /// The port.
        public var port: Int
        /// When it started.
        public var startedAt: Date?
        /// Seconds since it started.
        public var uptimeSeconds: Int?
        /// Restarts fleet made.
        public var restarts: Int
        /// How the last process ended.
        public var lastExit: ExitInfo?
        /// The last error.
        public var lastError: BotError?
    }

    /// The bot.
    public var name: String
    /// Manifest and commits.
    public var manifest: ManifestInfo
    /// The rendered config.
    public var config: ConfigInfo
    /// The process.
    public var process: ProcessInfo
    /// The last health probe.
    public var health: HealthRecord?
    /// Channel accounts.
    public var channels: [ChannelStatus]
    /// Session counts.
    public var sessions: SessionSummary
    /// Figures.
    public var figures: BotFigures?
    /// `gateway` or `disk`.
    public var observedVia: String?
    /// Why the gateway's protocol client failed, when it did.
    public var gatewayError: GatewayProblem?
    /// Why the sessions may be incomplete.
    public var sessionsNote: String?
    /// The bot's last journal entries, oldest first.
    public var journal: [JournalEntry]
    /// The last log lines, oldest first.
    public var log: [LogEntry]

    /// Builds the description from a refreshed state record (see ``StatusReport/refresh(_:root:probeTimeout:detail:)``).
    public static func make(name: String, bot: BotState?, root: String, manifest: ManifestInfo,
                            journalLimit: Int = 5, logLines: Int = 10, now: Date = Date()) -> BotDescription {
        let paths = BotPaths(root: root, name: name)
        let b = bot ?? BotState(port: 0)
        let disk = Observer.readConfig(paths.config)?.hash
        let applied = b.applied?.configHash ?? b.configHash
        let journal = Journal.read(root + "/journal.jsonl").filter { $0.bot == name }.suffix(journalLimit)
        let log = LogFollower(path: paths.logFile).backlog(maxBytes: 256 << 10).suffix(logLines)
            .compactMap { OpenClawLog.parse(Substring($0), bot: name) }
        let running = b.pid != nil
        return BotDescription(
            name: name, manifest: manifest,
            config: ConfigInfo(path: paths.config, appliedHash: applied, diskHash: disk, matches: disk != nil && disk == applied),
            process: ProcessInfo(phase: b.phase, pid: b.pid, port: b.port, startedAt: running ? b.startedAt : nil,
                                 uptimeSeconds: running ? b.startedAt.map { Int(now.timeIntervalSince($0)) } : nil,
                                 restarts: b.restarts, lastExit: b.lastExit, lastError: b.lastError),
            health: running ? b.health : nil, channels: b.channels ?? [],
            sessions: b.sessions ?? SessionSummary(count: 0, active: 0, lastActivity: nil),
            figures: b.figures, observedVia: b.observedVia, gatewayError: b.gatewayError, sessionsNote: b.sessionsNote,
            journal: Array(journal), log: Array(log))
    }

    /// One screen of text.
    public func text(style: TextStyle = .plain, now: Date = Date()) -> String {
        func row(_ label: String, _ value: String) -> String {
            style.bold(label.padded(to: 10)) + " " + value + "\n"
        }
        var out = row("Bot", name + (manifest.displayName.map { " (\($0))" } ?? ""))
        var m = manifest.file ?? "not in the manifests"
        if let c = manifest.commit { m += " at \(c.prefix(12))" }
        if let a = manifest.appliedCommit { m += "; applied \(a.prefix(12))" } else { m += "; not applied" }
        out += row("Manifest", m)
        if let owners = manifest.owners, !owners.isEmpty { out += row("Owners", owners.joined(separator: " ")) }
        let hash = config.diskHash.map { String($0.prefix(12)) } ?? "missing"
        out += row("Config", "\(config.path)  sha256 \(hash)" + (config.matches ? "" : style.yellow(" (differs from the applied config)")))
        var p = colored(process.phase, style)
        if let pid = process.pid { p += "  pid \(pid)" }
        p += "  port \(process.port)"
        if let up = process.uptimeSeconds { p += "  up \(Self.duration(up))" }
        p += "  restarts \(process.restarts)"
        out += row("Process", p)
        if let exit = process.lastExit { out += row("Last exit", "\(exit.summary) at \(ISOTime.utc(exit.at))") }
        if let error = process.lastError, process.phase == .Failed || process.phase == .CrashLoop {
            out += row("Error", style.red(error.message) + (error.fix.map { "\n" + String(repeating: " ", count: 11) + "fix: \($0)" } ?? ""))
        }
        if let h = health {
            let ready = h.ready == nil ? "readiness unknown" : (h.ready == true ? "ready" : GatewayReadiness.explain(failing: h.failing, channels: channels))
            out += row("Health", (h.live ? "live" : style.red("not answering /healthz")) + ", " + ready)
        } else {
            out += row("Health", "-")
        }
        if channels.isEmpty {
            out += row("Channels", "none reported")
        } else {
            out += row("Channels", observedVia == "disk" ? "(from the log; the gateway did not answer)" : "")
            for c in channels {
                var line = "  \(c.channel)/\(c.accountId)".padded(to: 22)
                line += c.connected ? style.green(c.state) : (c.lastError != nil ? style.red(c.state) : style.yellow(c.state))
                if let t = c.lastInboundAt { line += "  last inbound \(ISOTime.ago(t, now: now))" }
                out += line + "\n"
                if let e = c.lastError { out += "    \(e)\n" }
                if let f = c.fix { out += "    \(style.cyan("fix:")) \(f)\n" }
            }
        }
        if let problem = gatewayError {
            out += row("Gateway", style.yellow("[\(problem.code)] ") + problem.message
                       + (problem.fix.map { "\n" + String(repeating: " ", count: 11) + "fix: \($0)" } ?? ""))
        }
        var s = "\(sessions.count) (\(sessions.active) active in the last hour)"
        if let last = sessions.lastActivity { s += ", last activity \(ISOTime.ago(last, now: now))" }
        if let note = sessionsNote { s += "\n" + String(repeating: " ", count: 11) + style.dim(note) }
        out += row("Sessions", s)
        if let f = figures {
            out += row("Figures", "messages \(f.messagesLastHour) last hour, \(f.messagesLastDay) last day; "
                       + "\(f.activeSessions) active sessions; \(f.errorsLastHour) errors last hour")
        }
        out += style.bold("Journal") + (journal.isEmpty ? "    none\n" : "\n")
        for e in journal {
            let commit = e.commit.map { String($0.prefix(7)) } ?? "-------"
            out += "  \(ISOTime.utc(e.time))  \(commit)  \(e.action.padded(to: 8)) \(e.result)"
            out += (e.reasons.isEmpty ? "" : "  \(e.reasons.joined(separator: "; "))") + (e.error.map { "  \(style.red($0))" } ?? "") + "\n"
        }
        out += style.bold("Log") + (log.isEmpty ? "        empty\n" : "\n")
        for e in log { out += "  " + OpenClawLog.format(e, botWidth: 0, style: style) + "\n" }
        return out
    }

    private func colored(_ phase: BotPhase, _ style: TextStyle) -> String {
        switch phase {
        case .Running: return style.green(phase.rawValue)
        case .Failed, .CrashLoop: return style.red(phase.rawValue)
        case .Stopped: return phase.rawValue
        default: return style.yellow(phase.rawValue)
        }
    }

    static func duration(_ s: Int) -> String {
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        if s < 86400 { return "\(s / 3600)h\((s % 3600) / 60)m" }
        return "\(s / 86400)d\((s % 86400) / 3600)h"
    }
}
