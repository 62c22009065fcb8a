import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc
import OpenClawConfig

/// `fleet import PATH`: manifests from an existing OpenClaw config.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn an existing OpenClaw config into Bot manifests (one per agent) and a Fleet manifest.",
        discussion: """
            Channel accounts and bindings go to the agent they route to; model provider API keys go to the \
            Fleet manifest's spec.providers; keys fleet does not model go to spec.openclaw untouched. The \
            report lists every input path and where it went. See docs/import.md.

            Credentials are written encrypted with the first key found (--key-file, $FLEET_KEY_FILE, \
            $ENCRYPTION_KEY, $FLEET_ENCRYPTION_KEYS, <repo>/.fleet/keys/*.key). Only without any key are \
            they written in plain text, with spec.secrets.allowPlaintext and a warning.

            Examples:
              fleet import ~/.openclaw/openclaw.json
              fleet import openclaw.json --out fleet --json --key-file .fleet/keys/main.key
            """)

    @Argument(help: "The OpenClaw config file (JSON5).")
    var path: String

    @Option(name: .long, help: "The directory to write fleet.yaml and bots/*.yaml into.")
    var out: String = "fleet"

    @Option(name: .long, help: "The Fleet manifest's metadata.name.")
    var name: String = "imported"

    @Flag(name: .long, help: "Overwrite manifests that already exist.")
    var force = false

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Option(name: .long, help: "A key file to encrypt the credentials with (mode 0600); repeatable, the first one seals.")
    var keyFile: [String] = []

    @Option(name: .long, help: "The git repository whose .fleet/keys/*.key may hold the key.")
    var repo: String = "."

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            CLIError(message: "cannot read \(path)", exitCode: 2).exit()
        }
        let keys: SecretKeys
        do {
            keys = try SecretKeys.resolve(keyFiles: keyFile, repository: repo)
        } catch {
            CLIError(message: error.description, exitCode: 2).exit()
        }
        let result: ImportResult
        do {
            result = try OpenClawImporter.run(String(decoding: data, as: UTF8.self), source: path.lastPathComponent, fleetName: name,
                                              keys: keys)
        } catch {
            CLIError(message: error.description, exitCode: 1).exit()
        }
        let fm = FileManager.default
        let targets = result.files.map { (out.hasSuffix("/") ? out : out + "/") + $0.path }
        if !force, let existing = targets.first(where: { fm.fileExists(atPath: $0) }) {
            CLIError(message: "\(existing) already exists; pass --force to overwrite, or --out another directory", exitCode: 2).exit()
        }
        for (file, target) in zip(result.files, targets) {
            do {
                try fm.createDirectory(atPath: target.deletingLastPathComponent, withIntermediateDirectories: true)
                // The manifests may hold plaintext credentials until they are encrypted: owner-only.
                guard fm.createFile(atPath: target, contents: Data(file.text.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError(message: "cannot write \(target)", exitCode: 2)
                }
            } catch {
                CLIError(message: "cannot write \(target): \(error)", exitCode: 2).exit()
            }
        }
        if json {
            var value: JSONValue = .object([
                "files": .array(targets.map(JSONValue.string)),
                "bots": .array(result.bots.map(JSONValue.string)),
                "report": .array(result.report.map { .object(["path": .string($0.path), "destination": .string($0.destination)]) }),
                "warnings": .array(result.warnings.map(JSONValue.string)),
            ])
            value = value.merging(.object(["encrypted": .int(Int64(result.encrypted))]))
            if let kid = result.keyId { value = value.merging(.object(["keyId": .string(kid)])) }
            Output.out(value.json(pretty: true) + "\n")
            return
        }
        Output.out("wrote \(targets.count) manifests (\(result.bots.count) bots): \(targets.joined(separator: ", "))\n")
        if let kid = result.keyId, result.encrypted > 0 {
            Output.out("\(result.encrypted) credential\(result.encrypted == 1 ? "" : "s") encrypted with key \(kid)\n")
        }
        Output.out("\n")
        let width = min(60, result.report.map(\.path.count).max() ?? 0)
        for entry in result.report {
            let pad = String(repeating: " ", count: max(1, width - entry.path.count + 1))
            Output.out("  \(entry.path)\(pad)-> \(entry.destination)\n")
        }
        if !result.warnings.isEmpty {
            Output.out("\nwarnings:\n")
            for w in result.warnings { Output.out("  - \(w)\n") }
        }
        Output.out("\nnext: fleet validate --worktree --path \(out), then commit\n")
    }
}
