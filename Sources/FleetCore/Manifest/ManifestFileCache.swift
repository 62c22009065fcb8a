import Synchronization

/// What the files of the last load yielded, by path and bytes: the daemon reads every manifest
/// at each round, and a commit that changes one bot's file leaves the others' bytes (and so what
/// they yield: reading a file is a function of its path and bytes) as they were. Only the
/// entries of the last load are kept (a few hundred KiB for 200 bots), so memory follows the
/// fleet, not the history. `shared` serves every load of the process.
final class ManifestFileCache: Sendable {
    /// A file by path and bytes; hashed by the path and a word-wise hash of the bytes (hashing
    /// the bytes one by one cost a one-shot `fleet validate` of 1,000 bots ~10 ms).
    struct Key: Hashable, Sendable {
        var path: String
        var bytes: [UInt8]
        var digest: UInt64

        init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
            digest = WordHash.hash(bytes)
        }

        static func == (a: Key, b: Key) -> Bool { a.digest == b.digest && a.path == b.path && a.bytes == b.bytes }

        func hash(into hasher: inout Hasher) {
            hasher.combine(path)
            hasher.combine(digest)
        }
    }

    /// The cache of the process's loads.
    static let shared = ManifestFileCache()

    private let last = Mutex<[Key: ManifestLoader.FileResult]>([:])

    /// What each file yields, in order: from the last load where the file is unchanged, read
    /// (on every core) where not.
    func results(for files: [SourceFile], _ read: @Sendable (SourceFile) -> ManifestLoader.FileResult) -> [ManifestLoader.FileResult] {
        let keys = files.map { Key(path: $0.path, bytes: $0.bytes) }
        let known = last.withLock { cache in keys.map { cache[$0] } }
        let missing = files.indices.filter { known[$0] == nil }
        let fresh = ParallelMap.map(missing.map { files[$0] }, read)
        var results = known
        for (index, result) in zip(missing, fresh) { results[index] = result }
        let all = results.compactMap { $0 }
        var next: [Key: ManifestLoader.FileResult] = [:]
        next.reserveCapacity(keys.count)
        for (key, result) in zip(keys, all) { next[key] = result }
        last.withLock { $0 = next }
        return all
    }
}
