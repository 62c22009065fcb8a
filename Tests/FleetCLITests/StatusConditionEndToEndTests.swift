import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `fleet status` shows the source's condition first while a real daemon follows an invalid
/// commit, and says when the daemon stops.
@Suite struct StatusConditionEndToEndTests {
    @Test func statusShowsAnInvalidFetchedCommitFirstThenAStoppedDaemon() async throws {
        let w = try await FleetWorld()
        try w.bot("a")
        let good = try w.commit("one bot")
        let daemon = try DaemonRun(w, ["--interval", "1s"])
        #expect(await daemon.waitFor { $0.appliedCommit == good && $0.bots["a"]?.phase == .Running }, "\(daemon.output)")
        try w.git.write("repo", "fleet/bots/b.yaml", "apiVersion: fleet/v1\nkind: Bot\nmetadata: {name: Not_A_Slug}\nspec: {}\n")
        let bad = try w.commit("a broken bot")
        #expect(await daemon.waitFor { $0.source?.phase == SourceStatus.Phase.invalid && $0.fetchedCommit == bad }, "\(daemon.output)")

        let table = try await w.fleet("status").stdout
        #expect(table.hasPrefix("source: the fetched commit \(bad.prefix(7)) has invalid manifests and is not applied; the gateways keep running commit \(good.prefix(7))"), "\(table)")
        #expect(table.contains("fix: fleet validate --repo \(w.repo) --ref \(bad.prefix(7))"), "\(table)")
        let json = try await w.fleet("status", "--json").stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let first = try #require((object["condition"] as? [[String: Any]])?.first)
        #expect(first["kind"] as? String == "invalidCommit")
        // The suggested command shows why.
        let validate = try await runProcess(w.fleetBinary, ["validate", "--repo", w.repo, "--ref", String(bad.prefix(7))], env: w.env())
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("Not_A_Slug") || validate.stderr.contains("Not_A_Slug"))

        await daemon.stop()
        let stopped = try await w.fleet("status", "--json").stdout
        let kinds = ((try JSONSerialization.jsonObject(with: Data(stopped.utf8)) as? [String: Any])?["condition"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["invalidCommit", "daemonNotRunning"], "\(stopped.prefix(600))")
    }
}
