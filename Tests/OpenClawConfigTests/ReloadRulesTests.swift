import Testing
@testable import OpenClawConfig

@Suite struct ReloadRulesTests {
    let base: JSONValue = .object([
        "gateway": .object([
            "mode": .string("local"), "port": .int(18789),
            "auth": .object(["mode": .string("token"), "token": .string("a")]),
        ]),
        "channels": .object(["telegram": .object(["botToken": .string("1:x")])]),
        "agents": .object(["list": .array([.object(["id": .string("main")])])]),
    ])

    func edit(_ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
        guard case .object(var members) = base else { return base }
        change(&members)
        return .object(members)
    }

    @Test func unchangedIsNone() {
        let (cls, paths) = ReloadRules.classify(old: base, new: base)
        #expect(cls == .none)
        #expect(paths.isEmpty)
    }

    @Test func channelEditIsReload() {
        let new = edit { $0["channels"] = .object(["telegram": .object(["botToken": .string("2:y")])]) }
        let (cls, paths) = ReloadRules.classify(old: base, new: new)
        #expect(cls == .reload)
        #expect(paths == ["channels.telegram.botToken"])
    }

    @Test(arguments: ["agents", "models", "bindings", "session", "messages", "tools", "skills", "hooks",
                      "cron", "logging", "plugins"])
    func hotRoots(_ root: String) {
        let new = edit { $0[root] = .object(["x": .int(1)]) }
        #expect(ReloadRules.classify(old: base, new: new).0 == .reload)
    }

    @Test func tokenRotationWithSameModeIsReload() {
        let new = base.merging(.object(["gateway": .object(["auth": .object(["token": .string("b")])])]))
        let (cls, paths) = ReloadRules.classify(old: base, new: new)
        #expect(cls == .reload)
        #expect(paths == ["gateway.auth.token"])
    }

    @Test func authModeChangeIsRestart() {
        let new = base.merging(.object(["gateway": .object([
            "auth": .object(["mode": .string("password"), "token": .null, "password": .string("p")]),
        ])]))
        let (cls, paths) = ReloadRules.classify(old: base, new: new)
        #expect(cls == .restart)
        #expect(paths == ["gateway.auth.mode", "gateway.auth.password", "gateway.auth.token"])
    }

    @Test(arguments: ["port", "bind", "tls", "customBindHost"])
    func gatewayKeysRestart(_ key: String) {
        let new = base.merging(.object(["gateway": .object([key: .int(1)])]))
        let (cls, paths) = ReloadRules.classify(old: base, new: new)
        #expect(cls == .restart)
        #expect(paths == ["gateway.\(key)"])
    }

    @Test func restartWinsAndListsOnlyRestartPaths() {
        let new = base.merging(.object([
            "gateway": .object(["port": .int(19000)]), "discovery": .object(["mdns": .object([:])]),
            "channels": .object(["telegram": .object(["enabled": .bool(false)])]),
        ]))
        let (cls, paths) = ReloadRules.classify(old: base, new: new)
        #expect(cls == .restart)
        #expect(paths == ["discovery", "gateway.port"])
        #expect(ReloadRules.changedPaths(old: base, new: new)
            == ["channels.telegram.enabled", "discovery", "gateway.port"])
    }

    @Test func documentedHotGatewayKeysAndUnknownRoots() {
        let reload = base.merging(.object(["gateway": .object([
            "reload": .object(["debounceMs": .int(100)]), "channelHealthCheckMinutes": .int(5),
        ])]))
        #expect(ReloadRules.classify(old: base, new: reload).0 == .reload)
        #expect(ReloadRules.classify(old: base, new: edit { $0["browser"] = .object([:]) }).0 == .restart)
        #expect(ReloadRules.classify(old: base, new: edit { $0["somethingNew"] = .int(1) }).0 == .restart)
    }

    @Test func arraysAreComparedWhole() {
        let new = edit { $0["agents"] = .object(["list": .array([.object(["id": .string("other")])])]) }
        #expect(ReloadRules.changedPaths(old: base, new: new) == ["agents.list"])
        #expect(ReloadClass.none < .reload && ReloadClass.reload < .restart)
    }

    @Test func sha256KnownVectors() {
        #expect(ConfigDigest.sha256Hex(Array("".utf8))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ConfigDigest.sha256Hex(Array("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ConfigDigest.sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(ConfigDigest.sha256Hex([UInt8](repeating: 0x61, count: 1_000))
            == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
