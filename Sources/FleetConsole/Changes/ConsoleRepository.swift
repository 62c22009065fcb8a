import Dispatch
import FleetCore
import FleetGit
import FoundationEssentials

/// Where the console's commits go: the repository and branch the daemon follows (or, with no
/// daemon, `--repo` and its HEAD's branch), and whether the console can write there.
struct Upstream: Sendable, Equatable {
    /// A local path or a URL, as the daemon or `--repo` names it.
    var location: String
    /// The branch the daemon follows (nil when it follows something that is not a branch).
    var branch: String?
    /// The directory of manifests in the repository.
    var path: String
    /// Why the console cannot commit there, nil when it can.
    var notWritable: String?
}

/// What became of a change.
enum CommitOutcome: Sendable {
    /// Committed and pushed: the commit and the branch it is on.
    case committed(commit: String, branch: String, pushedTo: String)
    /// The branch moved since the form was loaded and changed the same files.
    case conflict([FileConflict])
    /// Something failed; nothing was written upstream.
    case failed(String)
}

/// A file both the form and someone else changed.
struct FileConflict: Sendable {
    var path: String
    /// The text the form would write (nil: delete).
    var mine: String?
    /// The text on the branch now (nil: deleted there).
    var theirs: String?
    /// The commits since the form's base that changed the file, newest first.
    var commits: [GitCommitInfo]
    /// The branch's commit now.
    var tip: String
}

/// The console's own repository: a bare clone under the state root (`<root>/console/repo.git`)
/// that fetches the branch the daemon follows, makes each change a commit in an in-memory index
/// (libgit2; no working tree, never the operator's checkout) and pushes it. All git work runs on
/// one serial queue of its own, off Swift's task pool, one change at a time.
final class ConsoleRepository: Sendable {
    let directory: String
    static let queue = DispatchQueue(label: "fleet-console.git")

    init(root: String) {
        directory = root + "/console/repo.git"
    }

    /// Runs git work on the serial queue.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Self.queue.async { continuation.resume(returning: work()) }
        }
    }

    /// The upstream of a state (the daemon's recorded source wins) and the configuration.
    static func upstream(state: FleetState, config: ConsoleConfiguration) -> Upstream {
        let location: String, ref: String, path: String
        if let recorded = state.source {
            location = recorded.url
            ref = recorded.ref
            path = recorded.path ?? config.source.path
        } else {
            location = config.source.repository
            ref = config.source.ref
            path = config.source.path
        }
        let follower = SourceFollower(location: location, ref: ref, path: path, root: config.root)
        if follower.isRemote { return Upstream(location: location, branch: ref, path: path, notWritable: nil) }
        let repo: GitRepository
        do {
            repo = try GitRepository(path: location)
        } catch {
            return Upstream(location: location, branch: nil, path: path, notWritable: "the repository \(location) cannot be opened: \(error.message)")
        }
        let branch: String? = ref == "HEAD" ? repo.headBranch
            : (ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : ((try? repo.resolve("refs/heads/" + ref)) != nil ? ref : nil))
        guard let branch else {
            return Upstream(location: location, branch: nil, path: path,
                            notWritable: "the manifests are read at '\(ref)' of \(location), which is not a branch; the console commits only to the branch the daemon follows")
        }
        guard repo.isBare else {
            return Upstream(location: location, branch: branch, path: path, notWritable:
                "\(location) is a working copy (someone's checkout); the console never writes into one. Serve the bare repository everyone pushes to instead (git clone --bare), and let the daemon follow it too: fleet serve --repo REPO.git, fleet daemon --repo REPO.git (or --url)")
        }
        return Upstream(location: location, branch: branch, path: path, notWritable: nil)
    }

    /// Fetches the upstream branch; returns its commit.
    func sync(_ upstream: Upstream) async -> Result<GitCommitInfo, GitError> {
        let directory = self.directory
        return await run { Self.fetch(upstream, into: directory) }
    }

    private static func fetch(_ upstream: Upstream, into directory: String) -> Result<GitCommitInfo, GitError> {
        guard let branch = upstream.branch else {
            return .failure(GitError(code: -1, klass: 0, message: upstream.notWritable ?? "no branch", operation: "reading the upstream"))
        }
        do {
            return .success(try GitMirror.fetch(url: upstream.location, branch: branch, into: directory))
        } catch {
            return .failure(error)
        }
    }

    /// Whether a file exists at `commit`.
    func exists(_ path: String, at commit: String) async -> Bool {
        let directory = self.directory
        return await run { ((try? GitRepository(path: directory).blob(at: commit, path: path)) ?? nil) != nil }
    }

    /// The manifest files (`*.yaml`, `*.yml`) under `path` at `commit`, by repository path.
    func files(at commit: String, under path: String) async -> Result<[String: String], GitError> {
        let directory = self.directory
        return await run {
            do throws(GitError) {
                let repo = try GitRepository(path: directory)
                var out: [String: String] = [:]
                for file in try repo.files(at: commit, under: path, maxBlobSize: ManifestSource.maxFileSize) {
                    guard file.path.hasSuffix(".yaml") || file.path.hasSuffix(".yml"), let data = file.data else { continue }
                    out[file.path] = String(decoding: data, as: UTF8.self)
                }
                return .success(out)
            } catch {
                return .failure(error)
            }
        }
    }

    /// Commits `change` with `author` and `message` and pushes it: onto the upstream branch
    /// (`branch` nil), or as the new branch `branch`. The change is made on top of the branch as it
    /// is now when the files it changes did not change since `change.base`; otherwise nothing is
    /// written and the conflicts come back.
    func commit(_ change: ManifestChange, author: GitPerson, message: String, upstream: Upstream, branch newBranch: String?) async -> CommitOutcome {
        let directory = self.directory
        return await run {
            guard upstream.notWritable == nil, let target = upstream.branch else {
                return .failed(upstream.notWritable ?? "no branch to commit to")
            }
            // A push that loses a race with another writer is tried again on the new tip.
            for _ in 0..<3 {
                let tip: GitCommitInfo
                switch Self.fetch(upstream, into: directory) {
                case .success(let t): tip = t
                case .failure(let error): return .failed("cannot fetch \(target) from \(upstream.location): \(error.message)")
                }
                do throws(GitError) {
                    let repo = try GitRepository(path: directory)
                    if newBranch == nil, tip.id != change.base {
                        let conflicts = try Self.conflicts(change, repo: repo, tip: tip.id)
                        if !conflicts.isEmpty { return .conflict(conflicts) }
                    }
                    let parent = newBranch == nil ? tip.id : change.base
                    var bytes: [String: [UInt8]?] = [:]
                    for (path, text) in change.files { bytes.updateValue(text.map { Array($0.utf8) }, forKey: path) }
                    for (path, data) in change.binaries { bytes.updateValue(data, forKey: path) }
                    let id = try repo.commit(changes: bytes, parent: parent, author: author, message: message)
                    let local = "refs/heads/fleet-console-outgoing"
                    try repo.forceReference(local, to: id, message: "fleet-console: \(change.title)")
                    guard let newBranch else {
                        do throws(GitError) {
                            try repo.push(url: upstream.location, refspecs: ["\(local):refs/heads/\(target)"])
                        } catch where error.isNotFastForward {
                            continue
                        }
                        return .committed(commit: id, branch: target, pushedTo: upstream.location)
                    }
                    // A new branch: the first free name of NAME, NAME-2, NAME-3, ...
                    for n in 1...20 {
                        let name = n == 1 ? newBranch : "\(newBranch)-\(n)"
                        do throws(GitError) {
                            try repo.push(url: upstream.location, refspecs: ["\(local):refs/heads/\(name)"])
                            return .committed(commit: id, branch: name, pushedTo: upstream.location)
                        } catch where error.isNotFastForward {
                            continue
                        }
                    }
                    return .failed("branches \(newBranch) to \(newBranch)-20 exist already")
                } catch {
                    return .failed("\(error.operation): \(error.message)")
                }
            }
            return .failed("\(target) kept moving while the change was pushed; try again")
        }
    }

    /// The files `change` writes that also changed between its base and `tip`.
    private static func conflicts(_ change: ManifestChange, repo: GitRepository, tip: String) throws(GitError) -> [FileConflict] {
        var out: [FileConflict] = []
        for path in Set(change.files.keys).union(change.binaries.keys).sorted() {
            let before = try repo.blob(at: change.base, path: path)
            let now = try repo.blob(at: tip, path: path)
            guard before != now else { continue }
            var commits: [GitCommitInfo] = []
            for c in try repo.log(from: tip, limit: 20, touching: path) {
                if c.id == change.base { break }
                if try repo.isAncestor(c.id, of: change.base) { break }
                commits.append(c)
            }
            out.append(FileConflict(path: path, mine: change.files[path] ?? change.binaries[path].map { "(an image of \($0.count) bytes)" },
                                    theirs: now.map { String(decoding: $0, as: UTF8.self) }, commits: commits, tip: tip))
        }
        return out
    }

    /// The commits below `path` (or touching `file`) from `tip`, newest first, with the files each changed.
    func history(file: String?, path: String, from tip: String, limit: Int) async -> Result<[(GitCommitInfo, [GitChangedFile])], GitError> {
        let directory = self.directory
        return await run {
            do throws(GitError) {
                let repo = try GitRepository(path: directory)
                let commits = try repo.log(from: tip, limit: limit, touching: file ?? path)
                var out: [(GitCommitInfo, [GitChangedFile])] = []
                for commit in commits { out.append((commit, try repo.changedFiles(in: commit.id, under: path))) }
                return .success(out)
            } catch {
                return .failure(error)
            }
        }
    }
}
