import Testing
@testable import OpenClawConfig

@Suite struct ConfigPathTableTests {
    let table = ConfigPathTable.openClaw

    @Test func typesOfKnownPaths() {
        #expect(table.type(of: ["gateway", "port"])?.description == "integer")
        #expect(table.type(of: ["gateway", "auth", "token"])?.description == "object|string")
        #expect(table.type(of: ["channels", "telegram", "accounts", "work", "botToken"])?.description == "object|string")
        #expect(table.type(of: ["agents", "list", "3", "id"])?.description == "string")
        #expect(table.type(of: ["bindings", "0", "match", "channel"])?.description == "string")
        #expect(table.type(of: ["gateway", "nope"]) == nil)
        // Below a free-form entry anything goes.
        #expect(table.type(of: ["gateway", "controlUi", "whatever", "deep"]) == .any)
        #expect(table.type(of: ["channels", "msteams", "appId"]) == .any)
        #expect(table.type(of: ["agents", "defaults", "params", "temperature"]) == .any)
        #expect(table.type(of: ["agents", "defaults", "params", "nested", "deeper"]) == .any)
    }

    @Test func validConfigHasNoIssues() throws {
        let config = try JSON5.parse("""
        {
          gateway: { mode: "local", port: 18789, bind: "loopback",
                     auth: { mode: "token", token: { source: "file", provider: "default", id: "/run/t" } },
                     reload: { mode: "hybrid", debounceMs: 300 } },
          agents: { defaults: { workspace: "/w" },
                    list: [{ id: "support", name: "Support", model: { primary: "anthropic/claude-sonnet-4-5", fallbacks: [] } }] },
          bindings: [{ agentId: "support", match: { channel: "telegram", accountId: "default", peer: { kind: "direct", id: "1" } } }],
          channels: { telegram: { botToken: "123:abc", dmPolicy: "allowlist", allowFrom: ["123", 456],
                                  accounts: { work: { tokenFile: "/run/tg" } } },
                      msteams: { anything: { goes: true } } },
          session: { scope: "per-sender", reset: { mode: "daily", atHour: 4 } },
          tools: { profile: "messaging", deny: ["exec"] },
          logging: { level: "info", file: "/tmp/x.log" },
          models: { providers: { x: 1 } },
          plugins: { entries: {} },
        }
        """)
        #expect(table.validate(config) == [])
    }

    @Test func unknownKeys() {
        let config: JSONValue = .object([
            "gateway": .object(["foo": .int(1), "port": .int(1)]),
            "bogus": .bool(true),
        ])
        let issues = table.validate(config)
        #expect(issues.map(\.path) == ["bogus", "gateway.foo"])
        #expect(issues.allSatisfy { $0.kind == .unknownKey })
        #expect(issues.last?.message == #"Unrecognized key "foo" at gateway.foo"#)
    }

    @Test func wrongTypes() {
        let config: JSONValue = .object([
            "gateway": .object(["port": .string("18789"), "auth": .object(["token": .int(5)])]),
            "bindings": .array([.object(["agentId": .int(3), "match": .object(["channel": .string("telegram")])])]),
        ])
        let issues = table.validate(config)
        #expect(issues.map(\.path) == ["bindings.0.agentId", "gateway.auth.token", "gateway.port"])
        #expect(issues[2].kind == .wrongType(expected: "integer", actual: "string"))
        #expect(issues[1].kind == .wrongType(expected: "object|string", actual: "integer"))
    }

    @Test func secretRefShape() {
        let bad: JSONValue = .object(["channels": .object(["telegram": .object([
            "botToken": .object(["source": .string("file"), "id": .string("/x"), "path": .string("/y")]),
        ])])])
        let issues = table.validate(bad)
        #expect(issues.map(\.message) == [#"Unrecognized key "path" at channels.telegram.botToken.path"#])
    }

    @Test func integersAcceptWholeDoubles() {
        let config: JSONValue = .object(["gateway": .object(["port": .double(18789)])])
        #expect(table.validate(config).isEmpty)
        let frac: JSONValue = .object(["gateway": .object(["port": .double(1.5)])])
        #expect(table.validate(frac).count == 1)
    }

    @Test func customTable() {
        let custom = ConfigPathTable(entries: [("a", "object"), ("a.*", "number"), ("a.x", "string")])
        #expect(custom.type(of: ["a", "x"])?.description == "string")
        #expect(custom.type(of: ["a", "y"])?.description == "number")
        #expect(custom.validate(.object(["a": .object(["x": .string("s"), "y": .double(2)])])).isEmpty)
        #expect(custom.validate(.object(["b": .null])).map(\.kind) == [.unknownKey])
    }
}
