import Foundation

/// A scratch directory with real git repositories made by the `git` CLI; removed on deinit.
///
/// Author and committer dates are fixed and increase by one minute per commit, and HOME points
/// into the scratch directory so no global git configuration interferes.
public final class GitFixture {
    /// The scratch directory.
    public let root: String
    private var clock = 1_700_000_000

    public struct CommandError: Error, CustomStringConvertible {
        public var description: String
    }

    public init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("fleetgit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/home", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// `root + "/" + name`.
    public func path(_ name: String) -> String { root + "/" + name }

    /// Runs a program and returns its trimmed stdout; throws with stderr on failure.
    @discardableResult
    public func run(_ executable: String, _ args: [String], in dir: String? = nil, env extra: [String: String] = [:]) throws -> String {
        let date = "\(clock) +0200"
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": root + "/home",
            "LANG": "C",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ada Author", "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": "Cy Committer", "GIT_COMMITTER_EMAIL": "cy@example.com", "GIT_COMMITTER_DATE": date,
        ]
        env.merge(extra) { $1 }
        let result = try runProcess("/usr/bin/env", [executable] + args, env: env, cwd: dir ?? root)
        guard result.status == 0 else {
            throw CommandError(description: "\(executable) \(args.joined(separator: " ")) failed: " + result.stderr)
        }
        let output = result.stdout
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `git` in `repo` (a directory under root, or root itself).
    @discardableResult
    public func git(_ args: String..., in repo: String? = nil) throws -> String {
        try run("git", args, in: repo.map(path) ?? root)
    }

    /// Creates a non-bare repository `name` with branch "main" and returns its path.
    @discardableResult
    public func makeRepo(_ name: String) throws -> String {
        try git("-c", "init.defaultBranch=main", "init", "-q", name)
        return path(name)
    }

    /// Writes a file (creating directories) in repo `name`.
    public func write(_ name: String, _ file: String, _ contents: String) throws {
        try write(name, file, Data(contents.utf8))
    }

    /// Writes raw bytes to a file (creating directories) in repo `name`.
    public func write(_ name: String, _ file: String, _ data: Data) throws {
        let full = path(name) + "/" + file
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
    }

    /// Stages everything and commits in repo `name` (with `-c` pairs in `config`, `-S` when `sign`);
    /// returns the new commit id.
    @discardableResult
    public func commitAll(_ name: String, _ message: String, config: [String] = [], sign: Bool = false) throws -> String {
        clock += 60
        try git("add", "-A", in: name)
        try run("git", config + ["commit", "-q", "-m", message] + (sign ? ["-S"] : []), in: path(name))
        return try git("rev-parse", "HEAD", in: name)
    }

    /// Makes a symlink `file` -> `target` (creating directories) in repo `name`.
    public func symlink(_ name: String, _ file: String, to target: String) throws {
        let full = path(name) + "/" + file
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }

    /// Removes a file in repo `name`.
    public func remove(_ name: String, _ file: String) throws {
        try FileManager.default.removeItem(atPath: path(name) + "/" + file)
    }

    /// Whether an executable is on PATH.
    public static func has(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }
}
