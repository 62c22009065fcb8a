import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet schema`: print or write the JSON Schemas of the manifests.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schemas of Bot and Fleet manifests (for editors).")

    @Argument(help: "Which schema: bot or fleet (both when omitted).")
    var kind: String?

    @Option(name: .long, help: "Write the schema files into this directory instead of printing them.")
    var out: String?

    func validate() throws {
        if let kind, !["bot", "fleet"].contains(kind) { throw ValidationError("kind must be 'bot' or 'fleet'") }
    }

    func run() throws {
        let files = ManifestSchemas.jsonSchemaFiles().filter { kind == nil || $0.name.hasPrefix(kind ?? "") }
        if let out {
            for file in files {
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(file.name))
            }
        } else {
            for file in files { Output.out(file.text) }
        }
    }
}
