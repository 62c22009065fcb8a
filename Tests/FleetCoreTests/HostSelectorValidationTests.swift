@testable import FleetCore
import Testing

@Suite struct HostSelectorValidationTests {
    func fleet(_ hosts: String) -> (String, [UInt8]) {
        ("fleet/fleet.yaml", Array("""
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: f}
            spec:
              secrets: {allowPlaintext: true}
              hosts:
            \(hosts)
            """.utf8))
    }

    func bot(_ name: String, labels: String?) -> (String, [UInt8]) {
        let meta = labels.map { "metadata:\n  name: \(name)\n  labels: \($0)" } ?? "metadata:\n  name: \(name)"
        return ("fleet/bots/\(name).yaml", Array("""
            apiVersion: fleet/v1
            kind: Bot
            \(meta)
            spec:
              channels:
                - {type: telegram, credentials: {botToken: "t-\(name)"}}
            """.utf8))
    }

    let twoHosts = """
          - {name: edge-1, selector: "host=edge-1"}
          - {name: edge-2, selector: "host in (edge-2, spare)"}
        """

    func w004(_ set: ManifestSet) -> [Diagnostic] { set.diagnostics.filter { $0.code == .hostSelector } }

    @Test func everyBotOnExactlyOneHostIsQuiet() {
        let set = loadFiles([fleet(twoHosts), bot("a", labels: "{host: edge-1}"), bot("b", labels: "{host: spare}")])
        #expect(set.isValid, "\(set.dump)")
        #expect(w004(set).isEmpty, "\(set.dump)")
    }

    @Test func aBotNoHostSelectsIsAWarningAtItsName() throws {
        let set = loadFiles([fleet(twoHosts), bot("a", labels: "{host: edge-1}"), bot("orphan", labels: "{host: edge-9}"),
                             bot("bare", labels: nil)])
        #expect(set.isValid, "warnings do not block")
        let found = w004(set)
        #expect(found.count == 2, "\(set.dump)")
        let orphan = try #require(found.first { $0.bot == "orphan" })
        #expect(orphan.severity == .warning)
        #expect(orphan.location == SourceLocation(file: "fleet/bots/orphan.yaml", line: 4, column: 9))
        #expect(orphan.message.contains("matched by no host selector"))
        #expect(orphan.message.contains("host=edge-9"))
        #expect(orphan.fix?.contains("edge-1 (host=edge-1)") == true)
        let bare = try #require(found.first { $0.bot == "bare" })
        #expect(bare.message.contains("no labels"))
    }

    @Test func aBotTwoHostsSelectIsAWarning() throws {
        let hosts = twoHosts + "\n  - {name: all-canaries, selector: \"canary\"}"
        let set = loadFiles([fleet(hosts), bot("twice", labels: "{host: edge-1, canary: \"yes\"}")])
        let found = try #require(w004(set).first)
        #expect(w004(set).count == 1)
        #expect(found.message.contains("matched by 2 hosts: edge-1 (host=edge-1), all-canaries (canary)"), "\(found.message)")
        #expect(found.location?.file == "fleet/bots/twice.yaml")
    }

    @Test func anInvalidHostSelectorIsAnError() throws {
        let hosts = """
              - {name: edge-1, selector: "host=edge-1"}
              - name: broken
                selector: "tier in (a"
            """
        let set = loadFiles([fleet(hosts), bot("a", labels: nil)])
        #expect(!set.isValid)
        let error = try #require(set.diagnostics.first { $0.code == .invalidFormat })
        #expect(error.message.contains("host 'broken': invalid selector 'tier in (a': column 11: expected ',' or ')'"), "\(error.message)")
        #expect(error.location == SourceLocation(file: "fleet/fleet.yaml", line: 9, column: 15))
        #expect(w004(set).isEmpty, "bots are not checked against a broken host list")
    }

    @Test func fleetsWithoutHostsAreNotChecked() {
        let set = loadFiles([bot("a", labels: nil)])
        #expect(w004(set).isEmpty)
    }
}
