import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `fleet render --target kubernetes` through the binary, on a repository at a commit.
@Suite struct RenderKubernetesCommandTests {
    func world() async throws -> (FleetWorld, String) {
        let w = try await FleetWorld()
        try w.bot("alpha")
        try w.bot("beta")
        try w.bot("off", extra: "  enabled: false")
        let commit = try w.commit("three bots")
        return (w, commit)
    }

    @Test func writesEveryEnabledBotAndAKustomization() async throws {
        let (w, commit) = try await world()
        let out = w.git.path("deploy")
        let result = try await runProcess(w.fleetBinary, ["render", "--target", "kubernetes", "--external-secrets", "--out", out, "--repo", w.repo],
                                    env: w.env())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Wrote 8 objects for 2 bots"), "\(result.stderr)")
        let files = try FileManager.default.subpathsOfDirectory(atPath: out).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == ["alpha/configmap.yaml", "alpha/externalsecret.yaml", "alpha/service.yaml", "alpha/statefulset.yaml",
                          "beta/configmap.yaml", "beta/externalsecret.yaml", "beta/service.yaml", "beta/statefulset.yaml",
                          "kustomization.yaml"])
        let sts = try String(contentsOfFile: out + "/alpha/statefulset.yaml", encoding: .utf8)
        #expect(sts.contains("fleet.dev/commit: \"\(commit.prefix(12))\"") || sts.contains("fleet.dev/commit: \(commit.prefix(12))"), "\(sts)")
        #expect(!sts.contains(w.root), "no host paths")
        // The same commit renders the same bytes.
        let again = try await runProcess(w.fleetBinary, ["render", "--target", "kubernetes", "--external-secrets", "--repo", w.repo], env: w.env())
        #expect(again.stdout.contains(sts.split(separator: "\n").dropFirst().joined(separator: "\n")))
        #expect(again.stdout.components(separatedBy: "\n---\n").count == 8)
    }

    @Test func secretsNeedAKeyAndHostRenderingNeedsABot() async throws {
        let (w, _) = try await world()
        let noKey = try await runProcess(w.fleetBinary, ["render", "--target", "kubernetes", "--repo", w.repo], env: w.env())
        #expect(noKey.status == 1)
        #expect(noKey.stderr.contains("--external-secrets"), "\(noKey.stderr)")
        let noBot = try await runProcess(w.fleetBinary, ["render", "--repo", w.repo], env: w.env())
        #expect(noBot.status == 2)
        #expect(noBot.stderr.contains("name a bot to render"), "\(noBot.stderr)")
        let one = try await runProcess(w.fleetBinary, ["render", "beta", "--target", "kubernetes", "--external-secrets", "--repo", w.repo],
                                 env: w.env())
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("name: beta") && !one.stdout.contains("alpha"))
    }
}
