/// The definitions of `kind: Bot` and `kind: Fleet`, in OpenClaw's vocabulary.
public enum ManifestSchemas {
    /// The only API version this release reads.
    public static let apiVersion = "fleet/v1"

    /// Channel types fleet renders.
    public static let channelTypes = ["telegram", "discord", "slack", "whatsapp", "signal"]
    /// OpenClaw's DM policies.
    public static let dmPolicies = ["pairing", "allowlist", "open", "disabled"]
    /// OpenClaw's group policies.
    public static let groupPolicies = ["allowlist", "open", "disabled"]
    /// OpenClaw's bind modes.
    public static let binds = ["loopback", "lan", "tailnet", "auto", "custom"]
    /// Words from the original product idea and their OpenClaw spelling.
    public static let policyAliases = ["all": "open", "none": "disabled", "everyone": "open", "off": "disabled", "nobody": "disabled"]

    static let apiVersionField = Field(
        "apiVersion", .enumeration([apiVersion]), required: true, "The manifest format version: fleet/v1.")

    static let labels = Field(
        "labels", .map(.string(StringRule(format: .label, maxLength: 63))),
        "Free key/value labels; host selectors (`--selector`) match on them.")

    /// `kind: Bot`.
    public static let bot = ObjectSchema("One OpenClaw bot: one gateway process with one agent.", [
        apiVersionField,
        Field("kind", .enumeration(["Bot"]), required: true, "Bot."),
        Field("metadata", .object(ObjectSchema("Who the bot is.", [
            Field("name", .string(StringRule(format: .slug, maxLength: 63)), required: true,
                  "The bot's name and OpenClaw agentId: a lowercase slug of at most 63 characters, unique in the fleet."),
            labels,
            Field("owners", .array(.text),
                  "People or teams (`@org/team`) who review changes to this bot; `fleet codeowners` writes them to CODEOWNERS."),
        ])), required: true, "Name, labels and owners."),
        Field("spec", .object(botSpec), required: true, "The desired state of the bot."),
    ])

    static let botSpec = ObjectSchema("The desired state of the bot.", [
        Field("displayName", .text, "The agent's display name (agents.list[].name)."),
        Field("enabled", .boolean, default: "true", "false stops the gateway and keeps its data."),
        Field("suspend", .boolean, default: "false", "true freezes the bot: fleet neither starts, stops nor restarts it."),
        Field("model", .text, "The model in provider/model form, e.g. anthropic/claude-sonnet-4-5. Defaults to the Fleet's."),
        Field("providers", .object(providers(forBot: true)),
              "Model provider API keys for this bot (encrypted); each replaces the Fleet's key of that provider."),
        Field("systemPrompt", .text, "The system prompt, written to the workspace's AGENTS.md."),
        Field("avatar", .text, "A path in the repository to an image, copied into the workspace."),
        Field("gateway", .object(gateway), "The gateway's network settings."),
        Field("session", .object(session), "How conversations map to sessions. Defaults to the Fleet's."),
        Field("tools", .object(tools), "Which tools the agent may use. Defaults to the Fleet's."),
        Field("channels", .array(.object(channel)), "The chat channels the bot listens on."),
        Field("bindings", .array(.object(binding)), "Which conversations route to this bot's agent."),
        Field("resources", .object(resources),
              "CPU and memory of the gateway container when rendered for Kubernetes; each value defaults to the Fleet's defaults.resources."),
        Field("openclaw", .any(description: "Raw OpenClaw config keys deep-merged over the rendering."),
              "Raw OpenClaw config keys, deep-merged over what fleet renders; checked against OpenClaw's config paths."),
    ])

    static let resourceAmounts = ObjectSchema("CPU and memory in Kubernetes quantities.", [
        Field("cpu", .string(StringRule(format: .quantity)), "CPU: cores or millicores, e.g. 250m, 1."),
        Field("memory", .string(StringRule(format: .quantity)), "Memory in bytes with a suffix, e.g. 512Mi, 1Gi."),
    ])

    static let resources = ObjectSchema("Resource requests and limits (fleet render --target kubernetes).", [
        Field("requests", .object(resourceAmounts), "What the scheduler reserves for the gateway."),
        Field("limits", .object(resourceAmounts), "The most the gateway may use."),
    ])

    static let gateway = ObjectSchema("The gateway's network settings.", [
        Field("port", .oneOf([.enumeration(["auto"]), .integer(min: 1024, max: 65_000)]), default: "auto",
              "auto (allocated from the Fleet's basePort by portStride, kept across applies) or a fixed port."),
        Field("bind", .enumeration(binds), default: "loopback",
              "Where the gateway listens: loopback keeps it on this host."),
        Field("customBindHost", .text, "The address to bind when bind is custom."),
    ])

    static let session = ObjectSchema("How conversations map to sessions.", [
        Field("scope", .enumeration(["per-sender", "global"]), "per-sender: one session per sender; global: one for all."),
        Field("dmScope", .enumeration(["main", "per-peer", "per-channel-peer", "per-account-channel-peer"]),
              "How direct messages are keyed into sessions."),
        Field("reset", .object(ObjectSchema("When sessions start afresh.", [
            Field("mode", .enumeration(["daily", "idle"]), "daily at atHour, or after idleMinutes without messages."),
            Field("atHour", .integer(min: 0, max: 23), "Hour of day (0-23, gateway host time) for daily resets."),
            Field("idleMinutes", .integer(min: 1, max: 525_600), "Minutes of silence before an idle reset."),
        ])), "When sessions start afresh."),
    ])

    static let tools = ObjectSchema("Which tools the agent may use.", [
        Field("profile", .enumeration(["minimal", "coding", "messaging", "full"]), "OpenClaw's base tool profile."),
        Field("bash", .boolean, "Shell commands (OpenClaw's exec tool)."),
        Field("browser", .boolean, "The browser tool."),
        Field("web", .boolean, "Web search and fetch."),
        Field("media", .boolean, "Image, audio and video understanding."),
        Field("allow", .array(.text), "Extra tool names to allow."),
        Field("deny", .array(.text), "Tool names to deny."),
    ])

    static let credentials = ObjectSchema("Channel secrets; encrypt them with `fleet secrets encrypt`.", [
        Field("botToken", .text, "Telegram or Slack bot token."),
        Field("token", .text, "Discord bot token."),
        Field("appToken", .text, "Slack app-level token (socket mode)."),
        Field("signingSecret", .text, "Slack signing secret (HTTP mode)."),
    ])

    static let channel = ObjectSchema("One channel account the bot listens on.", [
        Field("type", .enumeration(channelTypes), required: true, "The channel."),
        Field("accountId", .string(StringRule(format: .slug, maxLength: 63)), default: "default",
              "The account id within the channel (several accounts of one channel need distinct ids)."),
        Field("enabled", .boolean, default: "true", "false keeps the account configured but not started."),
        Field("credentials", .object(credentials), "The channel's secrets."),
        Field("account", .text, "Signal: the phone number of the account."),
        Field("dmPolicy", .enumeration(dmPolicies, aliases: policyAliases), default: "pairing",
              "Who may message the bot directly: pairing (approve each sender), allowlist, open (needs allowFrom: [\"*\"]), disabled."),
        Field("allowFrom", .array(.text), "Sender ids allowed to DM the bot (\"*\" for everyone)."),
        Field("groupPolicy", .enumeration(groupPolicies, aliases: policyAliases), default: "allowlist",
              "Which groups the bot answers in."),
        Field("groupAllowFrom", .array(.text), "Senders allowed in groups."),
        Field("requireMention", .boolean, "In groups, answer only when mentioned."),
        Field("guilds", .array(.text), "Discord: guild (server) ids the bot serves."),
        Field("mode", .enumeration(["socket", "http"]), "Slack: socket mode (appToken) or HTTP mode (signingSecret)."),
    ])

    static let binding = ObjectSchema("A routing rule: which conversations reach this bot's agent.", [
        Field("channel", .enumeration(channelTypes), required: true, "The channel to match."),
        Field("accountId", .text, "The account to match (\"*\" for any)."),
        Field("peer", .object(ObjectSchema("A specific conversation.", [
            Field("kind", .enumeration(["direct", "group", "channel"], aliases: ["dm": "direct"]), required: true,
                  "direct, group or channel."),
            Field("id", .text, required: true, "The peer's id."),
        ])), "Match one conversation."),
        Field("guildId", .text, "Discord guild to match."),
        Field("teamId", .text, "Slack team to match."),
        Field("priority", .integer(min: 0, max: 1_000_000), default: "0",
              "Higher priorities are listed first in the rendered bindings."),
    ])

    /// `kind: Fleet`.
    public static let fleet = ObjectSchema("Fleet-wide settings; at most one per repository.", [
        apiVersionField,
        Field("kind", .enumeration(["Fleet"]), required: true, "Fleet."),
        Field("metadata", .object(ObjectSchema("The fleet's name.", [
            Field("name", .string(StringRule(format: .slug, maxLength: 63)), required: true, "The fleet's name."),
            labels,
        ])), required: true, "The fleet's name."),
        Field("spec", .object(fleetSpec), required: true, "Fleet-wide settings."),
    ])

    static let fleetSpec = ObjectSchema("Fleet-wide settings.", [
        Field("stateRoot", .text, "Where per-bot directories live (OPENCLAW_BASE_PATH overrides it on a host)."),
        Field("basePort", .integer(min: 1024, max: 65_000), default: "18789",
              "The first gateway port (OPENCLAW_BASE_PORT overrides it). Keep every bot's ports below 32768, the kernel's ephemeral range (W006)."),
        Field("portStride", .integer(min: 20, max: 1000), default: "20",
              "Ports between two bots; at least 20, since each gateway uses derived ports up to base+108 when its browser tools run."),
        Field("maxBots", .integer(min: 1, max: 10_000), default: "50",
              "The most bots this fleet may hold (OPENCLAW_MAX_BOTS overrides it)."),
        Field("gatewayCommand", .array(.text), default: "[openclaw, gateway, run]",
              "The gateway command; resolved beside the fleet binary, then on PATH."),
        Field("openclawVersion", .text, default: "auto",
              "The OpenClaw release the gateways run: auto (fleet runs `<gatewayCommand> --version` once per plan) or a release such as 2026.9.6. fleet renders and launches for that release (docs/compatibility.md); releases before 2026.4 are refused."),
        Field("agentsForm", .enumeration(["list", "entries"]),
              "Deprecated and ignored (warning W061): the OpenClaw release decides between agents.list and agents.entries; use openclawVersion."),
        Field("suspend", .boolean, default: "false", "true freezes every bot."),
        Field("requireSignedCommits", .boolean, default: "false",
              "The daemon applies only commits signed by an allowed signer."),
        Field("reconcileInterval", .string(StringRule(format: .duration)), default: "30s",
              "How often the daemon reconciles."),
        Field("secrets", .object(ObjectSchema("How credentials in manifests are treated (docs/secrets.md).", [
            Field("allowPlaintext", .boolean, default: "false",
                  "Accept plain-text credentials with one warning (W005) instead of an error (E050): for tests and throwaway fleets, never for real tokens."),
        ])), "How credentials in manifests are treated."),
        Field("providers", .object(providers(forBot: false)),
              "Model provider API keys (encrypted) for every bot, e.g. providers.anthropic.apiKey; a Bot manifest's own entry wins."),
        Field("health", .object(ObjectSchema("Health-check timings.", [
            Field("startTimeout", .string(StringRule(format: .duration)), default: "120s",
                  "How long a starting gateway has to answer /healthz (a Node gateway's cold start takes 10-35 s, minutes with many plugins)."),
            Field("probeTimeout", .string(StringRule(format: .duration)), default: "2s", "Timeout of one probe."),
            Field("failureThreshold", .integer(min: 1, max: 100), default: "3",
                  "Failed /healthz probes in a row before a restart."),
            Field("stopGracePeriod", .string(StringRule(format: .duration)), default: "25s",
                  "Time between SIGTERM and SIGKILL to the gateway's whole session (OpenClaw's own shutdown budget is 25 s)."),
        ])), "Health-check timings."),
        Field("maxConcurrentStarts", .integer(min: 1, max: 10_000),
              "The most gateways fleet starts at once (apply, daemon). Without it the host decides: as many as its cores take for starts that burn CPU (a Node gateway's), more for starts that wait, fewer when its memory is short or other work keeps it busy (docs/reconciler.md). --parallelism overrides it."),
        Field("defaults", .object(ObjectSchema("Defaults for every bot.", [
            Field("model", .text, "The model of bots that name none."),
            Field("session", .object(session), "Session settings of bots that set none."),
            Field("tools", .object(tools), "Tool settings of bots that set none."),
            Field("resources", .object(resources), "Kubernetes requests and limits of bots that set none (value by value)."),
        ])), "Defaults for every bot."),
        Field("hosts", .array(.object(ObjectSchema("A host and the bots it runs.", [
            Field("name", .text, required: true, "The host's name."),
            Field("selector", .text, required: true,
                  "A label selector, as `--selector` takes it: k=v, k!=v, k in (a,b), k notin (a,b), k, !k, joined by commas."),
        ]))), "Hosts sharing this repository, each with a label selector."),
        Field("access", .array(.object(ObjectSchema("A web console user's role for some bots.", [
            Field("user", .text, required: true,
                  "The user name: 1 to 64 of A-Z a-z 0-9 . _ @ -; its password is set on the host with `fleet users set`, or a trusted proxy sends the name."),
            Field("role", .enumeration(ConsoleRole.allCases.map(\.rawValue)), required: true,
                  "viewer sees; operator also restarts bots and reconciles; admin also changes manifests."),
            Field("bots", .text,
                  "A label selector of the bots this rule covers (team=customer-care); every bot when absent."),
            Field("name", .text,
                  "The person's name: the author of the commits the web console makes for this user (default: the user name)."),
            Field("email", .text,
                  "The person's e-mail address for those commits (default: a trusted proxy's X-Forwarded-Email, else USER@localhost)."),
        ]))), "Who may use the web console (`fleet serve`), with which role, for which bots; a user in several entries gets the highest role each bot matches."),
        Field("kubernetes", .object(ObjectSchema("Settings for `fleet render --target kubernetes`.", [
            Field("image", .text, default: "ghcr.io/openclaw/openclaw", "The OpenClaw image."),
            Field("tag", .text, default: "latest", "The image tag."),
            Field("namespace", .string(StringRule(format: .slug, maxLength: 63)), "The namespace of the objects."),
            Field("storage", .string(StringRule(format: .quantity)), default: "1Gi",
                  "The size of each bot's state volume (OPENCLAW_STATE_DIR)."),
            Field("storageClass", .text, "The storage class of the state volumes (the cluster's default when absent)."),
            Field("secretStore", .string(StringRule(format: .slug, maxLength: 63)), default: "fleet",
                  "With --external-secrets: the ClusterSecretStore the ExternalSecrets read from."),
        ])), "Settings for rendering to Kubernetes."),
        Field("openclaw", .any(description: "Raw OpenClaw config keys for every bot."),
              "Raw OpenClaw config keys deep-merged into every bot's rendering (a bot's own win)."),
    ])
}
