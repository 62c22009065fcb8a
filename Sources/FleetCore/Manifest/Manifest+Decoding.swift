import FleetYAML
import OpenClawConfig

extension BotManifest {
    /// Builds a bot from a checked document (the schema guarantees the types).
    init?(_ node: TypedNode, origin: ManifestOrigin) {
        guard let name = node["metadata"]?["name"]?.string else { return nil }
        let spec = node["spec"] ?? TypedNode(.object([]), at: node.mark)
        self.name = name
        labels = Self.stringMap(node["metadata"]?["labels"])
        owners = node["metadata"]?["owners"]?.strings ?? []
        displayName = spec["displayName"]?.string
        enabled = spec["enabled"]?.bool ?? true
        suspend = spec["suspend"]?.bool ?? false
        model = spec["model"]?.string
        providers = Self.providerKeys(spec["providers"])
        systemPrompt = spec["systemPrompt"]?.string
        avatar = spec["avatar"]?.string
        gateway = GatewaySpec(spec["gateway"])
        session = spec["session"].map(SessionSpec.init)
        tools = spec["tools"].map(ToolsSpec.init)
        channels = spec["channels"]?.elements.enumerated().compactMap { ChannelSpec($1, index: $0) } ?? []
        bindings = spec["bindings"]?.elements.enumerated().compactMap { BindingSpec($1, index: $0) } ?? []
        resources = spec["resources"].map(ResourceSpec.init)
        openclaw = spec["openclaw"]?.json
        self.origin = origin
        self.node = node
    }

    /// `providers.<id>.apiKey` by provider id.
    static func providerKeys(_ node: TypedNode?) -> [String: String] {
        var out: [String: String] = [:]
        for m in node?.members ?? [] { out[m.key] = m.value["apiKey"]?.string }
        return out
    }

    static func stringMap(_ node: TypedNode?) -> [String: String] {
        var out: [String: String] = [:]
        for m in node?.members ?? [] { out[m.key] = m.value.string }
        return out
    }
}

extension GatewaySpec {
    init(_ node: TypedNode?) {
        if let port = node?["port"]?.int { self.port = .fixed(port) }
        if let bind = node?["bind"]?.string { self.bind = bind }
        customBindHost = node?["customBindHost"]?.string
    }
}

extension SessionSpec {
    init(_ node: TypedNode) {
        scope = node["scope"]?.string
        dmScope = node["dmScope"]?.string
        resetMode = node["reset"]?["mode"]?.string
        resetAtHour = node["reset"]?["atHour"]?.int
        resetIdleMinutes = node["reset"]?["idleMinutes"]?.int
    }
}

extension ResourceSpec {
    init(_ node: TypedNode) {
        self.init(requestsCPU: node["requests"]?["cpu"]?.string, requestsMemory: node["requests"]?["memory"]?.string,
                  limitsCPU: node["limits"]?["cpu"]?.string, limitsMemory: node["limits"]?["memory"]?.string)
    }
}

extension ToolsSpec {
    init(_ node: TypedNode) {
        profile = node["profile"]?.string
        bash = node["bash"]?.bool
        browser = node["browser"]?.bool
        web = node["web"]?.bool
        media = node["media"]?.bool
        allow = node["allow"]?.strings ?? []
        deny = node["deny"]?.strings ?? []
    }
}

extension ChannelSpec {
    init?(_ node: TypedNode, index: Int) {
        guard let type = node["type"]?.string else { return nil }
        self.type = type
        self.index = index
        accountId = node["accountId"]?.string ?? "default"
        enabled = node["enabled"]?.bool ?? true
        credentials = BotManifest.stringMap(node["credentials"])
        account = node["account"]?.string
        dmPolicy = node["dmPolicy"]?.string
        allowFrom = node["allowFrom"].map(\.strings)
        groupPolicy = node["groupPolicy"]?.string
        groupAllowFrom = node["groupAllowFrom"].map(\.strings)
        requireMention = node["requireMention"]?.bool
        guilds = node["guilds"].map(\.strings)
        mode = node["mode"]?.string
    }
}

extension BindingSpec {
    init?(_ node: TypedNode, index: Int) {
        guard let channel = node["channel"]?.string else { return nil }
        self.channel = channel
        self.index = index
        accountId = node["accountId"]?.string
        peerKind = node["peer"]?["kind"]?.string.map { $0 == "dm" ? "direct" : $0 }
        peerId = node["peer"]?["id"]?.string
        guildId = node["guildId"]?.string
        teamId = node["teamId"]?.string
        priority = node["priority"]?.int ?? 0
    }
}

extension FleetSettings {
    /// Builds settings from a checked Fleet document.
    init(_ node: TypedNode, origin: ManifestOrigin) {
        self.init()
        name = node["metadata"]?["name"]?.string ?? name
        labels = BotManifest.stringMap(node["metadata"]?["labels"])
        let spec = node["spec"] ?? TypedNode(.object([]), at: node.mark)
        stateRoot = spec["stateRoot"]?.string
        basePort = spec["basePort"]?.int ?? basePort
        portStride = spec["portStride"]?.int ?? portStride
        maxBots = spec["maxBots"]?.int ?? maxBots
        if let command = spec["gatewayCommand"]?.strings, !command.isEmpty { gatewayCommand = command }
        openclawVersion = OpenClawVersionSetting(spec["openclawVersion"]?.string)
        agentsForm = spec["agentsForm"]?.string
        suspend = spec["suspend"]?.bool ?? false
        requireSignedCommits = spec["requireSignedCommits"]?.bool ?? false
        allowPlaintextSecrets = spec["secrets"]?["allowPlaintext"]?.bool ?? false
        providerKeys = BotManifest.providerKeys(spec["providers"])
        func duration(_ n: TypedNode?) -> Duration? { n?.string.flatMap(Duration.parseFleetDuration) }
        reconcileInterval = duration(spec["reconcileInterval"]) ?? reconcileInterval
        let health = spec["health"]
        startTimeout = duration(health?["startTimeout"]) ?? startTimeout
        probeTimeout = duration(health?["probeTimeout"]) ?? probeTimeout
        stopGracePeriod = duration(health?["stopGracePeriod"]) ?? stopGracePeriod
        failureThreshold = health?["failureThreshold"]?.int ?? failureThreshold
        maxConcurrentStarts = spec["maxConcurrentStarts"]?.int
        let defaults = spec["defaults"]
        defaultModel = defaults?["model"]?.string ?? defaultModel
        defaultSession = defaults?["session"].map(SessionSpec.init)
        defaultTools = defaults?["tools"].map(ToolsSpec.init)
        hosts = spec["hosts"]?.elements.compactMap { h in
            guard let n = h["name"]?.string, let s = h["selector"]?.string else { return nil }
            return (n, s)
        } ?? []
        access = spec["access"]?.elements.compactMap { a in
            guard let user = a["user"]?.string, let role = a["role"]?.string.flatMap(ConsoleRole.init(rawValue:)) else { return nil }
            return AccessRule(user: user, role: role, bots: a["bots"]?.string, name: a["name"]?.string, email: a["email"]?.string)
        } ?? []
        kubernetesImage = spec["kubernetes"]?["image"]?.string ?? kubernetesImage
        kubernetesTag = spec["kubernetes"]?["tag"]?.string ?? kubernetesTag
        kubernetesNamespace = spec["kubernetes"]?["namespace"]?.string
        kubernetesStorage = spec["kubernetes"]?["storage"]?.string ?? kubernetesStorage
        kubernetesStorageClass = spec["kubernetes"]?["storageClass"]?.string
        kubernetesSecretStore = spec["kubernetes"]?["secretStore"]?.string ?? kubernetesSecretStore
        defaultResources = defaults?["resources"].map(ResourceSpec.init)
        openclaw = spec["openclaw"]?.json
        self.origin = origin
        self.node = node
    }
}
