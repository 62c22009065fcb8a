/// A model provider OpenClaw knows by id, with the environment variables it reads the key from
/// and the base URL its built-in models use.
public struct ModelProvider: Sendable, Hashable {
    /// OpenClaw's provider id: the `provider` of `provider/model`, the key of `models.providers`.
    public var id: String
    /// The name people know it by.
    public var displayName: String
    /// The environment variables OpenClaw reads the key from, in order.
    public var envVars: [String]
    /// The base URL of the provider's built-in models.
    public var defaultBaseUrl: String

    /// Creates a provider.
    public init(id: String, displayName: String, envVars: [String], defaultBaseUrl: String) {
        self.id = id
        self.displayName = displayName
        self.envVars = envVars
        self.defaultBaseUrl = defaultBaseUrl
    }
}

/// The model providers fleet can hold an API key for.
///
/// The ids and environment variables are OpenClaw's own
/// (OpenClaw: src/secrets/provider-env-vars.ts, `PROVIDER_ENV_VARS`, read by
/// src/agents/model-auth.ts `resolveEnvApiKey`). A key in `models.providers.<id>.apiKey` needs a
/// `baseUrl` (OpenClaw's 2026.4.27 schema requires it), and a `baseUrl` on a provider entry with
/// no models of its own overrides the base URL of the provider's built-in models (pi-mono:
/// packages/coding-agent/src/core/model-registry.ts, "override-only" provider configs). So the
/// table carries each provider's built-in base URL, from the pi-ai catalog OpenClaw ships
/// (pi-mono: packages/ai/src/models.generated.ts); providers whose built-in models use more than
/// one base URL (opencode, ...) or none fleet could cite are left out: their keys go in
/// `spec.openclaw` by hand.
public enum ModelProviders {
    /// Every provider fleet knows, in OpenClaw's order.
    public static let known: [ModelProvider] = [
        ModelProvider(id: "openai", displayName: "OpenAI", envVars: ["OPENAI_API_KEY"], defaultBaseUrl: "https://api.openai.com/v1"),
        ModelProvider(id: "anthropic", displayName: "Anthropic", envVars: ["ANTHROPIC_API_KEY"], defaultBaseUrl: "https://api.anthropic.com"),
        ModelProvider(id: "google", displayName: "Google Gemini", envVars: ["GEMINI_API_KEY"],
                      defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta"),
        ModelProvider(id: "minimax", displayName: "MiniMax", envVars: ["MINIMAX_API_KEY"], defaultBaseUrl: "https://api.minimax.io/anthropic"),
        ModelProvider(id: "minimax-cn", displayName: "MiniMax (China)", envVars: ["MINIMAX_API_KEY"],
                      defaultBaseUrl: "https://api.minimaxi.com/anthropic"),
        ModelProvider(id: "kimi-coding", displayName: "Kimi Coding", envVars: ["KIMI_API_KEY", "KIMICODE_API_KEY"],
                      defaultBaseUrl: "https://api.kimi.com/coding"),
        ModelProvider(id: "zai", displayName: "Z.AI", envVars: ["ZAI_API_KEY", "Z_AI_API_KEY"],
                      defaultBaseUrl: "https://api.z.ai/api/coding/paas/v4"),
        ModelProvider(id: "openrouter", displayName: "OpenRouter", envVars: ["OPENROUTER_API_KEY"], defaultBaseUrl: "https://openrouter.ai/api/v1"),
        ModelProvider(id: "vercel-ai-gateway", displayName: "Vercel AI Gateway", envVars: ["AI_GATEWAY_API_KEY"],
                      defaultBaseUrl: "https://ai-gateway.vercel.sh"),
        ModelProvider(id: "huggingface", displayName: "Hugging Face", envVars: ["HUGGINGFACE_HUB_TOKEN", "HF_TOKEN"],
                      defaultBaseUrl: "https://router.huggingface.co/v1"),
        ModelProvider(id: "xai", displayName: "xAI", envVars: ["XAI_API_KEY"], defaultBaseUrl: "https://api.x.ai/v1"),
        ModelProvider(id: "mistral", displayName: "Mistral", envVars: ["MISTRAL_API_KEY"], defaultBaseUrl: "https://api.mistral.ai"),
    ]

    /// The ids of ``known``.
    public static var ids: [String] { known.map(\.id) }

    /// The provider with id `id`.
    public static func provider(_ id: String) -> ModelProvider? { known.first { $0.id == id } }

    /// The provider id of a `provider/model` reference (`anthropic` for `anthropic/claude-sonnet-4-5`).
    public static func providerId(ofModel model: String) -> String? {
        guard let slash = model.firstIndex(of: "/"), slash != model.startIndex else { return nil }
        return String(model[..<slash])
    }
}
