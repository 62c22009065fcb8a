@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ProcessTable.listeners(on:)`: the holders of many taken ports from one read of the socket
/// tables, with the answers `listener(on:)` gives port by port.
@Suite struct PortListenersTests {
    /// A TCP socket bound to 127.0.0.1:`port`, listening when `listen` (else bound only).
    private func boundSocket(_ port: Int, listen: Bool) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(rc == 0, "bind \(port): errno \(errno)")
        if listen { try #require(Glibc.listen(fd, 4) == 0) }
        return fd
    }

    @Test func findsEveryHolderInOneReadAndAgreesWithTheOneByOneLookup() async throws {
        let block = await PortBlock.lease(span: 100)
        let listening = try boundSocket(block.base, listen: true)
        defer { close(listening) }
        let second = try boundSocket(block.base + 1, listen: true)
        defer { close(second) }
        // Bound but not listening: the bind test finds it taken, the socket tables do not list it.
        let bound = try boundSocket(block.base + 2, listen: false)
        defer { close(bound) }
        let free = block.base + 3
        let holders = ProcessTable.listeners(on: [block.base, block.base + 1, block.base + 2, free])
        #expect(holders[block.base]?.pid == getpid())
        #expect(holders[block.base + 1]?.pid == getpid())
        #expect(holders[block.base]?.commandLine == ProcessTable.process(getpid())?.commandLine)
        #expect(holders[free] == nil)
        #expect(holders.count == 2)
        for port in [block.base, block.base + 1, block.base + 2, free] {
            #expect(holders[port]?.pid == ProcessTable.listener(on: port)?.pid, "port \(port)")
        }
        #expect(ProcessTable.listeners(on: []).isEmpty)
    }
}
