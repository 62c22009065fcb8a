/// A config key a release refuses at start-up, and what replaces it (as `openclaw doctor` says).
public struct LegacyKey: Sendable, Hashable {
    /// The path: literal segments, `*` for any one key or index, and a leading `**` for any depth.
    public let pattern: [String]
    /// Only this value is legacy (nil: any value).
    public let value: JSONValue?
    /// What to write instead.
    public let replacement: String
    /// The row of OpenClaw's doctor table this comes from (`legacy-keys-2026.8.json` `path`).
    public let row: String

    init(_ path: String, _ replacement: String, row: String, value: JSONValue? = nil) {
        pattern = path.split(separator: ".").map(String.init)
        self.value = value
        self.replacement = replacement
        self.row = row
    }

    /// The dotted pattern, `agents.entries.*.default`.
    public var path: String { pattern.joined(separator: ".") }

    /// Whether `path` (segments of a concrete path) with `value` is this legacy key.
    public func matches(_ path: [String], value: JSONValue) -> Bool {
        if let expected = self.value, expected != value { return false }
        if pattern.first == "**" {
            let tail = pattern.dropFirst()
            guard path.count >= tail.count else { return false }
            return Self.match(Array(tail), Array(path.suffix(tail.count)))
        }
        return path.count == pattern.count && Self.match(pattern, path)
    }

    private static func match(_ pattern: [String], _ path: [String]) -> Bool {
        zip(pattern, path).allSatisfy { $0 == "*" || $0 == $1 }
    }

    /// Every legacy key in `config` for `keys`, in a stable order, with the dotted path found.
    public static func find(in config: JSONValue, _ keys: [LegacyKey]) -> [(path: String, key: LegacyKey)] {
        guard !keys.isEmpty else { return [] }
        var found: [(String, LegacyKey)] = []
        walk(config, path: [], keys: keys, found: &found)
        return found
    }

    private static func walk(_ value: JSONValue, path: [String], keys: [LegacyKey], found: inout [(String, LegacyKey)]) {
        if !path.isEmpty, let key = keys.first(where: { $0.matches(path, value: value) }) {
            found.append((path.joined(separator: "."), key))
            return
        }
        switch value {
        case .object(let members):
            for name in JSONValue.sortedKeys(members) {
                if let member = members[name] { walk(member, path: path + [name], keys: keys, found: &found) }
            }
        case .array(let elements):
            for (i, element) in elements.enumerated() { walk(element, path: path + [String(i)], keys: keys, found: &found) }
        default:
            break
        }
    }
}

extension OpenClawReleaseTable {
    /// The keys 2026.8.1 refuses at start-up: the rows of the "Legacy config key migrations" table
    /// of OpenClaw's docs/gateway/doctor.md (at 041938bc), each spelled out as the concrete paths it
    /// names. `../shared/openclaw/legacy-keys-2026.8.json` holds the same rows with their evidence;
    /// ``legacyRowsWithoutPath`` lists the rows no config path can express.
    static let legacyKeys2026_8: [LegacyKey] = [
        LegacyKey("agents.list", "keyed agents.entries.<id> (the id becomes the key)", row: "agents.list"),
        LegacyKey("agents.entries.*.default", "remove it (the default marker is retired)", row: "agents.entries.*.default"),
        LegacyKey("tools.exec.security", "tools.exec.mode (deny|allowlist|ask|auto|full)", row: "tools.exec.security + tools.exec.ask"),
        LegacyKey("tools.exec.ask", "tools.exec.mode (deny|allowlist|ask|auto|full)", row: "tools.exec.security + tools.exec.ask"),
        LegacyKey("session.idleMinutes", "session.reset.idleMinutes", row: "session.idleMinutes"),
        LegacyKey("session.maintenance.pruneDays", "session.maintenance.pruneAfter", row: "session.maintenance.pruneDays, session.resetByType.dm"),
        LegacyKey("session.resetByType.dm", "session.resetByType.direct", row: "session.maintenance.pruneDays, session.resetByType.dm"),
        LegacyKey("session.maintenance.rotateBytes", "remove it", row: "session.maintenance.rotateBytes, session.parentForkMaxTokens"),
        LegacyKey("session.parentForkMaxTokens", "remove it", row: "session.maintenance.rotateBytes, session.parentForkMaxTokens"),
        LegacyKey("session.threadBindings.ttlHours", "session.threadBindings.idleHours",
                  row: "session.threadBindings.ttlHours, channels.<id>.threadBindings.ttlHours"),
        LegacyKey("channels.*.threadBindings.ttlHours", "channels.<id>.threadBindings.idleHours",
                  row: "session.threadBindings.ttlHours, channels.<id>.threadBindings.ttlHours"),
        LegacyKey("routing.allowFrom", "channels.whatsapp.allowFrom", row: "routing.allowFrom"),
        LegacyKey("routing.groupChat.requireMention", "channels.<whatsapp|telegram|imessage>.groups.\"*\".requireMention",
                  row: "routing.groupChat.requireMention"),
        LegacyKey("routing.groupChat.historyLimit", "messages.groupChat.historyLimit", row: "routing.groupChat.historyLimit / mentionPatterns"),
        LegacyKey("routing.groupChat.mentionPatterns", "messages.groupChat.mentionPatterns", row: "routing.groupChat.historyLimit / mentionPatterns"),
        LegacyKey("channels.telegram.requireMention", "channels.telegram.groups.\"*\".requireMention", row: "channels.telegram.requireMention"),
        LegacyKey("channels.webchat", "remove it (WebChat is retired)", row: "channels.webchat, gateway.webchat"),
        LegacyKey("gateway.webchat", "remove it (WebChat is retired)", row: "channels.webchat, gateway.webchat"),
        LegacyKey("channels.feishu.accounts.*.botName", "channels.feishu.accounts.<id>.name", row: "channels.feishu.accounts.<id>.botName"),
        LegacyKey("talk.voiceId", "talk.provider and talk.providers.<provider>", row: "talk.voiceId/voiceAliases/modelId/outputFormat/apiKey"),
        LegacyKey("talk.voiceAliases", "talk.provider and talk.providers.<provider>", row: "talk.voiceId/voiceAliases/modelId/outputFormat/apiKey"),
        LegacyKey("talk.modelId", "talk.provider and talk.providers.<provider>", row: "talk.voiceId/voiceAliases/modelId/outputFormat/apiKey"),
        LegacyKey("talk.outputFormat", "talk.provider and talk.providers.<provider>", row: "talk.voiceId/voiceAliases/modelId/outputFormat/apiKey"),
        LegacyKey("talk.apiKey", "talk.provider and talk.providers.<provider>", row: "talk.voiceId/voiceAliases/modelId/outputFormat/apiKey"),
        LegacyKey("talk.mode", "talk.realtime", row: "talk.mode/transport/brain/model/voice"),
        LegacyKey("talk.transport", "talk.realtime", row: "talk.mode/transport/brain/model/voice"),
        LegacyKey("talk.brain", "talk.realtime", row: "talk.mode/transport/brain/model/voice"),
        LegacyKey("talk.model", "talk.realtime", row: "talk.mode/transport/brain/model/voice"),
        LegacyKey("talk.voice", "talk.realtime", row: "talk.mode/transport/brain/model/voice"),
        LegacyKey("messages.tts", "the top-level tts (tts.providers.<provider>)", row: "messages.tts (and messages.tts.<provider>)"),
        LegacyKey("messages.messagePrefix", "channels.whatsapp.responsePrefix", row: "messages.messagePrefix, channels.whatsapp.messagePrefix"),
        LegacyKey("channels.whatsapp.messagePrefix", "channels.whatsapp.responsePrefix", row: "messages.messagePrefix, channels.whatsapp.messagePrefix"),
        LegacyKey("channels.whatsapp.ackReaction", "messages.ackReaction and messages.ackReactionScope", row: "channels.whatsapp.ackReaction"),
        LegacyKey("web.enabled", "channels.whatsapp.enabled", row: "web.enabled"),
        LegacyKey("meta.lastTouchedAt", "remove it (kept in OpenClaw's shared SQLite state)",
                  row: "meta.lastTouchedAt (+ hook installs, cron store, bundled discovery, global TTS prefs path)"),
        LegacyKey("models.providers.*.api", "\"openai-completions\"", row: "models.providers.*.api: \"openai\"", value: .string("openai")),
        LegacyKey("browser.ssrfPolicy.allowPrivateNetwork", "browser.ssrfPolicy.dangerouslyAllowPrivateNetwork",
                  row: "browser.ssrfPolicy.allowPrivateNetwork"),
        LegacyKey("browser.ssrfPolicy.hostnameAllowlist", "browser.ssrfPolicy.allowedHostnames", row: "browser.ssrfPolicy.hostnameAllowlist"),
        LegacyKey("browser.relayBindHost", "remove it", row: "browser.relayBindHost"),
        LegacyKey("mcp.servers.*.type", "mcp.servers.<id>.transport", row: "mcp.servers.*.type / .disabled / connectTimeout,timeout / snake_case"),
        LegacyKey("mcp.servers.*.disabled", "mcp.servers.<id>.enabled", row: "mcp.servers.*.type / .disabled / connectTimeout,timeout / snake_case"),
        LegacyKey("mcp.servers.*.connectTimeout", "mcp.servers.<id>.connectionTimeoutMs",
                  row: "mcp.servers.*.type / .disabled / connectTimeout,timeout / snake_case"),
        LegacyKey("mcp.servers.*.timeout", "mcp.servers.<id>.requestTimeoutMs", row: "mcp.servers.*.type / .disabled / connectTimeout,timeout / snake_case"),
        LegacyKey("tools.media.image.models", "capability-tagged tools.media.models", row: "tools.media.image/audio/video.models"),
        LegacyKey("tools.media.audio.models", "capability-tagged tools.media.models", row: "tools.media.image/audio/video.models"),
        LegacyKey("tools.media.video.models", "capability-tagged tools.media.models", row: "tools.media.image/audio/video.models"),
        LegacyKey("tools.media.asyncCompletion", "remove it", row: "tools.media.asyncCompletion"),
        LegacyKey("tools.message.allowCrossContextSend", "tools.message.crossContext", row: "tools.message.allowCrossContextSend"),
        LegacyKey("tools.exec.timeoutSec", "tools.exec.timeoutSeconds", row: "tools.exec.timeoutSec"),
        LegacyKey("agents.defaults.pdfMaxBytesMb", "agents.defaults.pdfMaxMb", row: "agents.defaults.pdfMaxBytesMb"),
        LegacyKey("**.sandbox.browser.enableNoVnc", "...sandbox.browser.noVncEnabled", row: "sandbox browser enableNoVnc"),
        LegacyKey("media", "the top-level attachments", row: "root media"),
        LegacyKey("audit", "logging.audit", row: "root audit"),
        LegacyKey("channels.*.heartbeat", "channels.<id>.heartbeatVisibility", row: "channel/account heartbeat blocks"),
        LegacyKey("channels.*.accounts.*.heartbeat", "channels.<id>.accounts.<id>.heartbeatVisibility", row: "channel/account heartbeat blocks"),
        LegacyKey("channels.slack.identity", "channels.slack.postAs", row: "channels.slack.identity"),
        LegacyKey("gateway.nodes.skills.enabled", "gateway.nodes.allowSkills", row: "gateway.nodes.skills.enabled"),
        LegacyKey("gateway.nodes.allowCommands", "gateway.nodes.commands.allow", row: "gateway.nodes.allowCommands/denyCommands"),
        LegacyKey("gateway.nodes.denyCommands", "gateway.nodes.commands.deny", row: "gateway.nodes.allowCommands/denyCommands"),
        LegacyKey("cron.failureDestination", "the destination fields of cron.failureAlert", row: "cron.failureDestination"),
        LegacyKey("gateway.controlUi.chatMessageMaxWidth", "remove it", row: "gateway.controlUi.chatMessageMaxWidth, presentation-only ui.prefs"),
        LegacyKey("defaultModel", "agents.defaults.model", row: "top-level defaultModel"),
        LegacyKey("tui", "remove it", row: "top-level tui"),
        LegacyKey("commands.modelsWrite", "remove it", row: "commands.modelsWrite"),
        LegacyKey("agents.defaults.silentReplyRewrite", "remove it", row: "agents.defaults/list[].silentReplyRewrite, surfaces.*.silentReplyRewrite"),
        LegacyKey("agents.entries.*.silentReplyRewrite", "remove it", row: "agents.defaults/list[].silentReplyRewrite, surfaces.*.silentReplyRewrite"),
        LegacyKey("surfaces.*.silentReplyRewrite", "remove it", row: "agents.defaults/list[].silentReplyRewrite, surfaces.*.silentReplyRewrite"),
        LegacyKey("agents.defaults.systemPromptOverride", "remove it", row: "agents.defaults/list[].systemPromptOverride"),
        LegacyKey("agents.entries.*.systemPromptOverride", "remove it", row: "agents.defaults/list[].systemPromptOverride"),
        LegacyKey("agents.defaults.embeddedPi", "agents.defaults.embeddedAgent", row: "agents.defaults/list[].embeddedPi"),
        LegacyKey("agents.entries.*.embeddedPi", "agents.entries.<id>.embeddedAgent", row: "agents.defaults/list[].embeddedPi"),
        LegacyKey("agents.defaults.sandbox.perSession", "agents.defaults.sandbox.scope", row: "agents.defaults/list[].sandbox.perSession"),
        LegacyKey("agents.entries.*.sandbox.perSession", "agents.entries.<id>.sandbox.scope", row: "agents.defaults/list[].sandbox.perSession"),
        LegacyKey("agents.defaults.llm", "remove it (models.providers.<id>.timeoutSeconds)", row: "agents.defaults.llm"),
        LegacyKey("memorySearch", "memory.search", row: "top-level memorySearch, agents.defaults.memorySearch"),
        LegacyKey("agents.defaults.memorySearch", "memory.search", row: "top-level memorySearch, agents.defaults.memorySearch"),
        LegacyKey("agents.entries.*.memorySearch", "agents.entries.<id>.memory.search", row: "agents.entries.*.memorySearch"),
        LegacyKey("heartbeat", "agents.defaults.heartbeat or channels.defaults.heartbeat", row: "top-level heartbeat"),
        LegacyKey("tools.web.x_search.apiKey", "plugins.entries.xai.config.webSearch.apiKey", row: "tools.web.x_search.apiKey"),
        LegacyKey("plugins.entries.codex.config.codexDynamicToolsProfile", "remove it",
                  row: "plugins.entries.codex.config.codexDynamicToolsProfile"),
        LegacyKey("routing.queue", "remove it (no migration: a plain validation failure)", row: Self.preMultiAgentRow),
        LegacyKey("routing.bindings", "the top-level bindings", row: Self.preMultiAgentRow),
        LegacyKey("routing.agents", "agents.entries", row: Self.preMultiAgentRow),
        LegacyKey("routing.defaultAgentId", "remove it (no migration: a plain validation failure)", row: Self.preMultiAgentRow),
        LegacyKey("routing.transcribeAudio", "remove it (no migration: a plain validation failure)", row: Self.preMultiAgentRow),
        LegacyKey("agent", "agents.defaults", row: Self.preMultiAgentRow),
        LegacyKey("identity", "agents.entries.<id>.identity", row: Self.preMultiAgentRow),
    ]

    static let preMultiAgentRow =
        "routing.queue, routing.bindings, routing.agents/defaultAgentId, routing.transcribeAudio, top-level agent.*, top-level identity"

    /// Rows of the doctor table that name no config path fleet could match (a value inside a list,
    /// a family of keys, a condition on other keys). fleet renders none of them.
    public static let legacyRowsWithoutPath: [(row: String, why: String)] = [
        ("messages.responsePrefix with explicit channel blocks", "legacy only together with channel blocks; fleet renders no messages.*"),
        ("TTS speaker fields voice/voiceName/voiceId", "fields inside TTS provider blocks; fleet renders no TTS"),
        ("channels.<id>[.accounts.<id>].tts.<provider>, ...voice.tts.<provider>", "any provider name below tts; fleet renders no TTS"),
        ("memorySearch.provider: \"auto\"", "inside memorySearch, itself a legacy key above"),
        ("memorySearch.store.path (any level)", "inside memorySearch, itself a legacy key above"),
        ("plugins.openai-codex policy ids", "policy ids inside plugin settings; fleet renders no plugins"),
        ("runtime and channel tuning knobs", "a family without a list; fleet renders none of OpenClaw's tuning knobs"),
    ]
}
