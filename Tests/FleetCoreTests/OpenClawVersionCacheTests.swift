@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `<gatewayCommand> --version` is asked once per gateway binary, and again when its file changes.
@Suite struct OpenClawVersionCacheTests {
    /// A gateway command whose `--version` prints `release` and counts its runs in `calls`.
    func writeGateway(_ path: String, release: String, calls: String) throws {
        try "echo run >> '\(calls)'\necho 'OpenClaw \(release) (abc1234)'\n".write(toFile: path, atomically: true, encoding: .utf8)
    }

    func runs(_ calls: String) -> Int {
        ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test func askedOnceThenAgainWhenTheBinaryChanges() async throws {
        let dir = try TempDirectory(prefix: "fleet-version-cache")
        let script = dir.path + "/openclaw.sh"
        let calls = dir.path + "/calls"
        try writeGateway(script, release: "2026.9.6", calls: calls)
        // `sh script`: the script is a word naming a file, not an executable found on PATH.
        let command = ["sh", script, "gateway", "run"]
        for _ in 0..<3 {
            guard case .success(let (release, _)) = await OpenClawVersionProbe.detectOffPool(command) else {
                Issue.record("detection failed")
                return
            }
            #expect(release.description == "2026.9.6")
        }
        #expect(runs(calls) == 1, "asked \(runs(calls)) times for one binary")

        // An upgrade: the file is replaced.
        try writeGateway(script, release: "2026.8.1", calls: calls)
        guard case .success(let (upgraded, _)) = await OpenClawVersionProbe.detectOffPool(command) else {
            Issue.record("detection failed")
            return
        }
        #expect(upgraded.description == "2026.8.1")
        #expect(runs(calls) == 2)
    }

    @Test func aFailureIsAskedAgain() async throws {
        let dir = try TempDirectory(prefix: "fleet-version-cache")
        let script = dir.path + "/broken.sh"
        let calls = dir.path + "/calls"
        try "echo run >> '\(calls)'\nexit 3\n".write(toFile: script, atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            guard case .failure = await OpenClawVersionProbe.detectOffPool(["sh", script, "gateway"]) else {
                Issue.record("a failing command was taken for a release")
                return
            }
        }
        #expect(runs(calls) == 2)
    }
}
