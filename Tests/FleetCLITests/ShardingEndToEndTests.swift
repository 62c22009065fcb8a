import FleetCore
import FleetTestSupport
import Foundation
import TestChild
import Testing

/// Two hosts (here: two state roots and port bases on one machine) following one repository,
/// each applying only the bots its `--selector` matches.
@Suite(.serialized) struct ShardingEndToEndTests {
    /// One host's `fleet`: its own state root and `OPENCLAW_BASE_PORT`, and a selector.
    struct Host {
        let world: FleetWorld
        let root: String
        let basePort: Int
        let selector: String

        func fleet(_ args: String...) async throws -> ProcessResult { try await run(args + ["--selector", selector]) }

        /// Without the selector (`destroy` takes none: it stops what this state root runs).
        func run(_ args: [String]) async throws -> ProcessResult {
            var env = world.env()
            env["OPENCLAW_BASE_PORT"] = String(basePort)
            return try await runProcess(world.fleetBinary, args + ["--repo", world.repo, "--state-root", root], env: env)
        }

        func gateways() -> [String: Int32] {
            ProcessTable.gateways(under: root).compactMapValues { $0.first?.pid }
        }
    }

    func bot(_ w: FleetWorld, _ name: String, labels: String) throws {
        try w.git.write("repo", "fleet/bots/\(name).yaml", """
            apiVersion: fleet/v1
            kind: Bot
            metadata:
              name: \(name)
              labels: \(labels)
            spec:
              systemPrompt: You are \(name).
              channels:
                - {type: telegram, credentials: {botToken: "tok-\(name)"}}
            """)
    }

    @Test func twoHostsWithDisjointSelectorsShareOneRepository() async throws {
        let w = try await FleetWorld()
        let one = Host(world: w, root: w.root, basePort: w.basePort, selector: "host=one")
        let two = Host(world: w, root: w.git.path("state-two"), basePort: w.basePort + 1000, selector: "host in (two)")
        defer {
            // After the test, off its thread: host two's gateways (host one's go with the world).
            var env = w.env()
            env["OPENCLAW_BASE_PORT"] = String(two.basePort)
            let (binary, repo, root, environment) = (w.fleetBinary, w.repo, two.root, env)
            BackgroundTeardown.run { _ = try? runProcess(binary, ["destroy", "--repo", repo, "--state-root", root], env: environment) }
        }
        for name in ["a1", "a2", "a3"] { try bot(w, name, labels: "{host: one}") }
        try bot(w, "b1", labels: "{host: two}")
        try bot(w, "nowhere", labels: "{host: three}")
        try w.commit("five bots, two hosts")

        let planOne = try await one.fleet("plan")
        #expect(planOne.stdout.contains("Plan: 3 to create"), "\(planOne.stdout)")
        // Whole words: the commit id in the header ("commit b12e2b3") may start with "b1".
        #expect(!planOne.stdout.contains(/\bb1\b/) && !planOne.stdout.contains(/\bnowhere\b/), "\(planOne.stdout)")

        let applyOne = try await one.fleet("apply")
        #expect(applyOne.status == 0, "\(applyOne.stdout)\(applyOne.stderr)")
        let applyTwo = try await two.fleet("apply")
        #expect(applyTwo.status == 0, "\(applyTwo.stdout)\(applyTwo.stderr)")
        #expect(Set(one.gateways().keys) == ["a1", "a2", "a3"])
        #expect(Set(two.gateways().keys) == ["b1"])
        #expect(HTTPProbe.get(port: two.basePort, path: "/healthz")?.status == 200, "host two's bots use its port base")
        let before = one.gateways().merging(two.gateways()) { a, _ in a }

        // Each host sees nothing to do, whatever the other runs.
        #expect(try await one.fleet("plan", "--detailed-exitcode").status == 0)
        #expect(try await two.fleet("plan", "--detailed-exitcode").status == 0)

        // a2's labels move it to host two: host one destroys it, host two creates it, nothing else moves.
        try bot(w, "a2", labels: "{host: two}")
        try w.commit("a2 to host two")
        let moveOne = try await one.fleet("plan")
        #expect(moveOne.stdout.contains("destroy  a2"), "\(moveOne.stdout)")
        #expect(moveOne.stdout.contains("Plan: 0 to create, 0 to reload, 0 to restart, 1 to destroy."), "\(moveOne.stdout)")
        #expect(try await one.fleet("apply").status == 0)
        let moveTwo = try await two.fleet("apply")
        #expect(moveTwo.status == 0, "\(moveTwo.stdout)\(moveTwo.stderr)")
        #expect(moveTwo.stdout.contains(/create +a2\b/), "\(moveTwo.stdout)")
        #expect(Set(one.gateways().keys) == ["a1", "a3"])
        #expect(Set(two.gateways().keys) == ["a2", "b1"])
        for name in ["a1", "a3", "b1"] {
            #expect(one.gateways().merging(two.gateways()) { a, _ in a }[name] == before[name], "\(name) was restarted")
        }
        #expect(try w.state().bots["a2"] == nil)
        #expect(try FleetState.load(from: two.root + "/state.json").bots["a2"]?.phase == .Running)
    }

    @Test func aBadSelectorIsAUsageErrorThatSaysWhere() async throws {
        let w = try await FleetWorld()
        try bot(w, "a1", labels: "{host: one}")
        try w.commit()
        let host = Host(world: w, root: w.root, basePort: w.basePort, selector: "host in (one")
        let result = try await host.fleet("plan")
        #expect(result.status == 2)
        #expect(result.stderr.contains("invalid selector 'host in (one': column 13: expected ',' or ')' after the value 'one', found the end"),
                "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.root + "/state.json"))
    }
}

/// The same split with two daemons: each follows the repository with its own selector, state root
/// and port base, and neither touches the other's bots.
@Suite struct ShardingDaemonTests {
    @Test func twoDaemonsWithDisjointSelectors() async throws {
        let w = try await FleetWorld()
        let rootTwo = w.git.path("state-two")
        for (name, host) in [("p1", "one"), ("p2", "one"), ("q1", "two")] {
            try w.git.write("repo", "fleet/bots/\(name).yaml", """
                apiVersion: fleet/v1
                kind: Bot
                metadata: {name: \(name), labels: {host: \(host)}}
                spec:
                  channels: [{type: telegram, credentials: {botToken: "tok-\(name)"}}]
                """)
        }
        try w.commit("two hosts")
        func start(_ root: String, _ selector: String, basePort: Int) throws -> DaemonRun {
            try DaemonRun(w, ["--selector", selector, "--interval", "1s"], root: root,
                          environment: ["OPENCLAW_BASE_PORT": String(basePort)])
        }
        let one = try start(w.root, "host=one", basePort: w.basePort)
        let two = try start(rootTwo, "host=two", basePort: w.basePort + 1000)
        defer {
            // After the test, off its thread: both daemons stop, then both hosts' gateways. The
            // world is kept until then: its own teardown, on another thread, could stop host
            // one's gateways while daemon one still ran and healed them back (they outlived the test).
            let keep = UncheckedBox((one, two, w))
            var env = w.env()
            env["OPENCLAW_BASE_PORT"] = String(w.basePort + 1000)
            let (binary, repo, rootOne, environmentOne, environmentTwo) = (w.fleetBinary, w.repo, w.root, w.env(), env)
            BackgroundTeardown.run {
                for daemon in [keep.value.0, keep.value.1] where daemon.process.isRunning {
                    daemon.process.terminate()
                    daemon.process.waitForExit()
                }
                _ = try? runProcess(binary, ["destroy", "--repo", repo, "--state-root", rootOne], env: environmentOne)
                _ = try? runProcess(binary, ["destroy", "--repo", repo, "--state-root", rootTwo], env: environmentTwo)
                withExtendedLifetime(keep) {}
            }
        }
        @Sendable func running(_ root: String) -> Set<String> { Set(ProcessTable.gateways(under: root).keys) }
        #expect(await eventually { running(w.root) == ["p1", "p2"] && running(rootTwo) == ["q1"] })
        let pids = ProcessTable.gateways(under: w.root).compactMapValues { $0.first?.pid }
        // Three more rounds of both daemons change nothing.
        let (roundsOne, roundsTwo) = (one.rounds, two.rounds)
        #expect(await eventually { one.rounds >= roundsOne + 3 && two.rounds >= roundsTwo + 3 }, "\(one.output)\n\(two.output)")
        #expect(ProcessTable.gateways(under: w.root).compactMapValues { $0.first?.pid } == pids)
        #expect(running(rootTwo) == ["q1"])
        let stateTwo = try FleetState.load(from: rootTwo + "/state.json")
        #expect(Set(stateTwo.bots.keys) == ["q1"])
        #expect(stateTwo.bots["q1"]?.port == w.basePort + 1000)
    }
}
