import CGit2
import Glibc

/// One file a commit changed, relative to its first parent.
public struct GitChangedFile: Sendable, Hashable {
    /// What happened to the file.
    public enum Status: String, Sendable {
        case added, deleted, modified, renamed, other
    }

    /// The path (the new one for a rename).
    public var path: String
    /// The old path of a rename.
    public var oldPath: String?
    /// What happened.
    public var status: Status
}

extension GitRepository {
    /// The files below `path` that `commit` changed compared with its first parent (every file
    /// for a root commit), in path order (`git_diff_tree_to_tree`).
    public func changedFiles(in commit: String, under path: String = "") throws(GitError) -> [GitChangedFile] {
        let operation = "listing the files changed by '\(commit)'"
        let handle = try lookupCommit(commit, operation: operation)
        let newTree = try tree(of: handle, operation: operation)
        var parentTree: GitHandle?
        if git_commit_parentcount(handle.pointer) > 0 {
            var parent: OpaquePointer?
            try gitCheck(git_commit_parent(&parent, handle.pointer, 0), operation)
            if let parent {
                let parentHandle = GitHandle(parent) { git_commit_free($0) }
                parentTree = try tree(of: parentHandle, operation: operation)
            }
        }
        var options = git_diff_options()
        try gitCheck(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), operation)
        let relative = GitRepository.normalizedTreePath(path)
        var diff: OpaquePointer?
        let code: Int32
        if relative.isEmpty {
            code = git_diff_tree_to_tree(&diff, pointer, parentTree?.pointer, newTree.pointer, &options)
        } else {
            let spec = strdup(relative)
            defer { free(spec) }
            var specs: [UnsafeMutablePointer<CChar>?] = [spec]
            code = specs.withUnsafeMutableBufferPointer { buffer in
                options.pathspec = git_strarray(strings: buffer.baseAddress, count: 1)
                return git_diff_tree_to_tree(&diff, pointer, parentTree?.pointer, newTree.pointer, &options)
            }
        }
        try gitCheck(code, operation)
        guard let diff else { return [] }
        defer { git_diff_free(diff) }
        var out: [GitChangedFile] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let newPath = delta.new_file.path.map { String(cString: $0) } ?? ""
            let oldPath = delta.old_file.path.map { String(cString: $0) }
            let status: GitChangedFile.Status
            switch delta.status {
            case GIT_DELTA_ADDED: status = .added
            case GIT_DELTA_DELETED: status = .deleted
            case GIT_DELTA_MODIFIED: status = .modified
            case GIT_DELTA_RENAMED: status = .renamed
            default: status = .other
            }
            out.append(GitChangedFile(path: status == .deleted ? (oldPath ?? newPath) : newPath,
                                      oldPath: status == .renamed ? oldPath : nil, status: status))
        }
        return out.sorted { $0.path < $1.path }
    }

    /// The first parent of `commit`, nil for a root commit.
    public func parent(of commit: String) throws(GitError) -> GitCommitInfo? {
        let operation = "reading the parent of '\(commit)'"
        let handle = try lookupCommit(commit, operation: operation)
        guard git_commit_parentcount(handle.pointer) > 0 else { return nil }
        var parent: OpaquePointer?
        try gitCheck(git_commit_parent(&parent, handle.pointer, 0), operation)
        guard let parent else { return nil }
        defer { git_commit_free(parent) }
        return GitCommitInfo(commit: parent)
    }
}
