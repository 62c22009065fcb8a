import CGit2
import Dispatch
import Glibc
import Synchronization

/// Walks a tree recursively (by index, no C callbacks) and collects its entries as `GitTreeFile`s.
///
/// Blob sizes come from `git_odb_read_header`, so blobs over the limit are never loaded. The walk
/// only lists the entries; ``readFiles()`` then reads the blobs on every core: 1,000 loose
/// objects, each opened twice (header, then content) and inflated, took a quarter of
/// `fleet validate`'s time on one core. A `git_odb` is thread-safe but reads under one lock
/// (two threads on one were slower than one), so each extra worker opens its own.
struct GitTreeReader {
    /// The `git_repository *` the trees belong to.
    let repository: OpaquePointer
    /// The repository's object database (`git_odb *`), borrowed.
    let odb: OpaquePointer
    /// Blobs larger than this are listed with their size but not read.
    let maxBlobSize: Int
    /// The entries listed so far, in tree order (which is byte order of the full paths).
    private var entries: [Entry] = []

    /// A listed non-tree entry, its blob not read yet.
    private struct Entry: @unchecked Sendable {
        var path: String
        var kind: GitEntryKind
        var oid: git_oid?
    }

    init(repository: OpaquePointer, odb: OpaquePointer, maxBlobSize: Int) {
        self.repository = repository
        self.odb = odb
        self.maxBlobSize = maxBlobSize
    }

    /// Adds every entry below `tree` (a `git_tree *`), naming each `prefix + name`.
    mutating func walk(_ tree: OpaquePointer, prefix: String) throws(GitError) {
        let count = git_tree_entrycount(tree)
        entries.reserveCapacity(entries.count + count)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let path = prefix + String(cString: git_tree_entry_name(entry))
            if git_tree_entry_filemode(entry) == GIT_FILEMODE_TREE {
                try walkSubtree(entry, path: path)
            } else {
                add(entry, path: path)
            }
        }
    }

    /// Adds every entry below the subtree named by `entry` (a `git_tree_entry *` of mode tree).
    mutating func walkSubtree(_ entry: OpaquePointer, path: String) throws(GitError) {
        var subtree: OpaquePointer?
        try gitCheck(git_tree_lookup(&subtree, repository, git_tree_entry_id(entry)), "reading tree '\(path)'")
        guard let subtree else { return }
        defer { git_tree_free(subtree) }
        try walk(subtree, prefix: path + "/")
    }

    /// Adds the single non-tree `entry` under `path` (its blob is read by ``readFiles()``).
    mutating func add(_ entry: OpaquePointer, path: String) {
        entries.append(Entry(path: path, kind: GitEntryKind(git_tree_entry_filemode(entry)), oid: git_tree_entry_id(entry)?.pointee))
    }

    /// Every entry listed, in tree order, with the blobs within the size limit read (on every
    /// core for a long list). The first entry, in tree order, that cannot be read throws.
    func readFiles() throws(GitError) -> [GitTreeFile] {
        let workers = min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 8, entries.count / 16)
        guard workers > 1 else {
            var files: [GitTreeFile] = []
            files.reserveCapacity(entries.count)
            for entry in entries { files.append(try file(for: entry, in: odb)) }
            return files
        }
        var results = [Result<GitTreeFile, GitError>?](repeating: nil, count: entries.count)
        let objects = objectsDirectory()
        // The reader holds the borrowed odb (used by worker 0 only) and the listed entries (read only).
        nonisolated(unsafe) let reader = self
        let count = entries.count
        // Workers take small runs of entries as they go, so a late or slowed worker holds up no one.
        let run = max(1, count / (workers * 32))
        let next = Atomic<Int>(0)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var own: OpaquePointer?
                if worker > 0, let objects, git_odb_open(&own, objects) < 0 { own = nil }
                defer { if let own { git_odb_free(own) } }
                let odb = own ?? reader.odb
                while true {
                    let start = next.wrappingAdd(run, ordering: .relaxed).oldValue
                    guard start < count else { return }
                    // libgit2's last error is per thread: each entry's error is made where it failed.
                    for i in start..<min(start + run, count) {
                        out[i] = Result { () throws(GitError) in try reader.file(for: reader.entries[i], in: odb) }
                    }
                }
            }
        }
        var files: [GitTreeFile] = []
        files.reserveCapacity(entries.count)
        for result in results {
            switch result {
            case .success(let file): files.append(file)
            case .failure(let error): throw error
            case nil: continue
            }
        }
        return files
    }

    /// The repository's object directory (the common one for a linked worktree), nil if unknown.
    private func objectsDirectory() -> String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_repository_item_path(&buffer, repository, GIT_REPOSITORY_ITEM_OBJECTS) == 0, let path = buffer.ptr else { return nil }
        return String(cString: path)
    }

    /// Describes a non-tree entry, reading its blob from `odb` when it is a file within the size limit.
    private func file(for entry: Entry, in odb: OpaquePointer) throws(GitError) -> GitTreeFile {
        let path = entry.path, kind = entry.kind
        if kind == .submodule {
            return GitTreeFile(path: path, kind: .submodule, size: 0, data: nil)
        }
        guard var oid = entry.oid else {
            return GitTreeFile(path: path, kind: kind, size: 0, data: nil)
        }
        var size = 0
        var type = GIT_OBJECT_INVALID
        try gitCheck(git_odb_read_header(&size, &type, odb, &oid), "reading the size of '\(path)'")
        guard kind != .symlink, size <= maxBlobSize else {
            return GitTreeFile(path: path, kind: kind, size: size, data: nil)
        }
        let data = try GitTreeReader.readBlob(odb: odb, oid: &oid, path: path)
        return GitTreeFile(path: path, kind: kind, size: data.count, data: data)
    }

    /// Reads a whole object's bytes from the object database.
    static func readBlob(odb: OpaquePointer, oid: UnsafePointer<git_oid>, path: String) throws(GitError) -> [UInt8] {
        var object: OpaquePointer?
        try gitCheck(git_odb_read(&object, odb, oid), "reading '\(path)'")
        guard let object else { return [] }
        defer { git_odb_object_free(object) }
        let count = git_odb_object_size(object)
        guard count > 0, let bytes = git_odb_object_data(object) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

extension GitEntryKind {
    /// The kind for a git file mode; unknown modes count as plain blobs.
    init(_ mode: git_filemode_t) {
        switch mode {
        case GIT_FILEMODE_TREE: self = .tree
        case GIT_FILEMODE_BLOB_EXECUTABLE: self = .executable
        case GIT_FILEMODE_LINK: self = .symlink
        case GIT_FILEMODE_COMMIT: self = .submodule
        default: self = .blob
        }
    }
}
