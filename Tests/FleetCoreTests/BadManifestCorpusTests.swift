@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// One case of the bad-manifest corpus: a file under `Fixtures/bad/` whose header comments say
/// exactly what must be reported:
///
///     # what the case is about
///     # expect: E020 6:3        (one line per diagnostic: code line:column)
///     # fix: E020 did you mean 'displayName'?   (optional: the exact fix of that code)
///     # message: E020 unknown field 'displayNme'  (optional: text the message contains)
struct CorpusCase: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var expected: [Reported]
    var fixes: [(code: String, text: String)]
    var messages: [(code: String, text: String)]

    var testDescription: String { name }

    static func load(_ file: String) throws -> CorpusCase {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        var expected: [Reported] = []
        var fixes: [(String, String)] = []
        var messages: [(String, String)] = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard line.hasPrefix("#") else { break }
            if line.hasPrefix("# expect: ") {
                let parts = line.dropFirst("# expect: ".count).split(separator: " ")
                let place = parts[1].split(separator: ":").compactMap { Int($0) }
                expected.append(Reported(code: String(parts[0]), line: place.first ?? -1, column: place.count > 1 ? place[1] : -1))
            } else if line.hasPrefix("# fix: ") {
                let rest = line.dropFirst("# fix: ".count)
                let code = rest.prefix { $0 != " " }
                fixes.append((String(code), String(rest.dropFirst(code.count + 1))))
            } else if line.hasPrefix("# message: ") {
                let rest = line.dropFirst("# message: ".count)
                let code = rest.prefix { $0 != " " }
                messages.append((String(code), String(rest.dropFirst(code.count + 1))))
            }
        }
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return CorpusCase(name: name, bytes: bytes, expected: expected.sorted(), fixes: fixes, messages: messages)
    }

    static var all: [CorpusCase] {
        let dir = Repo.fixtures + "/bad"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().compactMap { try? load(dir + "/" + $0) }
    }
}

@Suite struct BadManifestCorpusTests {
    @Test func corpusIsBigEnough() {
        #expect(CorpusCase.all.count >= 35)
        for c in CorpusCase.all { #expect(!c.expected.isEmpty, "\(c.name) expects nothing") }
    }

    @Test(arguments: CorpusCase.all)
    func reportsExactly(_ c: CorpusCase) {
        let path = "fleet/bots/\(c.name).yaml"
        let set = loadFiles([(path, c.bytes)], fileExists: { $0 == "assets/present.png" })
        #expect(set.reported == c.expected, "\(c.name):\n\(set.dump)")
        for d in set.diagnostics { #expect(d.location?.file == path, "\(d)") }
        for (code, text) in c.fixes {
            let fixes = set.diagnostics.filter { $0.code.rawValue == code }.map(\.fix)
            #expect(fixes.contains(text), "\(c.name): fix of \(code) is \(fixes), expected \(text)")
        }
        for (code, text) in c.messages {
            let texts = set.diagnostics.filter { $0.code.rawValue == code }.map(\.message)
            #expect(texts.contains { $0.contains(text) }, "\(c.name): messages of \(code) are \(texts), expected one containing \(text)")
        }
        // Valid exactly when the case expects warnings only: a warning never blocks an apply, an
        // error always does.
        let warningsOnly = c.expected.allSatisfy { $0.code.hasPrefix("W") }
        #expect(set.isValid == warningsOnly, "\(c.name): isValid \(set.isValid), expected \(warningsOnly)")
        for d in set.diagnostics {
            #expect((d.severity == .warning) == d.code.rawValue.hasPrefix("W"), "\(c.name): \(d.code.rawValue) has severity \(d.severity)")
        }
    }

    // Cases whose content is binary, huge or spread over files are generated here.

    @Test func binaryFileWithNulBytes() {
        var bytes = Array("apiVersion: fleet/v1\nkind: Bot\n".utf8)
        bytes += [0x00, 0x01, 0x02, 0xFF, 0x00]
        let set = loadFiles([("fleet/bots/logo.yaml", bytes)])
        #expect(set.reported == [Reported(code: "E005", line: 1, column: 1)], "\(set.dump)")
        #expect(set.diagnostics.first?.message.contains("binary") == true)
    }

    @Test func invalidUTF8() {
        var bytes = Array("apiVersion: fleet/v1\nkind: Bot\nmetadata: {name: caf".utf8)
        bytes += [0xC3, 0x28] // a broken two-byte sequence
        bytes += Array("}\nspec: {}\n".utf8)
        let set = loadFiles([("fleet/bots/latin1.yaml", bytes)])
        #expect(set.reported == [Reported(code: "E005", line: 1, column: 1)], "\(set.dump)")
        #expect(set.diagnostics.first?.message.contains("UTF-8") == true)
    }

    @Test func duplicateBotNamesAcrossFiles() {
        let set = loadFiles([
            ("fleet/bots/a.yaml", Array(validBot("support").utf8)),
            ("fleet/bots/b.yaml", Array(validBot("support").utf8)),
        ])
        #expect(set.reported == [Reported(code: "E030", line: 4, column: 9)], "\(set.dump)")
        let d = set.diagnostics[0]
        #expect(d.location?.file == "fleet/bots/b.yaml")
        #expect(d.message.contains("fleet/bots/a.yaml:1"))
        #expect(d.bot == "support")
        #expect(set.bots.count == 1)
    }

    @Test func twoFleetManifestsInTwoFiles() {
        let fleet = "apiVersion: fleet/v1\nkind: Fleet\nmetadata: {name: f}\nspec: {maxBots: 3}\n"
        let set = loadFiles([
            ("fleet/fleet.yaml", Array(fleet.utf8)), ("fleet/more/fleet.yaml", Array(fleet.utf8)),
            ("fleet/bots/a.yaml", Array(validBot("a").utf8)),
        ])
        #expect(set.reported == [Reported(code: "E038", line: 1, column: 1)], "\(set.dump)")
        #expect(set.diagnostics[0].location?.file == "fleet/more/fleet.yaml")
        #expect(set.fleet.maxBots == 3)
    }

    @Test func tooManyBotsWithoutFleetManifestUsesDefault50() {
        let files = (0..<51).map { ("fleet/bots/b\($0).yaml", Array(validBot("b\($0)").utf8)) }
        let set = loadFiles(files)
        #expect(set.diagnostics.map(\.code) == [.tooManyBots], "\(set.dump)")
        #expect(set.diagnostics[0].message.contains("51 bots; maxBots is 50"))
    }

    @Test func longSystemPromptWarns() {
        let prompt = String(repeating: "You are helpful. ", count: 1_200) // 20,400 characters
        let text = validBot("talker", spec: "  systemPrompt: \"\(prompt)\"")
        let set = loadText(text)
        #expect(set.reported == [Reported(code: "W002", line: 9, column: 17)], "\(set.dump)")
        #expect(set.isValid, "a warning does not make the set invalid")
        let exactLimit = validBot("talker", spec: "  systemPrompt: \"\(String(repeating: "x", count: 20_000))\"")
        #expect(loadText(exactLimit).diagnostics.isEmpty)
    }

    @Test func avatarPresentIsFine() {
        let set = loadFiles([("fleet/bots/a.yaml", Array(validBot("a", spec: "  avatar: assets/present.png").utf8))],
                            fileExists: { $0 == "assets/present.png" })
        #expect(set.diagnostics.isEmpty, "\(set.dump)")
        #expect(set.bots.first?.avatar == "assets/present.png")
    }

    @Test func noManifestsAtAll() {
        let set = loadFiles([])
        #expect(set.diagnostics.map(\.code) == [.noManifests])
        #expect(set.diagnostics[0].location == nil)
    }
}
