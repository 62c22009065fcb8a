import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `fleet conformance` against the stand-in: it passes for a persona, and a gateway that breaks one
/// rule fails it with a report that names the rule, what came instead and OpenClaw's source.
@Suite struct ConformanceTests {
    func conformance(_ release: String, breaking rule: String? = nil, json: Bool = false) async throws -> ProcessResult {
        let sim = TestPaths.executable("openclaw-sim")
        let command = "env OPENCLAW_SIM_VERSION=\(release)" + (rule.map { " OPENCLAW_SIM_BREAK=\($0)" } ?? "") + " \(sim) gateway run"
        return try await runProcess(TestPaths.executable("fleet"), ["conformance", "--gateway-command", command, "--start-timeout", "60s"]
                              + (json ? ["--json"] : []))
    }

    @Test func theStandInKeepsTheContract() async throws {
        let result = try await conformance("2026.9.6")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("(OpenClaw 2026.9.6)"))
        for id in ["protocol.handshake", "refusal.client-id", "refusal.scope", "reload.hot", "stop", "refusal.legacy-key"] {
            #expect(result.stdout.contains("PASS  \(id)"), "\(id):\n\(result.stdout)")
        }
        #expect(result.stdout.contains("0 failed"))
    }

    /// A gateway that accepts any client id: the one check fails, readably, and the run exits 1.
    @Test func aGatewayBreakingOneRuleFailsWithAReadableReport() async throws {
        let result = try await conformance("2026.9.6", breaking: "client-id")
        #expect(result.status == 1, "\(result.stdout)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let failed = lines.filter { $0.contains("FAIL") }
        #expect(failed.count == 1 && failed.first?.contains("refusal.client-id") == true, "\(result.stdout)")
        #expect(result.stdout.contains("expected a refusal (invalidConnectParams); the gateway accepted"))
        #expect(result.stdout.contains("OpenClaw: src/gateway/protocol/client-info.ts"))
        #expect(result.stdout.contains("1 failed") && result.stdout.contains("the gateway breaks fleet's contract"))

        let json = try await conformance("2026.4.27", breaking: "null-optionals", json: true)
        #expect(json.status == 1)
        let report = try JSONDecoder().decode(ConformanceReport.self, from: Data(json.stdout.utf8))
        #expect(report.release == "2026.4.27")
        #expect(report.checks.filter { $0.result == .fail }.map(\.id) == ["method.channels.status"])
        #expect(report.checks.first { $0.id == "method.channels.status" }?.detail.contains("is null") == true)
    }
}
