@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

@Suite struct SchemaDriftTests {
    @Test func committedSchemasMatchTheDefinitions() throws {
        for file in ManifestSchemas.jsonSchemaFiles() {
            let path = Repo.root + "/schemas/" + file.name
            let committed = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing>"
            #expect(committed == file.text,
                    "schemas/\(file.name) differs from ManifestSchemas; run `swift run fleet schema --out schemas` and commit the result")
        }
    }

    @Test func schemasAreJSONWithEnumsAndDescriptions() throws {
        for file in ManifestSchemas.jsonSchemaFiles() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(file.text.utf8)) as? [String: Any])
            #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            #expect((object["required"] as? [String]) == ["apiVersion", "kind", "metadata", "spec"])
        }
        let bot = ManifestSchemas.jsonSchemaFiles()[0].text
        #expect(bot.contains("\"pairing\""))
        #expect(bot.contains("\"telegram\""))
        #expect(bot.contains("\"additionalProperties\" : false") || bot.contains("\"additionalProperties\": false"))
    }

    @Test func demoManifestsCarryTheSchemaLine() throws {
        let fm = FileManager.default
        let dir = Repo.root + "/fleet"
        let files = (fm.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema="), "\(file)")
        }
    }
}

@Suite struct DocsTests {
    @Test func everyDiagnosticCodeIsDocumented() throws {
        let text = try String(contentsOfFile: Repo.root + "/docs/diagnostics.md", encoding: .utf8)
        for code in DiagnosticCode.allCases {
            #expect(text.contains("## \(code.rawValue)"), "docs/diagnostics.md has no section for \(code.rawValue) (\(code))")
        }
    }

    @Test func everyManifestFieldIsDocumented() throws {
        let text = try String(contentsOfFile: Repo.root + "/docs/manifests.md", encoding: .utf8)
        func walk(_ object: ObjectSchema, _ path: String) {
            for field in object.fields {
                let full = path.isEmpty ? field.name : "\(path).\(field.name)"
                #expect(text.contains("`\(full)`"), "docs/manifests.md does not mention `\(full)`")
                switch field.schema {
                case .object(let child): walk(child, full)
                case .array(.object(let child)): walk(child, full + "[]")
                default: break
                }
            }
        }
        walk(ManifestSchemas.bot, "")
        walk(ManifestSchemas.fleet, "")
    }
}

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "", 3), ("same", "same", 0),
        ("dmPolcy", "dmPolicy", 1), ("ab", "ba", 1), ("displayNme", "displayName", 1), ("café", "cafe", 1),
    ])
    func distance(_ a: String, _ b: String, _ expected: Int) {
        #expect(Suggestion.distance(a, b) == expected)
        #expect(Suggestion.distance(b, a) == expected)
    }

    @Test func closestSuggestsLikelyTypos() {
        let fields = ManifestSchemas.botSpec.fields.map(\.name)
        #expect(Suggestion.closest(to: "displayNme", in: fields) == "displayName")
        #expect(Suggestion.closest(to: "modle", in: fields) == "model")
        #expect(Suggestion.closest(to: "Model", in: fields) == "model", "case differences are the closest")
        #expect(Suggestion.closest(to: "sytemPrompt", in: fields) == "systemPrompt")
        #expect(Suggestion.closest(to: "chanels", in: fields) == "channels")
        #expect(Suggestion.closest(to: "colour", in: fields) == nil, "nothing close: no guess")
        #expect(Suggestion.closest(to: "x", in: fields) == nil)
        #expect(Suggestion.closest(to: "anything", in: []) == nil)
        #expect(Suggestion.closest(to: "Bott", in: ["Bot", "Fleet"]) == "Bot")
        #expect(Suggestion.closest(to: "loopbak", in: ManifestSchemas.binds) == "loopback")
    }

    @Test func slugs() {
        #expect(Suggestion.slug(from: "Support Bot") == "support-bot")
        #expect(Suggestion.slug(from: "Support_Bot") == "support-bot")
        #expect(Suggestion.slug(from: "--Ops!!") == "ops")
        #expect(Suggestion.slug(from: String(repeating: "a", count: 80)).count == 63)
        #expect(Suggestion.slug(from: "日本") == "")
    }
}
