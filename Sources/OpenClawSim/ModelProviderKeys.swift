import OpenClawConfig

/// The model provider API keys of a config, resolved the way OpenClaw does.
///
/// - SecretRefs in `models.providers.<id>.apiKey` are resolved eagerly when the config is
///   activated: at start-up an unresolvable one stops the gateway with
///   `Startup failed: required secrets are unavailable. <details>` (exit 1), on a reload the
///   change is rejected and the last good config stays (logged `[SECRETS_RELOADER_DEGRADED]`)
///   (OpenClaw: src/gateway/server.impl.ts `activateRuntimeSecrets`; docs/gateway/secrets.md
///   "Runtime model"). The details are OpenClaw's resolver messages (src/secrets/resolve.ts).
/// - A provider with no key at all does not stop start-up: each agent run fails with
///   `No API key found for provider "<id>". ...`, after auth profiles, the provider's environment
///   variables and `models.providers.<id>.apiKey` were tried in that order
///   (OpenClaw: src/agents/model-auth.ts `resolveApiKeyForProvider`). Auth profiles are not
///   modelled; the environment variables are OpenClaw's (src/secrets/provider-env-vars.ts).
struct ModelProviderKeys {
    /// Keys from `models.providers.<id>.apiKey`, by provider id.
    var configured: [String: String] = [:]

    /// Resolves every `models.providers.<id>.apiKey` of `config`; the error is OpenClaw's details text.
    static func resolve(_ config: JSONValue) throws(ModelKeyError) -> ModelProviderKeys {
        var keys = ModelProviderKeys()
        let providers = config["models"]?["providers"]?.objectValue ?? [:]
        for id in providers.keys.sorted() {
            guard let apiKey = providers[id]?["apiKey"] else { continue }
            switch apiKey {
            case .string(let literal):
                if !literal.isEmpty { keys.configured[id] = literal }
            case .object:
                keys.configured[id] = try resolveRef(apiKey, config: config)
            default:
                continue
            }
        }
        return keys
    }

    /// The key an agent run of provider `id` gets, or nil when OpenClaw would find none.
    func key(for id: String) -> String? {
        for name in ModelProviders.provider(id)?.envVars ?? [] {
            if let v = FileSystem.env(name)?.trimmed, !v.isEmpty { return v }
        }
        return configured[id]
    }

    /// The error of an agent run of `model` when its provider has no key (providers fleet does
    /// not know, such as local ones, are not modelled and pass).
    func missingKeyMessage(model: String, stateDir: String, agentId: String) -> String? {
        guard let id = ModelProviders.providerId(ofModel: model), ModelProviders.provider(id) != nil, key(for: id) == nil else { return nil }
        let agentDir = "\(stateDir)/agents/\(agentId)/agent"
        return "No API key found for provider \"\(id)\". Auth store: \(agentDir)/auth-profiles.json (agentDir: \(agentDir)). "
            + "Configure auth for this agent (openclaw agents add <id>) or copy auth-profiles.json from the main agentDir."
    }

    /// One SecretRef, with OpenClaw's messages (src/secrets/resolve.ts).
    private static func resolveRef(_ ref: JSONValue, config: JSONValue) throws(ModelKeyError) -> String {
        let source = ref["source"]?.stringValue ?? ""
        let name = ref["provider"]?.stringValue ?? ""
        let id = ref["id"]?.stringValue ?? ""
        let provider = config["secrets"]?["providers"]?[name]
        // An env ref to the default env provider needs no secrets.providers entry.
        if provider == nil, source == "env", name == "default" { return try env(id) }
        guard let provider else {
            throw ModelKeyError("SecretProviderResolutionError: Secret provider \"\(name)\" is not configured (ref: \(source):\(name):\(id)).")
        }
        let providerSource = provider["source"]?.stringValue ?? ""
        guard providerSource == source else {
            throw ModelKeyError("SecretProviderResolutionError: Secret provider \"\(name)\" has source \"\(providerSource)\" but ref requests \"\(source)\".")
        }
        switch source {
        case "env":
            return try env(id)
        case "file":
            let path = provider["path"]?.stringValue ?? ""
            let bytes: [UInt8]
            switch FileSystem.read(path) {
            case .success(let b): bytes = b
            case .failure:
                throw ModelKeyError("SecretProviderResolutionError: secrets.providers.\(name).path is not readable: \(path)")
            }
            var text = String(decoding: bytes, as: UTF8.self)
            if provider["mode"]?.stringValue == "singleValue" {
                guard id == "value" else {
                    throw ModelKeyError("SecretRefResolutionError: singleValue file provider \"\(name)\" expects ref id \"value\".")
                }
                if text.hasSuffix("\n") { text.removeLast() }
                if text.hasSuffix("\r") { text.removeLast() }
                return text
            }
            guard var node: JSONValue = try? JSON5.parse(text), node.objectValue != nil else {
                throw ModelKeyError("SecretProviderResolutionError: File provider \"\(name)\" payload is not a JSON object.")
            }
            for segment in id.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
                let key = SecretResolver.unescapePointerSegment(segment)
                guard let next = node[key] else {
                    throw ModelKeyError("SecretRefResolutionError: JSON pointer segment \"\(key)\" does not exist.")
                }
                node = next
            }
            guard let value = node.stringValue, !value.isEmpty else {
                throw ModelKeyError("SecretRefResolutionError: \(source):\(name):\(id) does not resolve to a non-empty string.")
            }
            return value
        default:
            throw ModelKeyError("SecretProviderResolutionError: \(source) SecretRefs are not supported by openclaw-sim (provider \"\(name)\").")
        }
    }

    private static func env(_ id: String) throws(ModelKeyError) -> String {
        guard let value = FileSystem.env(id), !value.isEmpty else {
            throw ModelKeyError("SecretRefResolutionError: Environment variable \"\(id)\" is missing or empty.")
        }
        return value
    }
}

/// Why a model provider key could not be resolved: OpenClaw's resolver message.
struct ModelKeyError: Error {
    var details: String

    init(_ details: String) {
        self.details = details
    }

    /// The start-up refusal (OpenClaw: src/gateway/server.impl.ts).
    // An unresolvable SecretRef at start-up is not a config refusal: server.impl.ts throws
    // "Startup failed: required secrets are unavailable", which run.ts prints after
    // "Gateway failed to start:" and exits 1 (OpenClaw: src/gateway/server.impl.ts, src/cli/gateway-cli/run.ts).
    var startup: StartupRefusal { StartupRefusal("Startup failed: required secrets are unavailable. \(details)", configClass: false) }
    /// The reload rejection logged while the last good config stays.
    var reload: StartupRefusal { StartupRefusal("[SECRETS_RELOADER_DEGRADED] \(details)") }
}
