@testable import FleetCore
import FleetCrypto
import Foundation
import Testing

/// `spec.access` (decoding, validation, the policy) and the console's users file.
@Suite struct ConsoleAccessTests {
    func fleet(_ access: String) -> (String, [UInt8]) {
        ("fleet/fleet.yaml", Array("""
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: f}
            spec:
              secrets: {allowPlaintext: true}
              access:
            \(access)
            """.utf8))
    }

    let bot: (String, [UInt8]) = ("fleet/bots/a.yaml", Array("""
        apiVersion: fleet/v1
        kind: Bot
        metadata: {name: a, labels: {team: care}}
        spec:
          channels:
            - {type: telegram, credentials: {botToken: "t-a"}}
        """.utf8))

    @Test func accessDecodesIntoRules() throws {
        let set = loadFiles([fleet("""
                  - {user: alice, role: operator}
                  - {user: bob@example.com, role: viewer, bots: "team=care"}
            """), bot])
        #expect(set.isValid, "\(set.diagnostics)")
        #expect(set.fleet.access == [AccessRule(user: "alice", role: .operator), AccessRule(user: "bob@example.com", role: .viewer, bots: "team=care")])
    }

    @Test func aBadRoleUserOrSelectorIsAnErrorAtItsField() throws {
        let badRole = loadFiles([fleet("      - {user: alice, role: owner}"), bot])
        #expect(badRole.diagnostics.contains { $0.code == .invalidEnum })
        let badUser = loadFiles([fleet("      - {user: \"al ice\", role: viewer}"), bot])
        let user = try #require(badUser.diagnostics.first { $0.code == .invalidFormat })
        #expect(user.message == "access user 'al ice' is not a valid user name")
        #expect(user.location == SourceLocation(file: "fleet/fleet.yaml", line: 7, column: 16))
        let badSelector = loadFiles([fleet("      - {user: alice, role: viewer, bots: \"team in (a\"}"), bot])
        let selector = try #require(badSelector.diagnostics.first { $0.code == .invalidFormat })
        #expect(selector.message.hasPrefix("access for 'alice': invalid selector 'team in (a'"), "\(selector.message)")
        #expect(!badSelector.isValid)
    }

    @Test func theSameUserAndSelectorTwiceIsE070() throws {
        let set = loadFiles([fleet("""
                  - {user: alice, role: viewer, bots: team=care}
                  - {user: alice, role: operator}
                  - {user: alice, role: admin, bots: team=care}
            """), bot])
        let duplicates = set.diagnostics.filter { $0.code == .duplicateAccess }
        #expect(duplicates.count == 1)
        #expect(duplicates.first?.message == "access for 'alice' on bots team=care is listed twice (entries 1 and 3)")
        #expect(duplicates.first?.location?.line == 9)
    }

    @Test func theHighestMatchingRoleWins() {
        let rules = [
            AccessRule(user: "alice", role: .viewer),
            AccessRule(user: "alice", role: .operator, bots: "team=care"),
            AccessRule(user: "bob", role: .admin),
            AccessRule(user: "carl", role: .admin, bots: "team in (a"),
        ]
        let alice = AccessPolicy(user: "alice", access: rules)
        #expect(alice.role(forLabels: ["team": "care"]) == .operator)
        #expect(alice.role(forLabels: ["team": "sales"]) == .viewer)
        #expect(alice.fleetWideRole == .viewer)
        #expect(AccessPolicy(user: "bob", access: rules).role(forLabels: [:]) == .admin)
        // A selector that does not parse grants nothing.
        #expect(AccessPolicy(user: "carl", access: rules).role(forLabels: ["team": "a"]) == nil)
        #expect(AccessPolicy(user: "nobody", access: rules).role(forLabels: [:]) == nil)
        #expect(!AccessPolicy(user: "nobody", access: rules).isListed)
    }

    @Test func userNames() {
        for ok in ["alice", "a", "bob@example.com", "x.y_z-1", String(repeating: "a", count: 64)] {
            #expect(AccessRule.isValidUserName(ok), "\(ok)")
        }
        for bad in ["", "-alice", "al ice", "a/b", "a:b", "ä", String(repeating: "a", count: 65), ".x"] {
            #expect(!AccessRule.isValidUserName(bad), "\(bad)")
        }
    }

    @Test func theUsersFileKeepsOnlyASaltedHashAt0600() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("users-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var users = try ConsoleUsers.load(root: root)
        #expect(users.users.isEmpty)
        let cheap = PasswordHash.Cost(n: 1024, r: 8, p: 1)
        try users.set("alice", password: Array("correct horse".utf8), cost: cheap)
        try users.set("bob", password: Array("correct horse".utf8), cost: cheap)
        try users.save()
        let path = ConsoleUsers.path(root: root)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("correct horse"))
        let reloaded = try ConsoleUsers.load(root: root)
        #expect(reloaded.verify("alice", password: Array("correct horse".utf8)))
        #expect(!reloaded.verify("alice", password: Array("correct horsE".utf8)))
        #expect(!reloaded.verify("carol", password: Array("correct horse".utf8)))
        // The same password, two salts.
        #expect(reloaded.users["alice"]?.hash != reloaded.users["bob"]?.hash)
        #expect(throws: ConsoleUsersError.self) { try users.set("alice", password: Array("short".utf8), cost: cheap) }
        #expect(throws: ConsoleUsersError.self) { try users.set("a b", password: Array("long enough".utf8), cost: cheap) }
        chmod(path, 0o644)
        #expect {
            _ = try ConsoleUsers.load(root: root)
        } throws: { error in
            (error as? ConsoleUsersError)?.kind == .permissions
        }
    }
}
