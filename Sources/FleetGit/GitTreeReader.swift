import CGit2

/// Walks a tree recursively (by index, no C callbacks) and collects its entries as `GitTreeFile`s.
///
/// Blob sizes come from `git_odb_read_header`, so blobs over the limit are never loaded.
struct GitTreeReader {
    /// The `git_repository *` the trees belong to.
    let repository: OpaquePointer
    /// The repository's object database (`git_odb *`), borrowed.
    let odb: OpaquePointer
    /// Blobs larger than this are listed with their size but not read.
    let maxBlobSize: Int
    /// The entries collected so far, in tree order (which is byte order of the full paths).
    private(set) var files: [GitTreeFile] = []

    init(repository: OpaquePointer, odb: OpaquePointer, maxBlobSize: Int) {
        self.repository = repository
        self.odb = odb
        self.maxBlobSize = maxBlobSize
    }

    /// Adds every entry below `tree` (a `git_tree *`), naming each `prefix + name`.
    mutating func walk(_ tree: OpaquePointer, prefix: String) throws(GitError) {
        let count = git_tree_entrycount(tree)
        files.reserveCapacity(files.count + count)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let path = prefix + String(cString: git_tree_entry_name(entry))
            if git_tree_entry_filemode(entry) == GIT_FILEMODE_TREE {
                try walkSubtree(entry, path: path)
            } else {
                files.append(try file(for: entry, path: path))
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

    /// Adds the single non-tree `entry` under `path`.
    mutating func add(_ entry: OpaquePointer, path: String) throws(GitError) {
        files.append(try file(for: entry, path: path))
    }

    /// Describes a non-tree entry, reading its blob when it is a file within the size limit.
    func file(for entry: OpaquePointer, path: String) throws(GitError) -> GitTreeFile {
        let kind = GitEntryKind(git_tree_entry_filemode(entry))
        if kind == .submodule {
            return GitTreeFile(path: path, kind: .submodule, size: 0, data: nil)
        }
        guard let oid = git_tree_entry_id(entry) else {
            return GitTreeFile(path: path, kind: kind, size: 0, data: nil)
        }
        var size = 0
        var type = GIT_OBJECT_INVALID
        try gitCheck(git_odb_read_header(&size, &type, odb, oid), "reading the size of '\(path)'")
        guard kind != .symlink, size <= maxBlobSize else {
            return GitTreeFile(path: path, kind: kind, size: size, data: nil)
        }
        let data = try GitTreeReader.readBlob(odb: odb, oid: oid, path: path)
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
