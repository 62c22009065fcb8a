import ArgumentParser
import FleetCore
import FleetGit
import FoundationEssentials
import Glibc
import OpenClawConfig

/// `fleet secrets`: encrypted credentials in manifests (docs/secrets.md).
struct Secrets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt, decrypt, set and rotate the credentials in manifests (AES-256-GCM).",
        discussion: """
            Credentials are stored in manifests as ENC[AES256_GCM,data:...,iv:...,tag:...,kid:...], \
            bound to their bot and field. Keys are 32 random bytes in base64, found in: --key-file, \
            $FLEET_KEY_FILE, $ENCRYPTION_KEY, $FLEET_ENCRYPTION_KEYS, <repo>/.fleet/keys/*.key. \
            See docs/secrets.md.
            """,
        subcommands: [Keygen.self, Encrypt.self, Decrypt.self, SetValue.self, Rotate.self])
}

/// Where the keys come from; shared by the secrets subcommands.
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: "A key file (mode 0600); repeat for several. The first one seals new values.")
    var keyFile: [String] = []

    @Option(name: .long, help: "The git repository (for <repo>/.fleet/keys and, for set/rotate, the manifests).")
    var repo: String = "."

    /// The keys, or exit 2 with the problem.
    func keysOrExit() -> SecretKeys {
        do {
            return try SecretKeys.resolve(keyFiles: keyFile, repository: repo)
        } catch {
            CLIError(message: error.description, exitCode: 2).exit()
        }
    }

    /// The working copy's root.
    var workdir: String {
        let root = (try? GitRepository(path: repo))?.workdir ?? repo
        return root.hasSuffix("/") ? String(root.dropLast()) : root
    }
}

extension Secrets {
    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new key: 32 random bytes, base64.",
            discussion: """
                With --out, writes a key file with mode 0600 (never overwriting one) and prints its id; \
                without, prints the key to standard output (for a secret store).

                Examples:
                  fleet secrets keygen --out .fleet/keys/main.key
                  fleet secrets keygen | vault kv put secret/fleet key=-
                """)

        @Option(name: .long, help: "Write the key to this file (mode 0600).")
        var out: String?

        func run() throws {
            let key = try SecretKey.generate()
            guard let out else {
                Output.out(key.base64 + "\n")
                Output.err("key id \(key.id)\n")
                return
            }
            let dir = out.deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
            let fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else {
                let reason = errno == EEXIST ? "it exists; fleet never overwrites a key" : String(cString: strerror(errno))
                CLIError(message: "cannot write key file '\(out)': \(reason)", exitCode: 2).exit()
            }
            let bytes = Array(key.fileText.utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fchmod(fd, 0o600)
            close(fd)
            guard written == bytes.count else { CLIError(message: "cannot write key file '\(out)'", exitCode: 2).exit() }
            Output.err("wrote key \(key.id) to \(out) (mode 0600); keep it out of git\n")
        }
    }

    struct Encrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt every plain-text credential of the files in place.",
            discussion: """
                Only the credential scalars change; comments, anchors and formatting stay. Prints what \
                it encrypted, by bot and field, never the values.

                Example:
                  fleet secrets encrypt fleet/bots/*.yaml --key-file .fleet/keys/main.key
                """)

        @Argument(help: "Manifest files.")
        var files: [String]

        @OptionGroup var keys: KeyOptions

        func run() throws {
            let opener = SecretOpener(keys: keys.keysOrExit())
            guard let key = opener.keys.primary else {
                CLIError(message: "no key to encrypt with; pass --key-file FILE (fleet secrets keygen --out FILE makes one) or set FLEET_KEY_FILE", exitCode: 2).exit()
            }
            var total = 0
            for file in files {
                do {
                    var editor = try SecretFileEditor(text: SecretFiles.read(file), file: file)
                    var changes: [(SecretSite, String)] = []
                    for site in editor.sites where !site.isEncrypted {
                        changes.append((site, try opener.seal(site.value, bot: site.bot, field: site.field, with: key)))
                    }
                    guard !changes.isEmpty else {
                        Output.err("\(file): nothing to encrypt\n")
                        continue
                    }
                    try editor.replace(changes)
                    try SecretFiles.write(editor.text, to: file)
                    for (site, _) in changes {
                        Output.out("\(file):\(site.line): encrypted \(site.bot) \(site.field) (key \(key.id))\n")
                    }
                    total += changes.count
                } catch let error as SecretEditError {
                    CLIError(message: error.description, exitCode: 1).exit()
                } catch let error as SecretError {
                    CLIError(message: "\(error)\n  fix: \(error.fix)", exitCode: 1).exit()
                }
            }
            Output.err("\(total) value\(total == 1 ? "" : "s") encrypted\n")
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a manifest with its credentials decrypted (standard output only; the file is not changed).")

        @Argument(help: "A manifest file.")
        var file: String

        @OptionGroup var keys: KeyOptions

        func run() throws {
            let opener = SecretOpener(keys: keys.keysOrExit())
            do {
                var editor = try SecretFileEditor(text: SecretFiles.read(file), file: file)
                var changes: [(SecretSite, String)] = []
                for site in editor.sites where site.isEncrypted {
                    changes.append((site, try opener.open(bot: site.bot, field: site.field, raw: site.value)))
                }
                try editor.replace(changes)
                Output.out(editor.text)
            } catch let error as SecretEditError {
                CLIError(message: error.description, exitCode: 1).exit()
            } catch let error as SecretError {
                CLIError(message: "\(file): \(error)\n  fix: \(error.fix)", exitCode: 1).exit()
            }
        }
    }

    struct SetValue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Encrypt a value read from standard input into a bot's or the Fleet's manifest (in the working copy).",
            discussion: """
                Reads the value without echo from a terminal, or from a pipe. Adds the credentials \
                mapping when the channel has none, and spec.providers when the manifest has none. \
                Commit the file afterwards.

                Fields: channels.<type>.<accountId>.<key> (a bot's channel), providers.<id>.apiKey (a \
                model provider key: a bot's own, or with --fleet the Fleet manifest's, for every bot).

                Examples:
                  fleet secrets set support channels.telegram.default.botToken
                  pass show telegram/support | fleet secrets set support channels.telegram.default.botToken
                  fleet secrets set --fleet providers.anthropic.apiKey
                  fleet secrets set support providers.openai.apiKey
                """)

        @Argument(help: "The bot's name and the field (channels.<type>.<accountId>.<key> or providers.<id>.apiKey); with --fleet only the field.")
        var target: [String] = []

        @Flag(name: .long, help: "Write the value into the Fleet manifest (a model provider key of every bot).")
        var fleet = false

        @Option(name: .long, help: "The directory of manifests inside the repository.")
        var path: String = "fleet"

        @OptionGroup var keys: KeyOptions

        func validate() throws {
            guard target.count == (fleet ? 1 : 2) else {
                throw ValidationError(fleet ? "with --fleet give only the field, e.g. fleet secrets set --fleet providers.anthropic.apiKey"
                                           : "give the bot's name and the field, e.g. fleet secrets set support channels.telegram.default.botToken")
            }
            let field = target[target.count - 1]
            let parts = field.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3, parts[0] == "providers", parts[2] == "apiKey" {
                guard ModelProviders.provider(String(parts[1])) != nil else {
                    let hint = Suggestion.closest(to: String(parts[1]), in: ModelProviders.ids).map { "did you mean '\($0)'? " } ?? ""
                    throw ValidationError("'\(parts[1])' is not a model provider fleet knows; \(hint)known: \(ModelProviders.ids.joined(separator: ", "))")
                }
                return
            }
            guard !fleet else {
                throw ValidationError("'\(field)' is not a Fleet manifest credential; with --fleet write providers.<id>.apiKey, e.g. providers.anthropic.apiKey")
            }
            guard parts.count == 4, parts[0] == "channels", !parts.contains(where: \.isEmpty) else {
                throw ValidationError("'\(field)' is not a credential path; write channels.<type>.<accountId>.<key>, e.g. channels.telegram.default.botToken, or providers.<id>.apiKey")
            }
        }

        func run() throws {
            let opener = SecretOpener(keys: keys.keysOrExit())
            let scope = fleet ? SecretEnvelope.fleetScope : target[0]
            let field = target[target.count - 1]
            let owner = fleet ? "the Fleet manifest" : scope
            let files = SecretFiles.manifests(under: keys.workdir + "/" + path)
            var found: (String, SecretFileEditor)?
            for file in files {
                guard let text = try? SecretFiles.read(file), let editor = try? SecretFileEditor(text: text, file: file) else { continue }
                if fleet ? editor.hasFleetManifest : (text.contains(scope) && editor.botNames.contains(scope)) {
                    found = (file, editor)
                    break
                }
            }
            guard let (file, existing) = found else {
                let what = fleet ? "no Fleet manifest" : "no Bot manifest named '\(scope)'"
                let fix = fleet ? "; add one (fleet init writes fleet/fleet.yaml)" : ""
                CLIError(message: "\(what) under \(keys.workdir)/\(path)\(fix)", exitCode: 1).exit()
            }
            guard let primary = opener.keys.primary else {
                CLIError(message: "no key to encrypt with; pass --key-file FILE or set FLEET_KEY_FILE", exitCode: 2).exit()
            }
            var editor = existing
            let value = SecretInput.read(prompt: "value for \(fleet ? "--fleet" : scope) \(field): ")
            guard !value.isEmpty else { CLIError(message: "empty value; nothing written", exitCode: 1).exit() }
            do {
                let sealed = try opener.seal(value, bot: scope, field: field)
                try editor.set(bot: scope, field: field, value: sealed)
                try SecretFiles.write(editor.text, to: file)
            } catch let error as SecretEditError {
                CLIError(message: error.description, exitCode: 1).exit()
            } catch let error as SecretError {
                CLIError(message: "\(error)\n  fix: \(error.fix)", exitCode: 1).exit()
            }
            Output.err("wrote \(owner) \(field) to \(file), encrypted with key \(primary.id); commit it\n")
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt every credential of the fleet (working copy) to a new key.",
            discussion: """
                Opens every value with the current keys, then seals it with the key in --to. Nothing \
                is written unless every value opens. Afterwards only the new key is needed.

                Example:
                  fleet secrets keygen --out .fleet/keys/next.key
                  fleet secrets rotate --to .fleet/keys/next.key --key-file .fleet/keys/main.key
                """)

        @Option(name: .long, help: "The new key file (mode 0600).")
        var to: String

        @Option(name: .long, help: "The directory of manifests inside the repository.")
        var path: String = "fleet"

        @OptionGroup var keys: KeyOptions

        func run() throws {
            let newKey: SecretKey
            do {
                newKey = try SecretKey.read(file: to)
            } catch {
                CLIError(message: error.description, exitCode: 2).exit()
            }
            var all = keys.keysOrExit()
            all.add(newKey)
            let opener = SecretOpener(keys: all)
            var plans: [(String, SecretFileEditor, [(SecretSite, String)])] = []
            var failures: [String] = []
            var plaintext = 0
            for file in SecretFiles.manifests(under: keys.workdir + "/" + path) {
                guard let text = try? SecretFiles.read(file),
                      text.contains(SecretEnvelope.prefix) || text.contains("credentials") || text.contains("providers") else { continue }
                let editor: SecretFileEditor
                do {
                    editor = try SecretFileEditor(text: text, file: file)
                } catch {
                    failures.append(error.description)
                    continue
                }
                var changes: [(SecretSite, String)] = []
                for site in editor.sites {
                    guard site.isEncrypted else {
                        plaintext += 1
                        continue
                    }
                    do {
                        let value = try opener.open(bot: site.bot, field: site.field, raw: site.value)
                        changes.append((site, try opener.seal(value, bot: site.bot, field: site.field, with: newKey)))
                    } catch {
                        failures.append("\(file):\(site.line): \(error)")
                    }
                }
                if !changes.isEmpty { plans.append((file, editor, changes)) }
            }
            guard failures.isEmpty else {
                CLIError(message: "nothing rotated; these values cannot be opened:\n  " + failures.joined(separator: "\n  ")
                         + "\n  fix: pass every current key with --key-file (or FLEET_ENCRYPTION_KEYS)", exitCode: 1).exit()
            }
            var count = 0
            for (file, editor, changes) in plans {
                var editor = editor
                do {
                    try editor.replace(changes)
                    try SecretFiles.write(editor.text, to: file)
                } catch {
                    CLIError(message: error.description, exitCode: 1).exit()
                }
                for (site, _) in changes { Output.out("\(file):\(site.line): re-encrypted \(site.bot) \(site.field) (key \(newKey.id))\n") }
                count += changes.count
            }
            Output.err("\(count) value\(count == 1 ? "" : "s") in \(plans.count) file\(plans.count == 1 ? "" : "s") now sealed with key \(newKey.id); the old keys are no longer needed\n")
            if plaintext > 0 { Output.err("\(plaintext) plain-text value\(plaintext == 1 ? " is" : "s are") left; run fleet secrets encrypt on them\n") }
        }
    }
}

/// Reads a secret from standard input: without echo from a terminal, or the whole pipe.
enum SecretInput {
    static func read(prompt: String) -> String {
        if isatty(STDIN_FILENO) == 1 {
            Output.err(prompt)
            let line = TerminalEcho.readHiddenLine() ?? ""
            Output.err("\n")
            return line
        }
        var text = String(decoding: Output.readStandardInput(), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
