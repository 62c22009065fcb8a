import FleetGit
import FoundationEssentials
import Glibc

/// `fleet init`: a new fleet repository with a Fleet manifest, one sample bot, editor schema
/// lines, a `.gitignore`, an encryption key (git-ignored, 0600) and a first commit.
public enum FleetScaffold {
    /// What was made.
    public struct Result: Sendable {
        /// The repository directory.
        public var directory: String
        /// The files written, relative to `directory`.
        public var files: [String]
        /// The key file.
        public var keyFile: String
        /// The key's id.
        public var keyId: String
        /// The first commit.
        public var commit: String
    }

    /// A problem that stops `fleet init` (nothing is half-made when it is thrown before writing).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// The sample bot's token: a placeholder, encrypted like a real one.
    public static let placeholderToken = "123456:REPLACE-ME-with-a-token-from-BotFather"

    /// Creates the repository in `directory` (made if missing; an existing fleet there is refused).
    public static func create(in directory: String, name: String? = nil, gatewayCommand: [String] = ["openclaw", "gateway", "run"],
                              basePort: Int? = nil) throws -> Result {
        let dir = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        if HostFiles.exists(dir + "/fleet/fleet.yaml") {
            throw Failure(description: "\(dir)/fleet/fleet.yaml exists already: this is a fleet repository (add a bot with: fleet new bot)")
        }
        let fleetName = Suggestion.slug(from: name ?? URL(fileURLWithPath: dir).standardizedFileURL.lastPathComponent)
        let key = try SecretKey.generate()
        let sealed = try SecretOpener(keys: SecretKeys([key])).seal(
            placeholderToken, bot: "hello", field: "channels.telegram.default.botToken")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // An existing working copy at exactly `dir` is reused; otherwise a new repository is made
        // there (even inside another repository's tree).
        let repo = HostFiles.exists(dir + "/.git") ? try GitRepository(path: dir) : try GitRepository.initialize(at: dir)

        let keyDir = dir + "/" + SecretKeys.defaultDirectory
        try HostFiles.makeDirectory(keyDir)
        chmod(keyDir, 0o700)
        let keyFile = keyDir + "/fleet.key"
        try HostFiles.writeAtomically(keyFile, text: key.fileText, mode: 0o600)

        var files: [(String, String)] = [
            (".gitignore", """
                # Encryption keys never go into git (docs/secrets.md in fleet's repository).
                .fleet/keys/
                *.key

                """),
            ("fleet/fleet.yaml", fleetManifest(name: fleetName.isEmpty ? "fleet" : fleetName, gatewayCommand: gatewayCommand, basePort: basePort)),
            ("fleet/bots/hello.yaml", sampleBot(sealedToken: sealed)),
            ("README.md", readme),
        ]
        for schema in ManifestSchemas.jsonSchemaFiles() { files.append(("schemas/" + schema.name, schema.text)) }
        for (path, text) in files {
            let full = dir + "/" + path
            try FileManager.default.createDirectory(atPath: full.deletingLastPathComponent, withIntermediateDirectories: true)
            try HostFiles.writeAtomically(full, text: text, mode: 0o644)
        }
        let commit = try repo.commitAll(message: "fleet init: Fleet manifest and a sample bot")
        return Result(directory: dir, files: files.map(\.0) + [SecretKeys.defaultDirectory + "/fleet.key"],
                      keyFile: keyFile, keyId: key.id, commit: commit)
    }

    static func fleetManifest(name: String, gatewayCommand: [String], basePort: Int?) -> String {
        """
        # yaml-language-server: $schema=../schemas/fleet.schema.json
        apiVersion: fleet/v1
        kind: Fleet
        metadata:
          name: \(name)
        spec:
          basePort: \(basePort ?? 18789)
          gatewayCommand: [\(gatewayCommand.map(YAMLText.quote).joined(separator: ", "))]
          health: {startTimeout: 30s, probeTimeout: 2s}
          defaults:
            model: anthropic/claude-sonnet-4-5
            session: {scope: per-sender, reset: {mode: daily, atHour: 4}}
            tools: {profile: messaging, bash: false, browser: false}

        """
    }

    static func sampleBot(sealedToken: String) -> String {
        """
        # yaml-language-server: $schema=../../schemas/bot.schema.json
        # A sample bot. Put a real token in with:
        #   fleet secrets set hello channels.telegram.default.botToken
        apiVersion: fleet/v1
        kind: Bot
        metadata:
          name: hello
          owners: []
        spec:
          displayName: Hello Bot
          systemPrompt: |
            You are Hello Bot. Answer briefly and politely.
          channels:
            - type: telegram
              credentials: {botToken: \(YAMLText.quote(sealedToken))}
              dmPolicy: pairing

        """
    }

    static let readme = """
        # A fleet of OpenClaw bots

        Each file in `fleet/bots/` is one bot; `fleet/fleet.yaml` holds fleet-wide settings.
        Git is the source of truth: commit a change, then `fleet plan` and `fleet apply`.

        - add a bot: `fleet new bot`
        - set a token: `fleet secrets set BOT channels.telegram.default.botToken`
        - check: `fleet validate`, `fleet check`
        - run: `fleet apply`, then `fleet status`, `fleet logs -f`

        The encryption key is in `.fleet/keys/fleet.key` (git-ignored). Keep a copy somewhere safe:
        without it the tokens in the manifests cannot be opened.

        """
}
