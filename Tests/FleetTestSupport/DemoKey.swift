import Foundation

/// The DEMO-ONLY key committed in `examples/demo.key` (it encrypts the demo fleet's tokens).
public enum DemoKey {
    /// A copy of `examples/demo.key` with mode 0600 (git does not keep modes, and fleet refuses a
    /// key file others can read), in a fresh temporary directory.
    public static func file(from testFile: String = #filePath) throws -> String {
        let root = TestPaths.repositoryRoot(from: testFile)
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/examples/demo.key"))
        let dir = NSTemporaryDirectory() + "fleet-demo-key-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = dir + "/demo.key"
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return path
    }
}
