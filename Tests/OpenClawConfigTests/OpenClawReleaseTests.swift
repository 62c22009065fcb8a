import Testing
@testable import OpenClawConfig

@Suite struct OpenClawReleaseTests {
    @Test func parsesEveryReleaseForm() throws {
        let plain = try #require(OpenClawRelease("2026.9.6"))
        #expect((plain.year, plain.month, plain.patch) == (2026, 9, 6))
        #expect(plain.suffix == .none)
        #expect(OpenClawRelease("v2026.4.27")?.description == "2026.4.27")
        #expect(OpenClawRelease("2026.2.19-2")?.suffix == .correction(2))
        #expect(OpenClawRelease("2026.5.1-beta.3")?.suffix == .beta(3))
        #expect(OpenClawRelease("2026.5.1-alpha.12")?.suffix == .alpha(12))
        #expect(OpenClawRelease("2026.8")?.description == "2026.8.0")
        for bad in ["", "2026", "2026.13.1", "2026.9.x", "2026.9.6-rc.1", "2026.9.6-", "26.9.6", "2026..6", "2026.9.6.1", "latest", "2026.9-beta.1"] {
            #expect(OpenClawRelease(bad) == nil, "\(bad)")
        }
    }

    @Test func ordersPrereleasesBeforeAndCorrectionsAfter() throws {
        let ordered = ["2026.4.27", "2026.5.1-alpha.1", "2026.5.1-beta.1", "2026.5.1-beta.2", "2026.5.1", "2026.5.1-1", "2026.5.1-2",
                       "2026.5.2", "2026.10.1", "2027.1.1"].compactMap(OpenClawRelease.init)
        #expect(ordered.count == 10)
        #expect(ordered == ordered.sorted())
        #expect(ordered.shuffled().sorted() == ordered)
        #expect(try #require(OpenClawRelease("2026.10.1")) > #require(OpenClawRelease("2026.9.30")))
    }

    /// What the real CLI prints (OpenClaw: src/entry.ts), and wrappers around it.
    @Test func readsVersionOutput() {
        #expect(OpenClawRelease.fromVersionOutput("OpenClaw 2026.9.6 (1a2b3c4)\n")?.description == "2026.9.6")
        #expect(OpenClawRelease.fromVersionOutput("OpenClaw 2026.4.27\n")?.description == "2026.4.27")
        #expect(OpenClawRelease.fromVersionOutput("OpenClaw 2026.5.1-beta.2 (abc)")?.description == "2026.5.1-beta.2")
        #expect(OpenClawRelease.fromVersionOutput("(node:7) warning 2026.9\nOpenClaw 2026.8.1 (0)\n")?.description == "2026.8.1")
        #expect(OpenClawRelease.fromVersionOutput("command not found") == nil)
        #expect(OpenClawRelease.fromVersionOutput("version 2026.9") == nil)
    }

    @Test func codableAsText() throws {
        let release = try #require(OpenClawRelease("2026.5.1-beta.2"))
        let json = JSONValue.string(release.description).json(pretty: false)
        #expect(json == "\"2026.5.1-beta.2\"")
    }
}

@Suite struct OpenClawReleaseTableTests {
    let r4 = OpenClawRelease(year: 2026, month: 4, patch: 27)
    let r8 = OpenClawRelease(year: 2026, month: 8, patch: 1)
    let r9 = OpenClawRelease(year: 2026, month: 9, patch: 6)

    /// Every topic has a row at the oldest supported release, rows are in order, each names its
    /// source, and each value has the type its key promises.
    @Test func everyTopicIsCoveredWithTypedValues() {
        for topic in OpenClawTopic.allCases {
            let rows = OpenClawReleaseTable.rows.filter { $0.topic == topic }
            #expect(rows.first?.since == OpenClawReleaseTable.oldestSupported, "\(topic)")
            #expect(rows.map(\.since) == rows.map(\.since).sorted(), "\(topic)")
            #expect(Set(rows.map(\.since)).count == rows.count, "\(topic)")
            #expect(rows.allSatisfy { $0.source.contains("/") && !$0.summary.isEmpty }, "\(topic)")
        }
        for release in [r4, r8, r9, OpenClawRelease(year: 2030, month: 1, patch: 1)] {
            _ = OpenClawReleaseTable.value(.agentsShape, for: release)
            _ = OpenClawReleaseTable.value(.execPolicy, for: release)
            _ = OpenClawReleaseTable.value(.legacyKeys, for: release)
            _ = OpenClawReleaseTable.value(.reloadModes, for: release)
            _ = OpenClawReleaseTable.value(.respawnsGatewayRun, for: release)
            _ = OpenClawReleaseTable.value(.supervisorEnvironment, for: release)
            _ = OpenClawReleaseTable.value(.configRefusalExitCode, for: release)
            _ = OpenClawReleaseTable.value(.nonLoopbackControlUi, for: release)
            _ = OpenClawReleaseTable.value(.bindHosts, for: release)
            _ = OpenClawReleaseTable.value(.shutdownBudgetSeconds, for: release)
        }
    }

    @Test func rulesPerRelease() {
        #expect(OpenClawReleaseTable.value(.agentsShape, for: r4) == .list)
        #expect(OpenClawReleaseTable.value(.agentsShape, for: r8) == .entries)
        #expect(OpenClawReleaseTable.value(.execPolicy, for: r4) == .securityAndAsk)
        #expect(OpenClawReleaseTable.value(.execPolicy, for: r9) == .mode)
        #expect(OpenClawReleaseTable.value(.legacyKeys, for: r4).isEmpty)
        #expect(OpenClawReleaseTable.value(.legacyKeys, for: r9).contains { $0.path == "agents.list" })
        #expect(OpenClawReleaseTable.value(.respawnsGatewayRun, for: r4))
        #expect(!OpenClawReleaseTable.value(.respawnsGatewayRun, for: r9))
        #expect(OpenClawReleaseTable.value(.supervisorEnvironment, for: r9)["OPENCLAW_NO_RESPAWN"] == "1")
        #expect(OpenClawReleaseTable.value(.configRefusalExitCode, for: r9) == 78)
    }

    /// The gateway rows: protocol 4 from 2026.5.30, the client lists, readiness, logs, sessions, login.
    @Test func gatewayRulesPerRelease() throws {
        let before4 = try #require(OpenClawRelease("2026.5.29"))
        let at4 = try #require(OpenClawRelease("2026.5.30"))
        #expect(OpenClawReleaseTable.value(.gatewayProtocol, for: r4).version == 3)
        #expect(OpenClawReleaseTable.value(.gatewayProtocol, for: before4).version == 3)
        #expect(OpenClawReleaseTable.value(.gatewayProtocol, for: at4).version == 4)
        #expect(OpenClawReleaseTable.value(.gatewayProtocol, for: r9).accepts(min: 3, max: 4))
        #expect(!OpenClawReleaseTable.value(.gatewayProtocol, for: r9).accepts(min: 3, max: 3))
        #expect(OpenClawReleaseTable.value(.gatewayProtocol, for: r4).accepts(min: 3, max: 4))
        for release in [r4, r8, r9] {
            let catalog = OpenClawReleaseTable.value(.clientCatalog, for: release)
            #expect(catalog.ids.contains(GatewayClientCatalog.fleetClientId) && catalog.modes.contains(GatewayClientCatalog.fleetClientMode))
            #expect(!catalog.ids.contains("fleet"))
        }
        #expect(!OpenClawReleaseTable.value(.clientCatalog, for: r4).ids.contains("openclaw-worker"))
        #expect(OpenClawReleaseTable.value(.clientCatalog, for: r9).modes.contains("worker"))
        #expect(!OpenClawReleaseTable.value(.readiness, for: r4).startupProbe)
        #expect(OpenClawReleaseTable.value(.readiness, for: r9).startupSidecars)
        #expect(OpenClawReleaseTable.value(.readiness, for: r4).channelConnectGraceMs == 120_000)
        #expect(OpenClawReleaseTable.value(.logLine, for: r4).rotateAtBytes == nil)
        #expect(OpenClawReleaseTable.value(.logLine, for: r9).topLevelMessage)
        #expect(LogLineRule.rotatedPath("/x/openclaw.log") == "/x/openclaw.1.log")
        #expect(OpenClawReleaseTable.value(.sessionStore, for: r4) == .json)
        #expect(OpenClawReleaseTable.value(.sessionStore, for: r9) == .sqlite)
        #expect(OpenClawReleaseTable.value(.channelLogin, for: r9) == .localThenGatewayStart)
    }

    @Test func supportRange() throws {
        #expect(OpenClawReleaseTable.support(of: r4) == .supported)
        #expect(OpenClawReleaseTable.support(of: OpenClawReleaseTable.newestKnown) == .supported)
        #expect(OpenClawReleaseTable.support(of: try #require(OpenClawRelease("2026.5.1-beta.1"))) == .supported)
        #expect(OpenClawReleaseTable.support(of: try #require(OpenClawRelease("2026.9.7"))) == .newerThanKnown)
        #expect(OpenClawReleaseTable.support(of: try #require(OpenClawRelease("2026.10.2"))) == .newerThanKnown)
        #expect(OpenClawReleaseTable.support(of: try #require(OpenClawRelease("2026.3.31"))) == .tooOld)
    }

    @Test func bindHostsFollowNetTs() {
        let hosts = OpenClawReleaseTable.value(.bindHosts, for: r9)
        let all: (String) -> Bool = { _ in true }
        #expect(hosts.listenHost(bind: "loopback", customBindHost: nil, tailnetIPv4: nil, canBind: all) == "127.0.0.1")
        #expect(hosts.listenHost(bind: "lan", customBindHost: nil, tailnetIPv4: nil, canBind: all) == "0.0.0.0")
        #expect(hosts.listenHost(bind: "custom", customBindHost: "127.0.0.2", tailnetIPv4: nil, canBind: all) == "127.0.0.2")
        #expect(hosts.listenHost(bind: "custom", customBindHost: "::1", tailnetIPv4: nil, canBind: all) == "0.0.0.0")
        #expect(hosts.listenHost(bind: "custom", customBindHost: "10.9.9.9", tailnetIPv4: nil, canBind: { $0 != "10.9.9.9" }) == "0.0.0.0")
        #expect(hosts.listenHost(bind: "tailnet", customBindHost: nil, tailnetIPv4: "100.64.1.2", canBind: all) == "100.64.1.2")
        #expect(hosts.listenHost(bind: "tailnet", customBindHost: nil, tailnetIPv4: nil, canBind: all) == "127.0.0.1")
        #expect(BindHosts.isLoopback("127.0.0.2"))
        #expect(!BindHosts.isLoopback("0.0.0.0"))
    }
}

@Suite struct OpenClawConfigCheckTests {
    let r4 = OpenClawRelease(year: 2026, month: 4, patch: 27)
    let r9 = OpenClawRelease(year: 2026, month: 9, patch: 6)

    func config(_ text: String) throws -> JSONValue { try JSON5.parse(text) }

    @Test func release4AcceptsListAndRefusesEntries() throws {
        let list = try config("{agents: {list: [{id: 'a', default: true, model: 'x/y'}]}, tools: {exec: {security: 'deny'}}}")
        #expect(OpenClawConfigCheck.issues(list, release: r4).isEmpty)
        let entries = try config("{agents: {entries: {a: {model: 'x/y'}}}, tools: {exec: {mode: 'deny'}}}")
        #expect(OpenClawConfigCheck.issues(entries, release: r4).map(\.kind) == [.unknownKey, .unknownKey])
    }

    @Test func release9RefusesLegacyKeysWithTheirReplacement() throws {
        let list = try config("{agents: {list: [{id: 'a', default: true}]}, tools: {exec: {security: 'full', ask: 'off'}}, session: {idleMinutes: 5}}")
        let issues = OpenClawConfigCheck.issues(list, release: r9)
        #expect(issues.map(\.path) == ["agents.list", "session.idleMinutes", "tools.exec.ask", "tools.exec.security"])
        #expect(issues.first?.kind == .legacyKey(replacement: "keyed agents.entries.<id> (the id becomes the key)"))
        #expect(issues[1].message.contains("session.reset.idleMinutes"))
        let entries = try config("{agents: {entries: {a: {name: 'A', model: 'x/y', workspace: '/w', identity: {name: 'A'}}}}, tools: {exec: {mode: 'full'}}}")
        #expect(OpenClawConfigCheck.issues(entries, release: r9).isEmpty)
        let marker = try config("{agents: {entries: {a: {default: true}}}}")
        #expect(OpenClawConfigCheck.issues(marker, release: r9).map(\.path) == ["agents.entries.a.default"])
    }

    @Test func reloadModesPerRelease() throws {
        let hot = try config("{gateway: {reload: {mode: 'hot', debounceMs: 100}}}")
        #expect(OpenClawConfigCheck.issues(hot, release: r4).isEmpty)
        #expect(OpenClawConfigCheck.issues(hot, release: r9).map(\.path) == ["gateway.reload.debounceMs", "gateway.reload.mode"])
    }

    @Test func legacyPatternsMatchByValueAndDepth() throws {
        let keys = OpenClawReleaseTable.value(.legacyKeys, for: r9)
        let api = try config("{models: {providers: {o: {api: 'openai'}, p: {api: 'openai-completions'}}}}")
        #expect(LegacyKey.find(in: api, keys).map(\.path) == ["models.providers.o.api"])
        let deep = try config("{agents: {defaults: {sandbox: {browser: {enableNoVnc: true}}}}}")
        #expect(LegacyKey.find(in: deep, keys).map(\.path) == ["agents.defaults.sandbox.browser.enableNoVnc"])
    }
}
