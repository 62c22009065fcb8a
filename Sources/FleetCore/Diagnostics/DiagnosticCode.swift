/// Every diagnostic fleet can report, with a stable code that scripts may match on.
///
/// Codes never change meaning; new problems get new codes. `docs/diagnostics.md` lists them.
public enum DiagnosticCode: String, Sendable, Codable, CaseIterable {
    // Reading files
    /// The text is not valid YAML.
    case yamlSyntax = "E001"
    /// A tab where YAML allows only spaces.
    case yamlTab = "E002"
    /// The same key twice in one mapping.
    case duplicateKey = "E003"
    /// Alias expansion or nesting over the limit.
    case yamlLimit = "E004"
    /// Not UTF-8 text (a binary file).
    case notText = "E005"
    /// A file over the size limit.
    case fileTooLarge = "E006"
    /// A symlink or submodule where manifests are read.
    case unsupportedEntry = "E007"
    /// The manifest path does not exist, or the ref cannot be read.
    case sourceUnavailable = "E008"
    /// No manifest found under the path.
    case noManifests = "E009"

    // Shape
    /// `kind` missing or unknown.
    case unknownKind = "E010"
    /// `apiVersion` missing or unsupported.
    case unsupportedAPIVersion = "E011"
    /// A field the schema does not know.
    case unknownField = "E020"
    /// A value of the wrong type.
    case wrongType = "E021"
    /// A value outside the allowed set.
    case invalidEnum = "E022"
    /// A required field is missing.
    case missingField = "E023"
    /// A value of the right type but the wrong form (a name that is not a slug).
    case invalidFormat = "E024"
    /// A number out of range.
    case outOfRange = "E025"
    /// A credential field that does not belong to the channel type.
    case wrongCredential = "E026"

    // Fleet-wide rules
    /// Two bots with one name.
    case duplicateBotName = "E030"
    /// Two bots whose port ranges overlap.
    case portClash = "E031"
    /// More bots than `maxBots`.
    case tooManyBots = "E032"
    /// A binding to a channel or account the bot does not declare.
    case bindingUnknownChannel = "E033"
    /// Two bindings with the same match and priority.
    case duplicateBinding = "E034"
    /// `dmPolicy: open` without `allowFrom: ["*"]`.
    case openWithoutWildcard = "E035"
    /// A model not in `provider/model` form.
    case modelFormat = "E036"
    /// The same channel account twice in one bot.
    case duplicateChannelAccount = "E037"
    /// More than one Fleet manifest.
    case duplicateFleet = "E038"
    /// An avatar file that does not exist at the commit.
    case missingAvatar = "E039"
    /// A raw OpenClaw key (in `spec.openclaw`) unknown to OpenClaw or of the wrong type.
    case openclawKey = "E040"
    /// A channel credential is missing.
    case missingCredential = "E041"
    /// Gateway ports past 65535 (too many bots for the base port and stride).
    case portRange = "E042"

    // Secrets
    /// A credential in plain text in a committed manifest.
    case plaintextSecret = "E050"
    /// An encrypted value that cannot be opened (no key, wrong key, tampered).
    case secretUndecryptable = "E051"
    /// A malformed encrypted envelope.
    case secretEnvelope = "E052"
    /// One credential used by two bots.
    case secretReused = "E053"
    /// A credential (or what looks like a token or API key) in a field that is not secret, such
    /// as the system prompt: it would reach git, the rendered workspace and the model in clear.
    case secretInText = "E054"

    // OpenClaw releases
    /// `spec.openclawVersion` is not a release, or one older than fleet supports.
    case unsupportedOpenClawRelease = "E060"
    /// A raw key (`spec.openclaw`) the target OpenClaw release refuses as legacy.
    case openclawLegacyKey = "E061"

    // Web console access
    /// The same user and bot selector twice in `spec.access`.
    case duplicateAccess = "E070"

    // Warnings
    /// A bind beyond loopback.
    case exposedBind = "W001"
    /// A system prompt over OpenClaw's bootstrap limit.
    case longSystemPrompt = "W002"
    /// A YAML document with nothing in it.
    case emptyDocument = "W003"
    /// A bot matched by no host's selector, or by several.
    case hostSelector = "W004"
    /// Plain-text credentials accepted because the Fleet manifest sets `secrets.allowPlaintext`.
    case plaintextAllowed = "W005"
    /// Gateway ports inside the kernel's ephemeral port range.
    case ephemeralPort = "W006"
    /// `spec.openclawVersion` newer than the releases fleet knows.
    case newerOpenClawRelease = "W060"
    /// The deprecated `spec.agentsForm` (the release decides now).
    case deprecatedAgentsForm = "W061"
    /// A raw key that OpenClaw 2026.8 and later refuse, with `openclawVersion: auto`.
    case openclawLegacyKeyLater = "W062"

    // Warnings about credentials (numbered from W010 to leave room above)
    /// A bot whose model's provider has no API key in the manifests.
    case missingProviderKey = "W010"
    /// Encrypted values `fleet validate` could not open because their key is not loaded
    /// (their form and key id were checked; render, plan and apply need the key).
    case secretKeyNotLoaded = "W011"

    /// Errors for E codes, warnings for W codes.
    public var defaultSeverity: Severity { rawValue.hasPrefix("W") ? .warning : .error }
}
