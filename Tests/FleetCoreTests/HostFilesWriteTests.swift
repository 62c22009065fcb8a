@testable import FleetCore
import FleetTestSupport
import Foundation
import Testing

/// `HostFiles`' writes: directories made with their parents at 0700, atomic replacements with or
/// without syncs, secrets made once and made again when what is there is not one.
@Suite struct HostFilesWriteTests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test func directoriesAreMadeWithTheirParentsAt0700() throws {
        let dir = try TempDirectory(prefix: "fleet-hostfiles-dirs")
        let deep = dir.path + "/a/b/c"
        try HostFiles.makeDirectory(deep)
        for path in [dir.path + "/a", dir.path + "/a/b", deep] { #expect(mode(path) == 0o700, "\(path)") }
        // An existing directory is tightened; making it again is no error.
        chmod(deep, 0o755)
        try HostFiles.makeDirectory(deep)
        #expect(mode(deep) == 0o700)
        // A file where a parent should be: the error names that path.
        try HostFiles.writeAtomically(dir.path + "/file", Array("x".utf8))
        #expect {
            try HostFiles.makeDirectory(dir.path + "/file/sub")
        } throws: { error in
            (error as? FileError)?.path == dir.path + "/file/sub" && (error as? FileError)?.code == ENOTDIR
        }
        #expect(throws: FileError.self) { try HostFiles.makeDirectory(dir.path + "/file/sub/deeper") }
    }

    @Test func replacementsWithAndWithoutSyncsLeaveTheNewBytesAndNoTemporaryFile() throws {
        let dir = try TempDirectory(prefix: "fleet-hostfiles-write")
        let path = dir.file("config.json5")
        for (durable, text) in [(true, "first"), (false, "second, longer"), (false, "3")] {
            try HostFiles.writeAtomically(path, Array(text.utf8), mode: 0o600, durable: durable)
            #expect(HostFiles.read(path) == Array(text.utf8))
            #expect(mode(path) == 0o600)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["config.json5"])
    }

    @Test func aSecretIsMadeOnceAndMadeAgainWhenWhatIsThereIsNotOne() throws {
        let dir = try TempDirectory(prefix: "fleet-hostfiles-secret")
        let path = dir.file("token")
        var made = 0
        let make = { () -> [UInt8] in
            made += 1
            return Array(String(repeating: "ab", count: 32).utf8)
        }
        let valid = { (bytes: [UInt8]) in bytes.count == 64 }
        let first = try HostFiles.readOrCreateSecret(path, durable: false, valid: valid, make: make)
        #expect(try HostFiles.readOrCreateSecret(path, durable: false, valid: valid, make: make) == first)
        #expect(made == 1)
        // What a power loss can leave of an unsynced file: zeros of the right size, or nothing.
        try HostFiles.writeAtomically(path, [UInt8](repeating: 0, count: 10))
        #expect(try HostFiles.readOrCreateSecret(path, durable: false, valid: valid, make: make) == first)
        #expect(made == 2)
        try HostFiles.writeAtomically(path, [])
        _ = try HostFiles.readOrCreateSecret(path, make: make)
        #expect(made == 3)
    }
}
