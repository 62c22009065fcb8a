import OpenClawConfig

extension Renderer {
    /// `models.providers`: each model provider key of the bot (its own `spec.providers` entry,
    /// else the Fleet manifest's) as a file SecretRef to a 0600 file in the bot's `secrets/`.
    ///
    /// OpenClaw's 2026.4.27 schema requires `baseUrl` and `models` on every `models.providers`
    /// entry, so each entry carries the provider's built-in base URL and `models: []`: with no
    /// models of its own the entry only overlays the built-in provider (the catalog and its
    /// models stay; `models.mode` stays at its default, `merge`), and OpenClaw reads the key from
    /// `models.providers.<id>.apiKey` after auth profiles and environment variables
    /// (OpenClaw: src/agents/model-auth.ts `resolveApiKeyForProvider`; src/agents/models-config.ts;
    /// docs/gateway/secrets.md "File-backed API keys"). `spec.openclaw` may still override
    /// `baseUrl` or add models: it is merged over this.
    func modelsConfig(_ bot: BotManifest, layout: RenderLayout, secrets: inout [SecretFile]) throws -> JSONValue? {
        var keys: [String: (scope: String, raw: String)] = [:]
        for (id, raw) in fleet.providerKeys { keys[id] = (SecretEnvelope.fleetScope, raw) }
        for (id, raw) in bot.providers { keys[id] = (bot.name, raw) }
        var providers: [String: JSONValue] = [:]
        for id in keys.keys.sorted() {
            guard let (scope, raw) = keys[id], let provider = ModelProviders.provider(id) else { continue }
            let field = "providers.\(id).apiKey"
            let file = "model-\(id)-apiKey"
            secrets.append(SecretFile(name: file, field: field, value: try openSecret(scope, field, raw)))
            providers[id] = .object([
                "baseUrl": .string(provider.defaultBaseUrl),
                "models": .array([]),
                "apiKey": .object(["source": "file", "provider": .string(Self.providerName(file)), "id": "value"]),
            ])
        }
        return providers.isEmpty ? nil : .object(["providers": .object(providers)])
    }
}
