import FoundationEssentials
import OpenClawConfig

/// Where the model providers' APIs are for `fleet check`: the real ones by default, a local mock
/// in tests (`FLEET_ANTHROPIC_API`, `FLEET_OPENAI_API`).
public struct ModelAPIEndpoints: Sendable, Hashable {
    /// Anthropic's API base (`https://api.anthropic.com`; the check calls `/v1/models`).
    public var anthropic: String
    /// OpenAI's API base (`https://api.openai.com`; the check calls `/v1/models`).
    public var openai: String

    /// The real providers.
    public static let real = ModelAPIEndpoints(anthropic: "https://api.anthropic.com", openai: "https://api.openai.com")

    /// Creates endpoints.
    public init(anthropic: String, openai: String) {
        self.anthropic = anthropic
        self.openai = openai
    }

    /// The real providers, each overridden by its environment variable when set.
    public static func from(environment: [String: String] = ProcessInfo.processInfo.environment) -> ModelAPIEndpoints {
        func pick(_ name: String, _ fallback: String) -> String {
            guard let v = environment[name], !v.isEmpty else { return fallback }
            return v.hasSuffix("/") ? String(v.dropLast()) : v
        }
        return ModelAPIEndpoints(anthropic: pick("FLEET_ANTHROPIC_API", real.anthropic), openai: pick("FLEET_OPENAI_API", real.openai))
    }
}

/// The verdict on one model provider key.
public struct ProviderKeyCheckResult: Sendable, Hashable, Codable {
    /// The bot whose own key it is, or ``SecretEnvelope/fleetScope`` for the Fleet manifest's.
    public var scope: String
    /// The provider id.
    public var provider: String
    /// The checked bots that use this key.
    public var bots: [String]
    /// The verdict (`skipped` for providers fleet has no check for).
    public var status: ChannelCheckResult.Status
    /// One friendly sentence (never contains the key).
    public var message: String
}

/// Asks Anthropic and OpenAI whether the model provider keys work (a models list, which costs
/// nothing): each distinct key once, the Fleet manifest's and each bot's own.
public struct ProviderKeyChecker: Sendable {
    /// API base URLs.
    public var endpoints: ModelAPIEndpoints
    /// Timeout of one call.
    public var timeout: Duration
    /// Opens a value (scope, field, raw) → plaintext; plain text passes through by default.
    public var opener: @Sendable (_ scope: String, _ field: String, _ raw: String) throws -> String

    /// Creates a checker.
    public init(endpoints: ModelAPIEndpoints = .from(), timeout: Duration = .seconds(10),
                opener: @escaping @Sendable (_ scope: String, _ field: String, _ raw: String) throws -> String = { _, _, raw in raw }) {
        self.endpoints = endpoints
        self.timeout = timeout
        self.opener = opener
    }

    /// The keys `bots` use (a bot's own key of a provider, else the Fleet's), each once, Fleet first.
    public static func keys(of bots: [BotManifest], fleet: FleetSettings) -> [(scope: String, provider: String, raw: String, bots: [String])] {
        var found: [String: (scope: String, provider: String, raw: String, bots: [String])] = [:]
        for bot in bots {
            for id in Set(fleet.providerKeys.keys).union(bot.providers.keys) {
                let own = bot.providers[id]
                guard let raw = own ?? fleet.providerKeys[id] else { continue }
                let scope = own == nil ? SecretEnvelope.fleetScope : bot.name
                found["\(scope)\u{0}\(id)", default: (scope, id, raw, [])].bots.append(bot.name)
            }
        }
        func order(_ k: (scope: String, provider: String, raw: String, bots: [String])) -> (Int, String, String) {
            (k.scope == SecretEnvelope.fleetScope ? 0 : 1, k.scope, k.provider)
        }
        return found.values.sorted { order($0) < order($1) }
    }

    /// Checks every key `bots` use.
    public func check(_ bots: [BotManifest], fleet: FleetSettings) -> [ProviderKeyCheckResult] {
        Self.keys(of: bots, fleet: fleet).map { check(scope: $0.scope, provider: $0.provider, raw: $0.raw, bots: $0.bots) }
    }

    /// Checks one key.
    public func check(scope: String, provider id: String, raw: String, bots: [String]) -> ProviderKeyCheckResult {
        var result = ProviderKeyCheckResult(scope: scope, provider: id, bots: bots, status: .skipped, message: "")
        let field = "providers.\(id).apiKey"
        let name = ModelProviders.provider(id)?.displayName ?? id
        let base: String
        var headers: [String: String]
        switch id {
        case "anthropic":
            // Anthropic's models list: x-api-key and anthropic-version (docs.anthropic.com, API reference, List Models).
            base = endpoints.anthropic
            headers = ["anthropic-version": "2023-06-01"]
        case "openai":
            // OpenAI's models list: a bearer token (platform.openai.com, API reference, Models).
            base = endpoints.openai
            headers = [:]
        default:
            result.message = "fleet has no key check for \(name); it checks Anthropic and OpenAI keys"
            return result
        }
        let key: String
        do {
            key = try opener(scope, field, raw)
        } catch {
            result.status = .error
            result.message = "cannot read \(field): \(error)"
            return result
        }
        guard !key.isEmpty else {
            result.status = .error
            result.message = "\(field) is empty; set it with: fleet secrets set \(SecretEnvelope.setArguments(scope, field: field))"
            return result
        }
        if id == "anthropic" { headers["x-api-key"] = key } else { headers["Authorization"] = "Bearer \(key)" }
        let answer = ProviderHTTP.send(method: "GET", url: "\(base)/v1/models?limit=1", headers: headers, timeout: timeout)
        let verdict = Self.verdict(id, name: name, answer, base: base, scope: scope, field: field)
        result.status = verdict.status
        // No message may carry the key, whatever a provider echoed.
        result.message = verdict.message.replacing(key, with: "<redacted>")
        return result
    }

    static func verdict(_ id: String, name: String, _ answer: Result<ProviderHTTP.Response, ProviderHTTP.Failure>, base: String,
                        scope: String, field: String) -> (status: ChannelCheckResult.Status, message: String) {
        let response: ProviderHTTP.Response
        switch answer {
        case .failure(.unreachable(let reason)):
            return (.unreachable, "could not reach \(name) at \(base) (\(reason)); check the network, a proxy, or the provider's status page")
        case .failure(.timeout):
            return (.unreachable, "\(name) at \(base) did not answer in time; check the network and try again")
        case .failure(.malformed(let reason)):
            return (.error, "unexpected answer from \(name) at \(base): \(reason)")
        case .success(let r):
            response = r
        }
        let json = try? JSON5.parse(String(decoding: response.body, as: UTF8.self))
        if response.status == 200, json?["data"]?.arrayValue != nil {
            return (.ok, "key works (\(name) lists its models)")
        }
        if response.status == 401 || response.status == 403 {
            // Only the error's type or code: OpenAI's message repeats part of the key.
            let kind = json?["error"]?["type"]?.stringValue ?? json?["error"]?["code"]?.stringValue ?? "unauthorized"
            let code = json?["error"]?["code"]?.stringValue.map { $0 == kind ? "" : ", \($0)" } ?? ""
            let console = id == "anthropic" ? "console.anthropic.com → Settings → API Keys" : "platform.openai.com → API keys"
            return (.rejected, "\(name) rejected the API key (\(response.status) \(kind)\(code)); create a key at \(console), "
                    + "then run: fleet secrets set \(SecretEnvelope.setArguments(scope, field: field))")
        }
        return (.error, "\(name) answered HTTP \(response.status) at \(base); try again later")
    }
}
