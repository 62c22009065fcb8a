#if canImport(Glibc)
import Glibc
#endif

/// Lists a directory tree the way `FileManager.enumerator(atPath:)` does: every entry's path
/// relative to the top, parents before children, symlinks listed but never followed.
package enum DirectoryWalk {
    /// Relative paths of every entry below `directory` (empty when it cannot be read).
    package static func relativePaths(under directory: String) -> [String] {
        var out: [String] = []
        walk(directory, prefix: "", into: &out, depth: 0)
        return out
    }

    private static func walk(_ directory: String, prefix: String, into out: inout [String], depth: Int) {
        guard depth < 64, let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names.sorted() {
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            out.append(relative)
            var info = stat()
            let full = directory + "/" + name
            if lstat(full, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                walk(full, prefix: relative, into: &out, depth: depth + 1)
            }
        }
    }
}
