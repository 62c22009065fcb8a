import OpenClawConfig

extension ManifestSchemas {
    /// `spec.providers` of a Bot or Fleet manifest: one optional entry per model provider fleet
    /// knows (``ModelProviders/known``), each with an `apiKey` kept encrypted like a channel token.
    static func providers(forBot: Bool) -> ObjectSchema {
        let what = forBot
            ? "Model provider API keys of this bot; each one replaces the Fleet manifest's key of that provider for this bot."
            : "Model provider API keys of every bot (a bot's own spec.providers entry replaces one)."
        return ObjectSchema(what + " Provider ids as OpenClaw names them; encrypt keys with `fleet secrets set`.",
                            ModelProviders.known.map { provider in
            Field(provider.id, .object(ObjectSchema("\(provider.displayName) credentials.", [
                Field("apiKey", .text, required: true,
                      "The \(provider.displayName) API key, encrypted (ENC[...]): fleet secrets set \(forBot ? "BOT" : "--fleet") providers.\(provider.id).apiKey. Rendered as models.providers.\(provider.id).apiKey, a file SecretRef."),
            ])), "\(provider.displayName) (models \(provider.id)/...).")
        })
    }
}
