import OpenClawConfig

/// `fleet import`: turns one OpenClaw config (one gateway, several agents) into one Bot manifest
/// per agent plus a Fleet manifest.
///
/// Channel accounts and bindings go to the agent they route to (an account no binding names goes
/// to the default agent); global settings fleet models go to the Fleet's `defaults`; keys fleet
/// does not model go to `spec.openclaw` untouched (the bot's for per-agent and per-account keys,
/// the Fleet's for global ones); model provider API keys of providers fleet knows go to the Fleet
/// manifest's `spec.providers`; every secret goes through ``ImportSecrets/seal(bot:field:value:)``,
/// which encrypts it with the primary key of `keys` (plain text only when no key is loaded).
/// The output is deterministic, but for the envelopes' random nonces.
public enum OpenClawImporter {
    /// Imports the JSON5 text of an OpenClaw config; `source` names it in the manifests' header.
    public static func run(_ text: String, source: String, fleetName: String = "imported",
                           keys: SecretKeys = SecretKeys()) throws(ImportError) -> ImportResult {
        let config: JSONValue
        do { config = try JSON5.parse(text) } catch { throw ImportError(message: "\(source): \(error)") }
        guard let root = config.objectValue else { throw ImportError(message: "\(source): the config is not an object") }
        var state = ImportState(root: root, fleetName: Slug.make(fleetName), secrets: ImportSecrets(keys: keys))
        state.readAgents()
        state.readChannels()
        state.assignOwners()
        state.buildChannels()
        state.buildBindings()
        state.buildGlobals()
        guard state.secrets.failures.isEmpty else {
            throw ImportError(message: "cannot encrypt: " + state.secrets.failures.joined(separator: "; ") + "; nothing was written")
        }
        return state.result(source: source)
    }
}

struct ImportState {
    let root: [String: JSONValue]
    let fleetName: String
    var bots: [BotDraft] = []
    var byOriginalId: [String: Int] = [:]
    var defaultBot = 0
    var accounts: [AccountDraft] = []
    var report: [String: [String]] = [:]
    var warnings: [String] = []
    var fleetDefaults: [(String, YAMLText)] = []
    var fleetSpec: [(String, YAMLText)] = []
    var fleetOpenclaw: JSONValue = .object([:])
    var gatewayFields: [(String, YAMLText)] = []
    /// Seals every secret written; counts what stays plain text.
    var secrets: ImportSecrets
    /// The Fleet manifest's `spec.providers` entries.
    var fleetProviders: [(String, YAMLText)] = []

    init(root: [String: JSONValue], fleetName: String, secrets: ImportSecrets) {
        self.root = root
        self.fleetName = fleetName
        self.secrets = secrets
    }

    mutating func note(_ path: String, _ destination: String) { report[path, default: []].append(destination) }

    // MARK: agents

    mutating func readAgents() {
        let agents = root["agents"]
        var entries: [(path: String, value: [String: JSONValue], id: String)] = []
        if let list = agents?["list"]?.arrayValue {
            for (i, entry) in list.enumerated() {
                let value = entry.objectValue ?? [:]
                entries.append(("agents.list[\(i)]", value, value["id"]?.stringValue ?? "main"))
            }
        } else if let keyed = agents?["entries"]?.objectValue {
            for id in keyed.keys.sorted() { entries.append(("agents.entries.\(id)", keyed[id]?.objectValue ?? [:], id)) }
        }
        if entries.isEmpty { entries = [("agents", [:], "main")] }
        let globalTools = root["tools"]
        for (path, value, id) in entries {
            var name = Slug.make(id)
            while bots.contains(where: { $0.name == name }) { name += "-2" }
            if name != id { warnings.append("agent '\(id)' becomes bot '\(name)' (bot names are lowercase slugs)") }
            var bot = BotDraft(name: name, originalId: id)
            let file = bot.file
            if value["id"] != nil { note("\(path).id", "\(file) metadata.name") }
            if let n = value["name"]?.stringValue {
                bot.displayName = n
                note("\(path).name", "\(file) spec.displayName")
            }
            if let model = value["model"] {
                if let m = model.stringValue ?? model["primary"]?.stringValue {
                    bot.model = m
                    note(model.stringValue != nil ? "\(path).model" : "\(path).model.primary", "\(file) spec.model")
                }
                if model.objectValue != nil {
                    for key in (model.objectValue ?? [:]).keys.sorted() where key != "primary" {
                        note("\(path).model.\(key)", "not imported: fleet renders the agent's model as one provider/model string")
                        warnings.append("\(path).model.\(key) is not imported (spec.model is one provider/model string)")
                    }
                }
            }
            for key in ["workspace", "agentDir"] where value[key] != nil {
                note("\(path).\(key)", "set by fleet: <stateRoot>/bots/\(name)/\(key == "workspace" ? "workspace" : "state")")
            }
            if value["default"] != nil { note("\(path).default", "set by fleet: each bot is the default agent of its own gateway") }
            if let identity = value["identity"]?.objectValue {
                for key in identity.keys.sorted() {
                    if key == "name" && bot.displayName == nil, let n = identity["name"]?.stringValue {
                        bot.displayName = n
                        note("\(path).identity.name", "\(file) spec.displayName")
                    } else if key == "name" {
                        note("\(path).identity.name", "set by fleet: identity.name is the displayName")
                    } else {
                        note("\(path).identity.\(key)", "not imported: fleet renders the identity from displayName and avatar")
                        warnings.append("\(path).identity.\(key) is not imported")
                    }
                }
            }
            if let tools = value["tools"] {
                let effective = (globalTools ?? .object([:])).merging(tools)
                let mapped = ImportMappers.tools(effective)
                bot.tools = mapped.fields
                if let rest = mapped.remainder { bot.openclaw = bot.openclaw.merging(.object(["tools": rest])) }
                note("\(path).tools", "\(file) spec.tools and spec.openclaw.tools (merged over the global tools)")
            }
            let handled: Set = ["id", "name", "model", "workspace", "agentDir", "default", "identity", "tools"]
            for key in value.keys.sorted() where !handled.contains(key) {
                if ConfigPathTable.openClaw.type(of: ["agents", "defaults", key]) != nil, let v = value[key] {
                    bot.openclaw = bot.openclaw.merging(.nested(["agents", "defaults", key], v))
                    note("\(path).\(key)", "\(file) spec.openclaw.agents.defaults.\(key) (the bot's gateway has this one agent)")
                } else {
                    note("\(path).\(key)", "not imported: no agents.defaults.\(key) in OpenClaw, and fleet renders agents.list itself")
                    warnings.append("\(path).\(key) is not imported")
                }
            }
            byOriginalId[id] = bots.count
            bots.append(bot)
        }
        defaultBot = entries.firstIndex { $0.value["default"]?.boolValue == true } ?? 0
    }

    // MARK: channels

    mutating func readChannels() {
        guard let channels = root["channels"]?.objectValue else { return }
        for type in channels.keys.sorted() {
            guard let section = channels[type]?.objectValue else { continue }
            guard ManifestSchemas.channelTypes.contains(type) else {
                let bot = bots[defaultBot]
                bots[defaultBot].openclaw = bots[defaultBot].openclaw.merging(.nested(["channels", type], .object(section)))
                note("channels.\(type)", "\(bot.file) spec.openclaw.channels.\(type) (a channel fleet does not model; kept with the default agent)")
                continue
            }
            accounts += ImportChannels.accounts(type: type, section: section)
        }
    }

    /// Whether a binding's `match` names this account exactly (a missing accountId means `default`).
    static func names(_ match: JSONValue, _ account: AccountDraft) -> Bool {
        guard match["channel"]?.stringValue == account.type else { return false }
        let id = match["accountId"]?.stringValue ?? "default"
        return id == account.originalId
    }

    var bindingList: [JSONValue] { root["bindings"]?.arrayValue ?? [] }

    /// The bot a binding routes to, when fleet can express the binding (a known agent, and only
    /// the match keys fleet bindings have).
    func bindingBot(_ binding: JSONValue) -> Int? {
        let known: Set = ["channel", "accountId", "peer", "guildId", "teamId"]
        guard binding["match"]?.objectValue?.keys.allSatisfy(known.contains) ?? false else { return nil }
        return binding["agentId"]?.stringValue.flatMap { byOriginalId[$0] }
    }

    /// Each account goes to the agent of the first binding naming it, else of the first `"*"`
    /// binding of its channel, else to the default agent.
    mutating func assignOwners() {
        for index in accounts.indices {
            let account = accounts[index]
            let exact = bindingList.first { b in bindingBot(b) != nil && b["match"].map { Self.names($0, account) } == true }
            let wildcard = bindingList.first { b in
                bindingBot(b) != nil && b["match"]?["channel"]?.stringValue == account.type && b["match"]?["accountId"]?.stringValue == "*"
            }
            let owner = (exact ?? wildcard).flatMap(bindingBot) ?? defaultBot
            accounts[index].owner = bots[owner].name
        }
    }

    mutating func buildChannels() {
        let sections = root["channels"]?.objectValue ?? [:]
        for account in accounts {
            guard let b = bots.firstIndex(where: { $0.name == account.owner }) else { continue }
            let section = sections[account.type]?.objectValue ?? [:]
            let (entry, raw) = ImportChannels.manifestEntry(account, bot: bots[b].name, index: bots[b].channels.count, section: section,
                                                            report: &report, warnings: &warnings, secrets: &secrets)
            bots[b].channels.append(entry)
            if let raw { bots[b].openclaw = bots[b].openclaw.merging(raw) }
            if account.id != account.originalId {
                warnings.append("\(account.type) account '\(account.originalId)' becomes '\(account.id)' (account ids are lowercase slugs)")
            }
            if account.path != "channels.\(account.type)" { note(account.path, "bots/\(bots[b].name).yaml spec.channels (account \(account.id))") }
        }
        // Channel-level keys fleet does not model go to every bot holding an account of that channel.
        for type in sections.keys.sorted() where ManifestSchemas.channelTypes.contains(type) {
            let section = sections[type]?.objectValue ?? [:]
            let holders = Set(accounts.filter { $0.type == type }.map(\.owner)).sorted()
            for key in section.keys.sorted() where key != "accounts" {
                guard let value = section[key], !ImportChannels.isModelled(type, key, value) else { continue }
                for name in holders.isEmpty ? [bots[defaultBot].name] : holders {
                    guard let b = bots.firstIndex(where: { $0.name == name }) else { continue }
                    bots[b].openclaw = bots[b].openclaw.merging(.nested(["channels", type, key], value))
                    note("channels.\(type).\(key)", "\(bots[b].file) spec.openclaw.channels.\(type).\(key)")
                }
            }
            if section["accounts"]?.objectValue?.isEmpty == true { note("channels.\(type).accounts", "not imported: no accounts") }
        }
    }

    // MARK: bindings

    mutating func buildBindings() {
        for (i, binding) in bindingList.enumerated() {
            let path = "bindings[\(i)]"
            guard let agent = binding["agentId"]?.stringValue, let b = byOriginalId[agent] else {
                note(path, "not imported: agentId '\(binding["agentId"]?.stringValue ?? "")' is not in agents")
                warnings.append("\(path) routes to an unknown agent; dropped")
                continue
            }
            let match = binding["match"] ?? .object([:])
            let channel = match["channel"]?.stringValue ?? ""
            let known: Set = ["channel", "accountId", "peer", "guildId", "teamId"]
            if let unknown = match.objectValue?.keys.filter({ !known.contains($0) }).sorted(), !unknown.isEmpty {
                note(path, "not imported: fleet bindings have no \(unknown.joined(separator: ", "))")
                warnings.append("\(path) matches on \(unknown.joined(separator: ", ")), which fleet bindings cannot express; dropped")
                continue
            }
            guard ManifestSchemas.channelTypes.contains(channel) else {
                note(path, "not imported: channel '\(channel)' is not one fleet models")
                warnings.append("\(path) is for channel '\(channel)'; dropped")
                continue
            }
            let accountId = match["accountId"]?.stringValue
            let bot = bots[b].name
            if accountId == "*" {
                guard accounts.contains(where: { $0.type == channel && $0.owner == bot }) else {
                    note(path, "not imported: bot \(bot) holds no \(channel) account")
                    warnings.append("\(path) routes every \(channel) account to \(bot), which holds none; dropped")
                    continue
                }
            } else {
                guard let account = accounts.first(where: { Self.names(match, $0) }) else {
                    note(path, "not imported: no \(channel) account '\(accountId ?? "default")' in channels")
                    warnings.append("\(path) names a \(channel) account that is not configured; dropped")
                    continue
                }
                guard account.owner == bot else {
                    note(path, "not imported: \(channel) account '\(account.originalId)' belongs to bot \(account.owner) (one gateway per account)")
                    warnings.append("\(path) routes \(channel)/\(account.originalId) to \(bot), but that account went to \(account.owner); dropped")
                    continue
                }
            }
            var fields: [(String, YAMLText)] = [("channel", .string(channel))]
            if let accountId {
                fields.append(("accountId", .string(accountId == "*" ? "*" : Slug.make(accountId))))
            }
            if let kind = match["peer"]?["kind"]?.stringValue, let id = match["peer"]?["id"]?.stringValue ?? match["peer"]?["id"]?.intValue.map(String.init) {
                fields.append(("peer", .mapping([("kind", .string(kind == "dm" ? "direct" : kind)), ("id", .string(id))])))
            }
            if let g = match["guildId"]?.stringValue { fields.append(("guildId", .string(g))) }
            if let t = match["teamId"]?.stringValue { fields.append(("teamId", .string(t))) }
            note(path, "bots/\(bot).yaml spec.bindings[\(bots[b].bindings.count)]")
            bots[b].bindings.append(.mapping(fields))
        }
    }

    // MARK: global keys

    mutating func buildGlobals() {
        for key in root.keys.sorted() {
            guard let value = root[key] else { continue }
            switch key {
            case "agents":
                for sub in (value.objectValue ?? [:]).keys.sorted() where sub != "list" && sub != "entries" {
                    guard sub == "defaults", let defaults = value["defaults"]?.objectValue else {
                        moveToFleet(["agents", sub], value[sub] ?? .null)
                        continue
                    }
                    for d in defaults.keys.sorted() {
                        guard let v = defaults[d] else { continue }
                        if d == "model", let m = v.stringValue ?? v["primary"]?.stringValue {
                            fleetDefaults.append(("model", .string(m)))
                            note("agents.defaults.model\(v.stringValue == nil ? ".primary" : "")", "fleet.yaml spec.defaults.model")
                            if var rest = v.objectValue {
                                rest["primary"] = nil
                                if !rest.isEmpty { moveToFleet(["agents", "defaults", "model"], .object(rest)) }
                            }
                        } else if d == "workspace" {
                            note("agents.defaults.workspace", "set by fleet: <stateRoot>/bots/<name>/workspace")
                        } else {
                            moveToFleet(["agents", "defaults", d], v)
                        }
                    }
                }
            case "channels", "bindings":
                continue
            case "gateway":
                buildGateway(value)
            case "models":
                buildModels(value)
            case "logging":
                for sub in (value.objectValue ?? [:]).keys.sorted() {
                    if sub == "file" { note("logging.file", "set by fleet: <stateRoot>/bots/<name>/logs/openclaw.log") } else { moveToFleet(["logging", sub], value[sub] ?? .null) }
                }
            case "session", "tools":
                let mapped = key == "session" ? ImportMappers.session(value) : ImportMappers.tools(value)
                if !mapped.fields.isEmpty { fleetDefaults.append((key, .mapping(mapped.fields))) }
                for rel in mapped.consumed {
                    note(ImportMappers.display(key, rel), "fleet.yaml spec.defaults.\(key).\(Self.field(for: rel))")
                }
                if let rest = mapped.remainder {
                    fleetOpenclaw = fleetOpenclaw.merging(.object([key: rest]))
                    for leaf in Self.leaves(rest) {
                        note(ImportMappers.display(key, leaf), "fleet.yaml spec.openclaw.\(key).\(leaf.joined(separator: "."))")
                    }
                }
            case "$include":
                note("$include", "not imported: fleet does not follow $include; import the included files' keys by hand")
                warnings.append("$include is not followed; merge the included files into the config first")
            default:
                moveToFleet([key], value)
            }
        }
    }

    /// The manifest field a mapped tools/session leaf became.
    static func field(for rel: [String]) -> String {
        switch rel.first {
        case "exec": return "bash"
        case "web", "media": return rel[0]
        default: return rel.joined(separator: ".")
        }
    }

    /// The leaf paths of an object (a non-object or empty object is its own leaf).
    static func leaves(_ value: JSONValue, _ prefix: [String] = []) -> [[String]] {
        guard let members = value.objectValue, !members.isEmpty else { return [prefix] }
        return members.keys.sorted().flatMap { key in leaves(members[key] ?? .null, prefix + [key]) }
    }

    mutating func moveToFleet(_ path: [String], _ value: JSONValue) {
        fleetOpenclaw = fleetOpenclaw.merging(.nested(path, value))
        note(ImportMappers.display("", path), "fleet.yaml spec.openclaw.\(path.joined(separator: "."))")
    }

    /// `models`: a literal `models.providers.<id>.apiKey` of a provider fleet knows goes, sealed, to
    /// the Fleet manifest's `spec.providers.<id>.apiKey` (every agent of the imported gateway used
    /// it); one of a provider fleet does not know is dropped with a warning, never copied in plain
    /// text. SecretRefs and `${VAR}` references hold no secret and stay; the rest of `models` goes
    /// to `spec.openclaw.models` untouched.
    mutating func buildModels(_ models: JSONValue) {
        var rest: JSONValue? = models
        let providers = models["providers"]?.objectValue ?? [:]
        for id in providers.keys.sorted() {
            guard let key = providers[id]?["apiKey"]?.stringValue, !key.isEmpty, !Self.isEnvReference(key) else { continue }
            let path = "models.providers.\(id).apiKey"
            rest = rest?.removing(["providers", id, "apiKey"])
            guard ModelProviders.provider(id) != nil else {
                note(path, "not imported: fleet keeps API keys only for the providers it knows (\(ModelProviders.ids.joined(separator: ", ")))")
                warnings.append("\(path) is not imported (fleet keeps keys only for providers it knows, and never in plain text in spec.openclaw); give it as an env SecretRef in spec.openclaw.models.providers.\(id).apiKey")
                continue
            }
            let sealed = secrets.seal(bot: SecretEnvelope.fleetScope, field: "providers.\(id).apiKey", value: key)
            fleetProviders.append((id, .mapping([("apiKey", .string(sealed))])))
            note(path, "fleet.yaml spec.providers.\(id).apiKey")
        }
        if let rest { moveToFleet(["models"], rest) }
    }

    /// `${VAR}` or `$VAR`: a reference to an environment variable, not a secret.
    static func isEnvReference(_ text: String) -> Bool {
        let name = text.hasPrefix("${") && text.hasSuffix("}") ? text.dropFirst(2).dropLast() : text.hasPrefix("$") ? text.dropFirst() : ""
        return !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
    }

    mutating func buildGateway(_ gateway: JSONValue) {
        for key in (gateway.objectValue ?? [:]).keys.sorted() {
            guard let v = gateway[key] else { continue }
            switch key {
            case "port":
                if let p = v.intValue, (1024...65_000).contains(p) {
                    fleetSpec.append(("basePort", .int(Int(p))))
                    note("gateway.port", "fleet.yaml spec.basePort (each bot gets its own port from there)")
                } else {
                    note("gateway.port", "set by fleet: ports are allocated from spec.basePort")
                }
            case "mode": note("gateway.mode", "set by fleet: local")
            case "auth": note("gateway.auth", "set by fleet: token auth with a token per bot (the old token and password are not copied)")
            case "bind", "customBindHost":
                if let s = v.stringValue, key == "customBindHost" || ManifestSchemas.binds.contains(s) {
                    if !(key == "bind" && s == "loopback") { gatewayFields.append((key, .string(s))) }
                    note("gateway.\(key)", "every bot's spec.gateway.\(key)")
                } else {
                    moveToFleet(["gateway", key], v)
                }
            case "reload":
                for sub in (v.objectValue ?? [:]).keys.sorted() {
                    if sub == "mode" { note("gateway.reload.mode", "set by fleet: hybrid") } else { moveToFleet(["gateway", "reload", sub], v[sub] ?? .null) }
                }
            default:
                moveToFleet(["gateway", key], v)
            }
        }
    }
}
