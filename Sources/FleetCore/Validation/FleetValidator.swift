import FleetYAML
import OpenClawConfig

/// The rules that span fields, bots and files: names, ports, bindings, policies, models.
struct FleetValidator {
    let fleet: FleetSettings
    let bots: [BotManifest]
    let fileExists: (@Sendable (String) -> Bool)?

    /// Ports each gateway may use above its base port (browser CDP up to control+108).
    static let derivedPortSpan = 108
    /// OpenClaw's limit on one workspace bootstrap file.
    static let bootstrapLimit = 20_000

    /// Credential fields each channel type takes.
    static let credentialFields: [String: [String]] = [
        "telegram": ["botToken"], "discord": ["token"], "slack": ["botToken", "appToken", "signingSecret"],
        "whatsapp": [], "signal": [],
    ]

    /// Short model names people write, and the full `provider/model` id.
    static let knownModels: [String: String] = [
        "sonnet": "anthropic/claude-sonnet-4-5", "sonnet-4-5": "anthropic/claude-sonnet-4-5",
        "claude-sonnet-4-5": "anthropic/claude-sonnet-4-5", "opus": "anthropic/claude-opus-4-1",
        "opus-4-1": "anthropic/claude-opus-4-1", "claude-opus-4-1": "anthropic/claude-opus-4-1",
        "haiku": "anthropic/claude-haiku-4-5", "haiku-4-5": "anthropic/claude-haiku-4-5",
        "claude-haiku-4-5": "anthropic/claude-haiku-4-5", "gpt-4o": "openai/gpt-4o", "gpt-4.1": "openai/gpt-4.1",
        "gpt-5": "openai/gpt-5", "gpt-4o-mini": "openai/gpt-4o-mini", "gemini-2.5-pro": "google/gemini-2.5-pro",
        "gemini-2.5-flash": "google/gemini-2.5-flash",
    ]

    func validate() -> [Diagnostic] {
        var out: [Diagnostic] = []
        out += duplicateNames()
        out += tooMany()
        out += portClashes()
        out += portRangeProblems()
        out += hostSelectorProblems()
        out += releaseProblems()
        out += accessProblems()
        if let node = fleet.node, let origin = fleet.origin {
            if let model = node["spec"]?["defaults"]?["model"] {
                out += modelProblems(model.string ?? "", at: SourceLocation(file: origin.file, mark: model.mark), bot: nil)
            }
        }
        if let raw = fleet.openclaw, let origin = fleet.origin {
            out += rawKeyProblems(raw, node: fleet.node?["spec"]?["openclaw"], file: origin.file, bot: nil, field: "spec.openclaw")
        }
        // Each bot's own rules: on every core for a large fleet (same order as the bots).
        for problems in ParallelMap.map(bots, validate) { out += problems }
        return out
    }

    func location(_ bot: BotManifest, _ path: [String], key: Bool = false) -> SourceLocation {
        var node = bot.node
        var mark = node.mark
        for (i, component) in path.enumerated() {
            if let index = Int(component), node.elements.indices.contains(index) {
                node = node.elements[index]
                mark = node.mark
            } else if let member = node.member(component) {
                node = member.value
                mark = (key && i == path.count - 1) ? member.keyMark : node.mark
            } else {
                break
            }
        }
        return SourceLocation(file: bot.origin.file, mark: mark)
    }

    private func duplicateNames() -> [Diagnostic] {
        var first: [String: ManifestOrigin] = [:]
        var out: [Diagnostic] = []
        for bot in bots {
            if let earlier = first[bot.name] {
                out.append(Diagnostic(
                    .duplicateBotName,
                    "bot name '\(bot.name)' is already used by \(earlier.file):\(earlier.line)",
                    at: location(bot, ["metadata", "name"]), fix: "give each bot a unique metadata.name", bot: bot.name))
            } else {
                first[bot.name] = bot.origin
            }
        }
        return out
    }

    private func tooMany() -> [Diagnostic] {
        let names = Set(bots.map(\.name))
        guard names.count > fleet.maxBots else { return [] }
        var at: SourceLocation?
        if let origin = fleet.origin, let node = fleet.node?["spec"]?["maxBots"] {
            at = SourceLocation(file: origin.file, mark: node.mark)
        } else if let origin = fleet.origin {
            at = SourceLocation(file: origin.file, line: origin.line, column: 1)
        }
        return [Diagnostic(
            .tooManyBots, "the fleet has \(names.count) bots; maxBots is \(fleet.maxBots)", at: at,
            fix: "raise spec.maxBots in the Fleet manifest (this host must have the ports and memory), or remove bots")]
    }

    private func portClashes() -> [Diagnostic] {
        let fixed = bots.compactMap { bot -> (BotManifest, Int)? in
            if case .fixed(let port) = bot.gateway.port { return (bot, port) }
            return nil
        }.sorted { ($0.1, $0.0.name) < ($1.1, $1.0.name) }
        var out: [Diagnostic] = []
        var reported = Set<String>()
        for (i, (bot, port)) in fixed.enumerated() {
            var j = i + 1
            while j < fixed.count, fixed[j].1 <= port + Self.derivedPortSpan {
                let (other, otherPort) = fixed[j]
                j += 1
                guard other.name != bot.name, reported.insert(other.name).inserted else { continue }
                let message = otherPort == port
                    ? "port \(otherPort) is also the port of bot '\(bot.name)' (\(bot.origin.file))"
                    : "port \(otherPort) falls inside bot '\(bot.name)''s range \(port)-\(port + Self.derivedPortSpan) (each gateway uses derived ports up to base+\(Self.derivedPortSpan))"
                out.append(Diagnostic(
                    .portClash, message, at: location(other, ["spec", "gateway", "port"]),
                    fix: "use port: auto, or a port at least \(fleet.portStride) away from every other bot's and outside \(port)-\(port + Self.derivedPortSpan), e.g. \(port + Self.derivedPortSpan + 1)",
                    bot: other.name))
            }
        }
        return out
    }

    private func modelProblems(_ model: String, at location: @autoclosure () -> SourceLocation, bot: String?) -> [Diagnostic] {
        let parts = model.split(separator: "/", maxSplits: 1)
        if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !model.contains(" ") { return [] }
        let fix = Self.knownModels[model.lowercased()].map { "write '\($0)'" }
            ?? "write provider/model, for example anthropic/claude-sonnet-4-5"
        return [Diagnostic(.modelFormat, "model '\(model)' is not in provider/model form", at: location(), fix: fix, bot: bot)]
    }

    private func validate(_ bot: BotManifest) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let name = bot.name
        if let model = bot.model {
            out += modelProblems(model, at: location(bot, ["spec", "model"]), bot: name)
        }
        if let prompt = bot.systemPrompt, prompt.count > Self.bootstrapLimit {
            out.append(Diagnostic(
                .longSystemPrompt,
                "systemPrompt is \(prompt.count) characters; OpenClaw truncates bootstrap files over \(Self.bootstrapLimit)",
                at: location(bot, ["spec", "systemPrompt"]), fix: "shorten it below \(Self.bootstrapLimit) characters", bot: name))
        }
        if bot.gateway.bind != "loopback" {
            out.append(Diagnostic(
                .exposedBind, "bind '\(bot.gateway.bind)' exposes the gateway beyond this host",
                at: location(bot, ["spec", "gateway", "bind"]),
                fix: "keep bind: loopback unless other hosts must reach it (fleet always sets token auth)", bot: name))
            if bot.gateway.bind == "custom" && bot.gateway.customBindHost == nil {
                out.append(Diagnostic(
                    .missingField, "bind 'custom' needs spec.gateway.customBindHost", at: location(bot, ["spec", "gateway", "bind"]),
                    fix: "add customBindHost: with the address to listen on", bot: name))
            }
        }
        if let avatar = bot.avatar, let fileExists, !fileExists(avatar) {
            out.append(Diagnostic(
                .missingAvatar, "avatar '\(avatar)' does not exist at this commit", at: location(bot, ["spec", "avatar"]),
                fix: "commit the image, or fix the path (it is relative to the repository root)", bot: name))
        }
        out += channelProblems(bot)
        out += bindingProblems(bot)
        if let raw = bot.openclaw {
            out += rawKeyProblems(raw, node: bot.node["spec"]?["openclaw"], file: bot.origin.file, bot: name,
                                  field: "spec.openclaw")
        }
        return out
    }

    /// Checks raw OpenClaw keys (`spec.openclaw`) as the target release's start-up does: unknown
    /// keys and wrong types (E040), legacy keys (E061, with the replacement `openclaw doctor`
    /// names). With `openclawVersion: auto` the release is not known until a plan asks the gateway:
    /// a key is unknown only when no supported release takes it, and a key that OpenClaw 2026.8
    /// and later refuse is a warning (W062); the plan checks again for the release it detects.
    func rawKeyProblems(_ raw: JSONValue, node: TypedNode?, file: String, bot: String?, field: String,
                        release: OpenClawRelease? = nil) -> [Diagnostic] {
        let target = release ?? pinnedRelease
        var issues: [(ConfigIssue, DiagnosticCode)] = []
        if let target {
            issues = OpenClawConfigCheck.issues(raw, release: target).map { issue in
                if case .legacyKey = issue.kind { return (issue, .openclawLegacyKey) }
                return (issue, .openclawKey)
            }
        } else {
            let old = OpenClawConfigCheck.issues(raw, release: OpenClawReleaseTable.oldestSupported)
            let new = OpenClawConfigCheck.issues(raw, release: OpenClawReleaseTable.newestKnown)
            for issue in new {
                if case .legacyKey = issue.kind {
                    issues.append((issue, .openclawLegacyKeyLater))
                } else if old.contains(issue) {
                    issues.append((issue, .openclawKey))
                }
            }
        }
        return issues.map { issue, code in
            let segments = issue.path.split(separator: ".").map(String.init)
            var mark = node?.mark
            var current = node
            for segment in segments {
                if let member = current?.member(segment) {
                    mark = member.keyMark
                    current = member.value
                } else if let index = Int(segment), let items = current?.elements, items.indices.contains(index) {
                    current = items[index]
                    mark = current?.mark
                } else {
                    break
                }
            }
            let location = mark.map { SourceLocation(file: file, mark: $0) } ?? SourceLocation(file: file)
            switch (code, issue.kind) {
            case (.openclawLegacyKey, .legacyKey(let replacement)):
                return Diagnostic(
                    .openclawLegacyKey, "\(field).\(issue.path): OpenClaw \(target?.description ?? "") refuses this legacy key at start-up",
                    at: location, fix: "use \(replacement) instead (what `openclaw doctor --fix` migrates it to)", bot: bot)
            case (.openclawLegacyKeyLater, .legacyKey(let replacement)):
                return Diagnostic(
                    .openclawLegacyKeyLater, "\(field).\(issue.path): OpenClaw 2026.8 and later refuse this legacy key at start-up",
                    at: location, fix: "use \(replacement) instead, or pin spec.openclawVersion to the 2026.4 release you run", bot: bot)
            default:
                return Diagnostic(
                    .openclawKey, "\(field): \(issue.message)", at: location,
                    fix: "check the key against OpenClaw's configuration reference (docs/openclaw-mapping.md lists what fleet renders)",
                    bot: bot)
            }
        }
    }

    /// The pinned, supported release of the Fleet manifest, if any.
    var pinnedRelease: OpenClawRelease? {
        guard case .pinned(let release) = fleet.openclawVersion, OpenClawReleaseTable.support(of: release) != .tooOld else { return nil }
        return release
    }

    /// `spec.openclawVersion` and the deprecated `spec.agentsForm`.
    private func releaseProblems() -> [Diagnostic] {
        guard let origin = fleet.origin, let spec = fleet.node?["spec"] else { return [] }
        var out: [Diagnostic] = []
        func at(_ key: String) -> SourceLocation { SourceLocation(file: origin.file, mark: spec[key]?.mark ?? spec.mark) }
        switch fleet.openclawVersion {
        case .auto:
            break
        case .invalid(let text):
            out.append(Diagnostic(
                .unsupportedOpenClawRelease, "spec.openclawVersion '\(text)' is not an OpenClaw release", at: at("openclawVersion"),
                fix: "write auto, or a release such as \(OpenClawReleaseTable.newestKnown) (YYYY.M.PATCH, as `openclaw --version` prints it)"))
        case .pinned(let release):
            switch OpenClawReleaseTable.support(of: release) {
            case .tooOld:
                out.append(Diagnostic(
                    .unsupportedOpenClawRelease,
                    "spec.openclawVersion \(release) is older than the releases fleet supports, \(OpenClawReleaseTable.supportedText)",
                    at: at("openclawVersion"), fix: "upgrade the gateways (npm install -g openclaw@latest) and pin a supported release, or write auto"))
            case .newerThanKnown:
                out.append(Diagnostic(
                    .newerOpenClawRelease,
                    "spec.openclawVersion \(release) is newer than the releases fleet knows (up to \(OpenClawReleaseTable.newestKnown)); fleet renders the \(OpenClawReleaseTable.newestKnown) form",
                    at: at("openclawVersion"), fix: "upgrade fleet, and check docs/compatibility.md for what changed"))
            case .supported:
                break
            }
        }
        if let form = fleet.agentsForm {
            out.append(Diagnostic(
                .deprecatedAgentsForm, "spec.agentsForm '\(form)' is deprecated and ignored: the OpenClaw release decides between agents.list and agents.entries",
                at: at("agentsForm"), fix: "remove agentsForm; to render for a release other than the detected one, set spec.openclawVersion"))
        }
        return out
    }

    private func channelProblems(_ bot: BotManifest) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen: [String: Int] = [:]
        for channel in bot.channels {
            let path = ["spec", "channels", String(channel.index)]
            if let first = seen[channel.key] {
                out.append(Diagnostic(
                    .duplicateChannelAccount,
                    "channel \(channel.type) account '\(channel.accountId)' is declared twice (first at channels[\(first)])",
                    at: location(bot, path), fix: "give each account of a channel its own accountId", bot: bot.name))
            } else {
                seen[channel.key] = channel.index
            }
            let allowed = Self.credentialFields[channel.type] ?? []
            for key in channel.credentials.keys.sorted() where !allowed.contains(key) {
                let uses = allowed.isEmpty ? "\(channel.type) takes no credentials here" : "\(channel.type) uses \(allowed.joined(separator: ", "))"
                out.append(Diagnostic(
                    .wrongCredential, "credential '\(key)' does not belong to a \(channel.type) channel; \(uses)",
                    at: location(bot, path + ["credentials", key], key: true),
                    fix: Suggestion.closest(to: key, in: allowed).map { "did you mean '\($0)'?" } ?? "remove it", bot: bot.name))
            }
            out += missingCredentials(bot, channel, path)
            if channel.dmPolicy == "open", !(channel.allowFrom ?? []).contains("*") {
                out.append(Diagnostic(
                    .openWithoutWildcard, "dmPolicy 'open' requires allowFrom to contain \"*\" (OpenClaw refuses the config otherwise)",
                    at: location(bot, path + ["dmPolicy"]),
                    fix: "add allowFrom: [\"*\"], or use dmPolicy: allowlist with the sender ids", bot: bot.name))
            }
            if channel.groupAllowFrom != nil, ["discord", "slack"].contains(channel.type) {
                out.append(Diagnostic(
                    .unknownField, "'groupAllowFrom' is not supported for \(channel.type) channels by OpenClaw",
                    at: location(bot, path + ["groupAllowFrom"], key: true),
                    fix: "remove it (use groupPolicy, and guilds for discord)", bot: bot.name))
            }
            if channel.guilds != nil, channel.type != "discord" {
                out.append(Diagnostic(.unknownField, "'guilds' applies only to discord channels",
                                      at: location(bot, path + ["guilds"], key: true), fix: "remove it", bot: bot.name))
            }
            if channel.mode != nil, channel.type != "slack" {
                out.append(Diagnostic(.unknownField, "'mode' applies only to slack channels",
                                      at: location(bot, path + ["mode"], key: true), fix: "remove it", bot: bot.name))
            }
            if channel.account != nil, channel.type != "signal" {
                out.append(Diagnostic(.unknownField, "'account' applies only to signal channels",
                                      at: location(bot, path + ["account"], key: true), fix: "remove it", bot: bot.name))
            }
        }
        return out
    }

    private func missingCredentials(_ bot: BotManifest, _ channel: ChannelSpec, _ path: [String]) -> [Diagnostic] {
        var needed: [String] = []
        switch channel.type {
        case "telegram": needed = ["botToken"]
        case "discord": needed = ["token"]
        case "slack": needed = ["botToken", channel.mode == "http" ? "signingSecret" : "appToken"]
        case "signal":
            if channel.account == nil {
                return [Diagnostic(.missingField, "a signal channel needs 'account' (the bot's phone number)",
                                   at: location(bot, path), fix: "add account: \"+15551234567\"", bot: bot.name)]
            }
        default: break
        }
        guard channel.enabled else { return [] }
        return needed.filter { channel.credentials[$0] == nil }.map { key in
            Diagnostic(.missingCredential, "\(channel.type) account '\(channel.accountId)' needs credentials.\(key)",
                       at: location(bot, path), fix: "run: fleet secrets set \(bot.name) channels.\(channel.type).\(channel.accountId).\(key)",
                       bot: bot.name)
        }
    }

    private func bindingProblems(_ bot: BotManifest) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen: [String: Int] = [:]
        for binding in bot.bindings {
            let path = ["spec", "bindings", String(binding.index)]
            let accounts = bot.channels.filter { $0.type == binding.channel }.map(\.accountId)
            if accounts.isEmpty {
                out.append(Diagnostic(
                    .bindingUnknownChannel, "binding to channel '\(binding.channel)', which this bot does not declare",
                    at: location(bot, path + ["channel"]), fix: "add a \(binding.channel) entry to spec.channels, or remove the binding",
                    bot: bot.name))
            } else if let account = binding.accountId, account != "*", !accounts.contains(account) {
                out.append(Diagnostic(
                    .bindingUnknownChannel, "binding to \(binding.channel) account '\(account)', which this bot does not declare",
                    at: location(bot, path + ["accountId"]),
                    fix: "use one of: \(accounts.joined(separator: ", ")), or \"*\"", bot: bot.name))
            }
            let key = [binding.channel, binding.accountId ?? "", binding.peerKind ?? "", binding.peerId ?? "",
                       binding.guildId ?? "", binding.teamId ?? "", String(binding.priority)].joined(separator: "\u{1F}")
            if let first = seen[key] {
                out.append(Diagnostic(
                    .duplicateBinding, "binding repeats bindings[\(first)] (same match and priority)",
                    at: location(bot, path), fix: "remove one of them, or give them different priorities", bot: bot.name))
            } else {
                seen[key] = binding.index
            }
        }
        return out
    }
}
