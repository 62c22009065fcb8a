@testable import FleetCore
import Foundation
import TestChild
import Testing

/// `DaemonControl`: the daemon of a state root found by its pid file, asked to reconcile with
/// SIGHUP, and the request journaled with who asked.
@Suite struct DaemonControlTests {
    @Test func aReconcileRequestSignalsTheDaemonAndIsJournaledWithTheUser() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("daemonctl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(DaemonControl.runningPid(root: root) == nil)
        #expect(try DaemonControl.requestReconcile(root: root, askedBy: "alice") == nil)
        #expect(!FileManager.default.fileExists(atPath: Applier.journalPath(root)), "nothing journaled without a daemon")

        // A stand-in daemon: a shell whose command line says "daemon" and that records SIGHUP.
        let marker = root + "/hup"
        let process = try TestChild(
            "/bin/sh", ["-c", "trap 'echo hup > \(marker)' HUP; echo ready > \(root)/ready; while :; do sleep 0.05; done", "daemon"],
            stdout: .inherit, stderr: .inherit)
        defer { process.terminate(); process.waitForExit() }
        try "\(process.pid)\n".write(toFile: Daemon<ContinuousClock>.pidFile(root), atomically: true, encoding: .utf8)
        while !FileManager.default.fileExists(atPath: root + "/ready") { usleep(10_000) }  // the trap is set

        #expect(DaemonControl.runningPid(root: root) == process.pid)
        let pid = try DaemonControl.requestReconcile(root: root, askedBy: "alice")
        #expect(pid == process.pid)
        while !FileManager.default.fileExists(atPath: marker) { usleep(10_000) }  // the signal arrived
        let entries = Journal.read(Applier.journalPath(root))
        #expect(entries.count == 1)
        #expect(entries.first?.user == "alice")
        #expect(entries.first?.action == "reconcile")
        #expect(entries.first?.reasons == ["reconcile now asked by alice"])

        // A pid file naming some other program is not a daemon.
        try "\(getpid())\n".write(toFile: Daemon<ContinuousClock>.pidFile(root), atomically: true, encoding: .utf8)
        #expect(DaemonControl.runningPid(root: root) == nil)
    }
}
