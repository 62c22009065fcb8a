import OpenClawConfig

/// The `kind: Fleet` manifest with every default filled in.
public struct FleetSettings: Sendable {
    /// The fleet's name.
    public var name: String = "fleet"
    /// Labels.
    public var labels: [String: String] = [:]
    /// The state root named in git (the host may override it).
    public var stateRoot: String?
    /// First port.
    public var basePort: Int = 18789
    /// Ports between bots.
    public var portStride: Int = 20
    /// Most bots.
    public var maxBots: Int = 50
    /// The gateway command and its leading arguments.
    public var gatewayCommand: [String] = ["openclaw", "gateway", "run"]
    /// The OpenClaw release the gateways run: `auto` (asked of the gateway command once per plan)
    /// or a pinned release.
    public var openclawVersion: OpenClawVersionSetting = .auto
    /// Deprecated `list` or `entries`: the release decides the agents' form now (W061).
    public var agentsForm: String?
    /// Freeze every bot.
    public var suspend: Bool = false
    /// Apply only signed commits.
    public var requireSignedCommits: Bool = false
    /// Accept plain-text credentials (a warning instead of E050): for tests and throwaway fleets.
    public var allowPlaintextSecrets: Bool = false
    /// Model provider API keys of every bot, by provider id (plain text or an encrypted envelope,
    /// sealed for ``SecretEnvelope/fleetScope``).
    public var providerKeys: [String: String] = [:]
    /// Daemon interval.
    public var reconcileInterval: Duration = .seconds(30)
    /// How long a starting gateway has to answer /healthz: a Node gateway's cold start takes
    /// 10 to 35 s on an ordinary host and minutes with many plugins (docs/compatibility.md).
    public var startTimeout: Duration = .seconds(120)
    /// The most gateways started at once (`spec.maxConcurrentStarts`); within it the host decides
    /// (nil: the host alone).
    public var maxConcurrentStarts: Int?
    /// One probe's timeout.
    public var probeTimeout: Duration = .seconds(2)
    /// Failed probes before a restart.
    public var failureThreshold: Int = 3
    /// SIGTERM to SIGKILL: OpenClaw's own shutdown budget (OpenClaw: src/cli/gateway-cli/run-loop.ts).
    public var stopGracePeriod: Duration = .seconds(Int64(OpenClawReleaseTable.value(.shutdownBudgetSeconds, for: OpenClawReleaseTable.oldestSupported)))
    /// Default model.
    public var defaultModel: String = "anthropic/claude-sonnet-4-5"
    /// Default session settings.
    public var defaultSession: SessionSpec?
    /// Default tool settings.
    public var defaultTools: ToolsSpec?
    /// Hosts and their selectors.
    public var hosts: [(name: String, selector: String)] = []
    /// Who may do what in the web console (`spec.access`).
    public var access: [AccessRule] = []
    /// Kubernetes image.
    public var kubernetesImage: String = "ghcr.io/openclaw/openclaw"
    /// Kubernetes image tag.
    public var kubernetesTag: String = "latest"
    /// Kubernetes namespace.
    public var kubernetesNamespace: String?
    /// Size of each bot's state volume in Kubernetes.
    public var kubernetesStorage: String = "1Gi"
    /// Storage class of the state volumes (nil: the cluster's default).
    public var kubernetesStorageClass: String?
    /// The ClusterSecretStore of `--external-secrets`.
    public var kubernetesSecretStore: String = "fleet"
    /// Default Kubernetes requests and limits.
    public var defaultResources: ResourceSpec?
    /// Raw OpenClaw keys for every bot.
    public var openclaw: JSONValue?
    /// Where the Fleet manifest was (nil when defaults are used).
    public var origin: ManifestOrigin?
    /// The checked document.
    public var node: TypedNode?

    /// Defaults, for a repository without a Fleet manifest.
    public init() {}
}
