import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `fleet plan` says when the gateway command is not installed, before apply fails for every bot.
@Suite struct PlanGatewayCommandTests {
    @Test func planWarnsOfAMissingGatewayCommandAndHowToFixIt() async throws {
        let w = try await FleetWorld(gatewayCommand: "[no-such-openclaw, gateway, run]")
        try w.bot("alpha")
        try w.bot("beta")
        try w.commit()
        let plan = try await w.fleet("plan")
        #expect(plan.status == 0, "a warning, not an error: \(plan.stderr)")
        #expect(plan.stdout.contains("create   alpha"), "\(plan.stdout)")
        #expect(plan.stderr.contains("warning: the gateway command 'no-such-openclaw' is neither beside fleet nor on PATH: apply would fail to start alpha, beta"),
                "\(plan.stderr)")
        #expect(plan.stderr.contains("fix: install OpenClaw (npm install -g openclaw) so 'no-such-openclaw' is on PATH, or set spec.gatewayCommand in fleet/fleet.yaml"),
                "\(plan.stderr)")
        let json = try await w.fleet("plan", "--json")
        #expect(json.stderr.contains("'no-such-openclaw'"))
        #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil, "stdout stays pure JSON")
        // What the warning foretold.
        let apply = try await w.fleet("apply")
        #expect(apply.status != 0 && (apply.stdout + apply.stderr).contains("'no-such-openclaw' not found"), "\(apply.stdout)\(apply.stderr)")
    }

    @Test func noWarningWhenTheCommandIsThere() async throws {
        let w = try await FleetWorld()  // openclaw-sim, beside fleet
        try w.bot("alpha")
        try w.commit()
        let plan = try await w.fleet("plan")
        #expect(plan.status == 0 && !plan.stderr.contains("warning"), "\(plan.stderr)")
    }
}
