import OpenClawConfig

extension FleetValidator {
    /// W010: an enabled bot whose model's provider (one fleet can hold a key for) has no API key
    /// in its own manifest or in the Fleet manifest. The gateway starts without one and fails each
    /// reply with "No API key found for provider" (OpenClaw: src/agents/model-auth.ts), unless the
    /// host gives the key another way (an environment variable, an auth profile).
    ///
    /// Part of the credential checks of a load with keys (``FleetSession/load(_:keys:keysRequired:)``),
    /// with the secret audit, rather than of every manifest read.
    func providerKeyProblems() -> [Diagnostic] {
        ParallelMap.map(bots, providerKeyProblems).flatMap { $0 }
    }

    func providerKeyProblems(_ bot: BotManifest) -> [Diagnostic] {
        guard bot.enabled else { return [] }
        let model = bot.model ?? fleet.defaultModel
        guard let id = ModelProviders.providerId(ofModel: model), let provider = ModelProviders.provider(id),
              bot.providers[id] == nil, fleet.providerKeys[id] == nil else { return [] }
        let field = "providers.\(id).apiKey"
        return [Diagnostic(
            .missingProviderKey,
            "bot '\(bot.name)' uses model \(model) but no \(provider.displayName) API key is set (spec.\(field) in the Fleet or Bot manifest); its gateway cannot answer without one",
            at: location(bot, bot.model == nil ? ["metadata", "name"] : ["spec", "model"]),
            fix: "run: fleet secrets set --fleet \(field) (every bot), or: fleet secrets set \(bot.name) \(field) (this bot only)",
            bot: bot.name)]
    }
}
