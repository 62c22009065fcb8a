@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// The field tables of `docs/manifests.md`, generated from ``ManifestSchemas`` (the same
/// definitions the validator and the JSON Schemas use).
enum ManifestReference {
    /// The generated block for one kind.
    static func table(_ object: ObjectSchema) -> String {
        var rows = ["| Field | Type | Default | Allowed values | Meaning |", "|---|---|---|---|---|"]
        func walk(_ object: ObjectSchema, _ path: String) {
            for field in object.fields {
                let full = path.isEmpty ? field.name : "\(path).\(field.name)"
                let required = field.required ? " **(required)**" : ""
                rows.append("| `\(full)`\(required) | \(type(field.schema)) | \(field.defaultValue.map { "`\($0)`" } ?? "") | \(allowed(field.schema)) | \(escape(field.description)) |")
                switch field.schema {
                case .object(let child): walk(child, full)
                case .array(.object(let child)): walk(child, full + "[]")
                default: break
                }
            }
        }
        walk(object, "")
        return rows.joined(separator: "\n")
    }

    static func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }

    static func type(_ schema: Schema) -> String {
        switch schema {
        case .string(let rule): return rule.allowed == nil ? "string" : "enum"
        case .integer: return "integer"
        case .boolean: return "boolean"
        case .object: return "mapping"
        case .array(let element): return "list of \(type(element))"
        case .map(let value): return "map of string to \(type(value))"
        case .oneOf(let options): return options.map(type).joined(separator: " or ")
        case .any: return "any"
        }
    }

    static func allowed(_ schema: Schema) -> String {
        switch schema {
        case .string(let rule):
            var parts: [String] = []
            if let values = rule.allowed { parts.append(values.map { "`\($0)`" }.joined(separator: ", ")) }
            if !rule.aliases.isEmpty {
                parts.append("(" + rule.aliases.sorted { $0.key < $1.key }.map { "`\($0.key)` → `\($0.value)`" }
                    .joined(separator: ", ") + " are suggested as fixes)")
            }
            if let format = rule.format { parts.append(format.explanation) }
            if let max = rule.maxLength { parts.append("at most \(max) characters") }
            return escape(parts.joined(separator: "; "))
        case .integer(let min, let max):
            switch (min, max) {
            case let (min?, max?): return "\(min) to \(max)"
            case let (min?, nil): return "at least \(min)"
            case let (nil, max?): return "at most \(max)"
            default: return ""
            }
        case .array(let element), .map(let element): return allowed(element)
        case .oneOf(let options): return options.map(allowed).filter { !$0.isEmpty }.joined(separator: " or ")
        default: return ""
        }
    }

    static let blocks: [(marker: String, text: String)] = [
        ("bot", table(ManifestSchemas.bot)), ("fleet", table(ManifestSchemas.fleet)),
    ]

    /// `text` with each generated block replaced by the current one.
    static func regenerate(_ text: String) -> String {
        var out = text
        for (marker, block) in blocks {
            let begin = "<!-- BEGIN GENERATED: \(marker) -->", end = "<!-- END GENERATED: \(marker) -->"
            guard let b = out.range(of: begin), let e = out.range(of: end, range: b.upperBound..<out.endIndex) else { continue }
            out.replaceSubrange(b.upperBound..<e.lowerBound, with: "\n" + block + "\n")
        }
        return out
    }
}

@Suite struct ManifestReferenceTests {
    /// Fails when docs/manifests.md's field tables differ from the schema definitions.
    /// `FLEET_UPDATE_DOCS=1 swift test --filter ManifestReferenceTests` rewrites them.
    @Test func fieldTablesMatchTheSchemas() throws {
        let path = Repo.root + "/docs/manifests.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for (marker, _) in ManifestReference.blocks {
            #expect(text.contains("<!-- BEGIN GENERATED: \(marker) -->"), "docs/manifests.md lacks the \(marker) block")
        }
        let fresh = ManifestReference.regenerate(text)
        if fresh != text, ProcessInfo.processInfo.environment["FLEET_UPDATE_DOCS"] == "1" {
            try fresh.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(fresh == text, "docs/manifests.md is out of date; run `FLEET_UPDATE_DOCS=1 swift test --filter ManifestReferenceTests`")
    }

    @Test func documentedExampleIsValid() throws {
        let text = try String(contentsOfFile: Repo.root + "/docs/manifests.md", encoding: .utf8)
        // Every ```yaml block of the reference that declares a kind must validate cleanly together.
        var files: [(String, [UInt8])] = []
        for (i, block) in text.components(separatedBy: "```yaml\n").dropFirst().enumerated() {
            guard let body = block.components(separatedBy: "```").first, body.contains("kind:") else { continue }
            files.append(("fleet/example-\(i).yaml", Array(body.utf8)))
        }
        #expect(files.count >= 2)
        let set = loadFiles(files, fileExists: { _ in true })
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
    }

    @Test func loadIsDeterministicAcrossThreads() {
        let files = (0..<200).map { ("fleet/bots/b\($0).yaml", Array(validBot("b\($0 % 150)", spec: "  model: x\($0)").utf8)) }
        let a = loadFiles(files), b = loadFiles(files)
        #expect(a.diagnostics == b.diagnostics)
        #expect(a.bots.map(\.origin) == b.bots.map(\.origin))
        #expect(a.diagnostics.filter { $0.code == .duplicateBotName }.count == 50)
        #expect(a.diagnostics.filter { $0.code == .modelFormat }.count == 200)
    }
}
