import FleetCore
import FleetTestSupport
import Foundation
import TestChild
import Testing

/// `fleet users` and `fleet serve` as a person runs them.
@Suite struct ConsoleCommandTests {
    @Test func usersAreSetListedAndRemovedWithoutThePasswordEverWritten() async throws {
        let w = try await FleetWorld()
        try w.git.write("repo", "fleet/fleet.yaml", """
            apiVersion: fleet/v1
            kind: Fleet
            metadata: {name: t}
            spec:
              secrets: {allowPlaintext: true}
              access:
                - {user: alice, role: operator, bots: team=care}
            """)
        try w.bot("a")
        try w.commit()
        let set = try await runProcess(w.fleetBinary, ["users", "set", "alice", "--password-stdin", "--repo", w.repo, "--state-root", w.root],
                                 env: w.env(), stdin: Data("a long secret\n".utf8))
        #expect(set.status == 0, "\(set.stderr)")
        let path = ConsoleUsers.path(root: w.root)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("a long secret"))
        #expect(try ConsoleUsers.load(root: w.root).verify("alice", password: Array("a long secret".utf8)))
        // A user spec.access does not list is told so.
        let bob = try await runProcess(w.fleetBinary, ["users", "set", "bob", "--password-stdin", "--repo", w.repo, "--state-root", w.root],
                                 env: w.env(), stdin: Data("another secret\n".utf8))
        #expect(bob.status == 0)
        #expect(bob.stderr.contains("spec.access in the Fleet manifest gives bob no role yet"))
        let list = try await w.fleet("users", "list").stdout
        #expect(list.contains("alice") && list.contains("operator for team=care"), "\(list)")
        #expect(list.contains("none (not in spec.access)"))
        // Bad input changes nothing.
        let before = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try await runProcess(w.fleetBinary, ["users", "set", "carol", "--password-stdin", "--state-root", w.root], env: w.env(), stdin: Data("short\n".utf8)).status == 1)
        #expect(try await runProcess(w.fleetBinary, ["users", "set", "no body", "--password-stdin", "--state-root", w.root], env: w.env(), stdin: Data("long enough!\n".utf8)).status == 2)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        #expect(try await w.fleet("users", "remove", "bob").status == 0)
        #expect(try await w.fleet("users", "remove", "bob").status == 1)
        #expect(try ConsoleUsers.load(root: w.root).users.keys.sorted() == ["alice"])
    }

    @Test func serveRunsTheConsoleAndStopsGracefullyOnSIGTERM() async throws {
        let w = try await FleetWorld()
        try w.bot("a")
        try w.commit()
        let bad = try await runProcess(w.fleetBinary, ["serve", "--listen", "nowhere"], env: w.env())
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--listen must be HOST:PORT"))
        let port = w.ports.base + w.ports.span - 10
        let serve = try w.start("serve", "--listen", "127.0.0.1:\(port)")
        #expect(await eventually { HTTPProbe.get(port: port, path: "/login")?.status == 200 })
        let login = HTTPProbe.get(port: port, path: "/login")
        #expect(login?.status == 200)
        #expect(login?.body.contains("Log in") == true)
        serve.terminate()
        await serve.exited()
        #expect(serve.termination == .exit(0))
    }

    /// The console runs for days: it keeps none of the descriptors it was started with. (A
    /// shell's or a test runner's pipe held open by a background console made whoever waited for
    /// that shell wait as long as the console ran.)
    @Test func theConsoleKeepsNoneOfTheDescriptorsItWasStartedWith() async throws {
        let w = try await FleetWorld()
        try w.bot("a")
        try w.commit()
        let port = w.ports.base + w.ports.span - 11
        let inherited = w.git.path("inherited-descriptor")
        // Descriptor 7, opened without close-on-exec, as a shell's redirection leaves it.
        let shell = try TestChild(
            "/bin/sh", ["-c", #"exec 7>>"$0"; exec "$1" serve --listen "$2" --state-root "$3" --repo "$4""#,
                        inherited, w.fleetBinary, "127.0.0.1:\(port)", w.root, w.repo],
            env: w.env())
        #expect(await eventually { HTTPProbe.get(port: port, path: "/login")?.status == 200 })
        let pid = shell.pid
        let program = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
        #expect(program.hasSuffix("fleet-console"), "\(program)")
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")
        }
        #expect(!open.isEmpty, "the console's descriptors cannot be read")
        #expect(!open.contains(inherited), "the console holds its launcher's descriptor: \(open)")
        kill(pid, SIGTERM)
        await shell.exited()
    }
}
