@testable import FleetCore
import Testing

/// Gateways past the host's inotify instances never apply a config change: fleet says so first.
@Suite struct InotifyInstancesTests {
    @Test func aHostWithInstancesToSpareSaysNothing() {
        #expect(InotifyInstances.shortfall(gateways: 50, limit: 128) == nil)
        #expect(InotifyInstances.shortfall(gateways: 120, limit: 128) == nil)
        #expect(InotifyInstances.shortfall(gateways: 200, limit: nil) == nil)
    }

    @Test func gatewaysPastTheLimitAreNamedWithTheFix() throws {
        let shortfall = try #require(InotifyInstances.shortfall(gateways: 121, limit: 128))
        #expect(shortfall.description.contains("121 gateways"))
        #expect(shortfall.description.contains("fs.inotify.max_user_instances is 128"))
        #expect(shortfall.description.contains("config watcher error"))
        #expect(shortfall.fix == "sysctl -w fs.inotify.max_user_instances=1024, and keep it in /etc/sysctl.d/60-fleet.conf")
        // Enough for twice the fleet, as a power of two.
        #expect(InotifyInstances(gateways: 600, limit: 128).suggested == 2048)
    }

    @Test func onlyGatewaysThatRunCount() throws {
        let root = "/tmp/fleet-inotify"
        var bots = try (0..<130).map { try desiredBot("b\($0)", root: root, port: 30_000 + 20 * $0) }
        #expect(InotifyInstances.shortfall(for: bots, limit: 128)?.gateways == 130)
        for i in 0..<10 { bots[i].enabled = false }
        for i in 10..<20 { bots[i].suspended = true }
        #expect(InotifyInstances.shortfall(for: bots, limit: 128) == nil)
    }

    @Test func thisHostsLimitIsRead() {
        // Linux has the file; its value is whatever the host set.
        #expect((InotifyInstances.readLimit() ?? 0) > 0)
    }
}
