import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// One line of the apply journal.
public struct JournalEntry: Sendable, Codable, Hashable {
    /// When.
    public var time: Date
    /// The commit applied.
    public var commit: String?
    /// The commit's author.
    public var author: String?
    /// The bot.
    public var bot: String
    /// create, destroy, reload, restart, start, stop.
    public var action: String
    /// Why.
    public var reasons: [String]
    /// ok or failed.
    public var result: String
    /// The error, when it failed (never a secret).
    public var error: String?
    /// The pid afterwards.
    public var pid: Int32?
    /// Who asked for it, when a person did through the web console (journals written before
    /// this field existed read as nil).
    public var user: String?
}

/// The append-only journal (`<root>/journal.jsonl`): one JSON object per action.
public enum Journal {
    /// Appends entries with one write (O_APPEND keeps concurrent writers' lines whole). A failed
    /// or short write, or a failed fsync, is an error (`R007`): the journal is the audit trail.
    public static func append(_ entries: [JournalEntry], to path: String) throws(ApplyError) {
        guard !entries.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var bytes: [UInt8] = []
        do {
            for entry in entries { bytes += [UInt8](try encoder.encode(entry)) + [0x0A] }
        } catch {
            throw failure(path, "cannot encode an entry: \(error)")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(path, FileError(operation: "opening", path: path, code: errno).description) }
        defer { close(fd) }
        var written = -1
        repeat {
            written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, bytes.count) }
        } while written < 0 && errno == EINTR
        guard written == bytes.count else {
            let detail = written < 0 ? String(cString: strerror(errno)) : "only \(written) of \(bytes.count) bytes written"
            throw failure(path, "appending to \(path): \(detail)")
        }
        guard fsync(fd) == 0 else { throw failure(path, "fsync \(path): \(String(cString: strerror(errno)))") }
    }

    private static func failure(_ path: String, _ detail: String) -> ApplyError {
        ApplyError(.journalWrite, "cannot write the journal: \(detail)",
                   fix: "make \(path) a writable file (and its disk not full); the action itself was carried out")
    }

    /// Every entry (lines that do not parse are skipped).
    public static func read(_ path: String) -> [JournalEntry] {
        guard let bytes = HostFiles.read(path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return bytes.split(separator: 0x0A).compactMap { try? decoder.decode(JournalEntry.self, from: Data($0)) }
    }
}
