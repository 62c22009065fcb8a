import Glibc
import OpenClawConfig
import Synchronization

/// The release each gateway binary answered, remembered for as long as the binary's files stay
/// the same: the daemon asks `<gatewayCommand> --version` once per binary, not once per round.
///
/// A real `openclaw --version` is a Node start (a few hundred milliseconds, more on a busy
/// host) and every round, the SIGHUP after a commit included, waited for it. The key is the
/// version command and, for each of its words that is an executable file (the program, or
/// `openclaw-sim` after `env X=1`), its identity: device, inode, size, mtime and ctime. An
/// upgrade replaces the file (npm writes a new package), so it is asked again and the plan
/// restarts the gateways on the new release, as before.
enum OpenClawVersionCache {
    private struct Entry {
        var identity: [String]
        var release: OpenClawRelease
        var words: [String]
    }

    private static let entries = Mutex<[String: Entry]>([:])

    /// The identity of the files `words` name: programs found as the gateway command is found,
    /// and any word that is a path to a file (`node /opt/openclaw/openclaw.mjs`).
    static func identity(of words: [String]) -> [String] {
        words.compactMap { word -> String? in
            guard let path = word.contains("/") ? word : GatewayProcess.resolveExecutable(word) else { return nil }
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            return "\(path)|\(info.st_dev)|\(info.st_ino)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
        }
    }

    /// The release remembered for `words` if their files have not changed.
    static func lookup(_ words: [String]) -> (OpenClawRelease, [String])? {
        let key = words.joined(separator: "\u{0}")
        let identity = identity(of: words)
        return entries.withLock { entries in
            guard let entry = entries[key], !identity.isEmpty, entry.identity == identity else { return nil }
            return (entry.release, entry.words)
        }
    }

    /// Remembers what `words` answered (a failure is never remembered: it is asked again).
    static func remember(_ words: [String], release: OpenClawRelease, answeredBy: [String]) {
        let key = words.joined(separator: "\u{0}")
        let identity = identity(of: words)
        guard !identity.isEmpty else { return }
        entries.withLock { $0[key] = Entry(identity: identity, release: release, words: answeredBy) }
    }
}
