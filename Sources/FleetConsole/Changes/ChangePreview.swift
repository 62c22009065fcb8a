import FleetCore
import FleetGit
import FleetYAML
import FoundationEssentials

/// A change checked before anything is written: the manifests as they would be (every file of
/// the base commit with the change applied) through the same loader, schema checker, validator
/// and secret audit as `fleet validate`, and, when they are valid, the same plan as `fleet plan`.
struct ChangePreview: Sendable {
    var change: ManifestChange
    /// The base commit.
    var base: GitCommitInfo
    /// The manifest files at the base commit.
    var before: [String: String]
    /// Every diagnostic of the changed manifests (errors stop the commit).
    var diagnostics: [Diagnostic]
    /// The texts the diagnostics point into (plain-text secrets masked).
    var texts: [String: String]
    /// `fleet plan`'s text, when the manifests are valid.
    var plan: String?
    /// Why there is no plan.
    var planError: String?
    /// The manifests before and after (names, labels, files) for the role check.
    var beforeSet: ManifestSet
    var afterSet: ManifestSet

    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var isValid: Bool { errors.isEmpty && planError == nil }

    /// The bots whose manifests the change touches, before and after, with their labels.
    var touchedBots: [(name: String, labels: [String: String])] {
        let paths = Set(change.files.keys)
        return (beforeSet.bots + afterSet.bots).filter { paths.contains($0.origin.file) }.map { ($0.name, $0.labels) }
    }

    /// Whether the change touches a file that holds no Bot manifest (the Fleet manifest, ...),
    /// or an image that is not the avatar of a bot it changes.
    var touchesFleetFiles: Bool {
        let botFiles = Set((beforeSet.bots + afterSet.bots).map(\.origin.file))
        let paths = Set(change.files.keys)
        let avatars = Set(afterSet.bots.filter { paths.contains($0.origin.file) }.compactMap(\.avatar))
        return change.files.keys.contains { !botFiles.contains($0) || (beforeSet.fleet.origin?.file == $0) || (afterSet.fleet.origin?.file == $0) }
            || change.binaries.keys.contains { !avatars.contains($0) }
    }
}

/// Makes previews.
enum ChangePreviewer {
    /// Checks `change` against `upstream` in the console's repository (fetched before).
    static func preview(_ change: ManifestChange, services: ConsoleServices, upstream: Upstream, plan: Bool = true) async -> Result<ChangePreview, ChangeFailure> {
        for path in change.files.keys where !isInside(path, upstream.path) {
            return .failure(.refused("'\(path)' is not a manifest file under \(upstream.path)/"))
        }
        for (path, data) in change.binaries {
            guard ManifestChange.isImagePath(path, under: upstream.path), data.count <= AvatarImage.maxBytes, AvatarImage.kind(data) != nil else {
                return .failure(.refused("'\(path)' is not an image (PNG, JPEG, WebP or GIF, at most \(AvatarImage.maxBytes / 1024) KiB) under \(upstream.path)/"))
            }
        }
        let git = services.git
        let directory = git.directory
        let loaded = await git.run { () -> Result<(GitCommitInfo, [String: String]), GitError> in
            do throws(GitError) {
                let repo = try GitRepository(path: directory)
                let base = try repo.resolve(change.base)
                var files: [String: String] = [:]
                for file in try repo.files(at: base.id, under: upstream.path, maxBlobSize: ManifestSource.maxFileSize) {
                    guard file.path.hasSuffix(".yaml") || file.path.hasSuffix(".yml"), let data = file.data else { continue }
                    files[file.path] = String(decoding: data, as: UTF8.self)
                }
                return .success((base, files))
            } catch {
                return .failure(error)
            }
        }
        let base: GitCommitInfo, before: [String: String]
        switch loaded {
        case .success(let pair): (base, before) = pair
        case .failure(let error): return .failure(.failed("cannot read the manifests at \(change.base.prefix(12)): \(error.message)"))
        }
        var edited = before
        for (path, text) in change.files { edited[path] = text }
        let after = edited
        let source = ManifestSource(repository: directory, ref: base.id, path: upstream.path)
        let keyFiles = services.config.keyFiles
        let keySource = services.config.source
        let overlay = Set(after.keys).union(change.binaries.keys)
        let (beforeSet, afterSet, keyError) = await Blocking.run { () -> (ManifestSet, ManifestSet, String?) in
            func snapshot(_ files: [String: String]) -> SourceSnapshot {
                SourceSnapshot(commit: base, files: files.keys.sorted().map { SourceFile(path: $0, bytes: Array(files[$0]?.utf8 ?? "".utf8)) },
                               diagnostics: [], source: source)
            }
            let avatars = AvatarFiles(repository: directory, commit: base.id, overlay: overlay)
            let old = ManifestLoader.load(snapshot(before))
            do {
                let keys = try FleetSession.secretKeys(for: keySource, keyFiles: keyFiles)
                return (old, FleetSession.load(snapshot: snapshot(after), keys: keys, fileExists: { avatars.contains($0) }), nil)
            } catch {
                return (old, ManifestLoader.load(snapshot(after)), "\(error)")
            }
        }
        var preview = ChangePreview(change: change, base: base, before: before, diagnostics: afterSet.diagnostics, texts: afterSet.texts,
                                    plan: nil, planError: keyError.map { "the fleet's keys cannot be loaded: \($0)" },
                                    beforeSet: beforeSet, afterSet: afterSet)
        guard plan, preview.errors.isEmpty, keyError == nil else { return .success(preview) }
        do {
            let context = try await Reconciler.prepare(set: afterSet, source: source, stateRootFlag: services.config.root)
            preview.plan = PlanPrinter.human(context.plan, commit: nil, style: .plain)
        } catch {
            if case .invalid(let refused) = error {
                preview.diagnostics = refused.diagnostics
            } else {
                preview.planError = error.description
            }
        }
        return .success(preview)
    }

    static func isInside(_ path: String, _ dir: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }), path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { return false }
        let prefix = dir.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        return prefix.isEmpty || path.hasPrefix(prefix + "/")
    }
}

/// Avatars of a preview: a path exists at the base commit (avatars are not uploaded yet).
struct AvatarFiles: Sendable {
    let repository: String
    let commit: String
    let overlay: Set<String>

    func contains(_ path: String) -> Bool {
        if overlay.contains(path) { return true }
        guard let repo = try? GitRepository(path: repository) else { return false }
        return ((try? repo.blob(at: commit, path: path)) ?? nil) != nil
    }
}

/// Why a change was not made.
enum ChangeFailure: Error, Sendable {
    /// The user may not, or the input is wrong: a 4xx page.
    case refused(String)
    /// Something failed on the way: a 5xx page.
    case failed(String)

    var message: String {
        switch self {
        case .refused(let m), .failed(let m): return m
        }
    }
}

/// Which field of a form a diagnostic concerns: the YAML path at its line.
enum FieldLocator {
    /// Dotted YAML paths (`spec.channels.0.allowFrom`) by line, deepest first, of one document set.
    static func paths(_ text: String) -> [Int: String] {
        guard let parsed = try? YAMLParser.parse(text) else { return [:] }
        var out: [Int: String] = [:]
        func walk(_ node: YAMLNode, _ path: [String]) {
            if !path.isEmpty {
                for line in node.start.line...max(node.start.line, node.end.line) { out[line] = path.joined(separator: ".") }
            }
            if let pairs = node.mapping {
                for pair in pairs {
                    guard let key = pair.key.scalar else { continue }
                    out[pair.key.start.line] = (path + [key]).joined(separator: ".")
                    walk(pair.value, path + [key])
                }
            } else if let items = node.sequence {
                for (i, item) in items.enumerated() { walk(item, path + [String(i)]) }
            }
        }
        for document in parsed.documents { walk(document, []) }
        return out
    }

    /// The diagnostics of `file` by the form field whose YAML path prefixes theirs (longest
    /// first); the rest under "".
    static func byField(_ diagnostics: [Diagnostic], file: String?, text: String?, fields: [String]) -> [String: [Diagnostic]] {
        let lines = text.map(paths) ?? [:]
        var out: [String: [Diagnostic]] = [:]
        let sorted = fields.sorted { $0.count > $1.count }
        for d in diagnostics {
            guard let location = d.location, location.file == file, let path = lines[location.line],
                  let field = sorted.first(where: { path == $0 || path.hasPrefix($0 + ".") || $0.hasPrefix(path + ".") && d.code == .missingField }) else {
                out["", default: []].append(d)
                continue
            }
            out[field, default: []].append(d)
        }
        return out
    }
}

/// Avatar images: what the wizard accepts, told by their first bytes (never by the file name).
enum AvatarImage {
    static let maxBytes = 512 << 10

    /// The file extension of an image's format, nil when the bytes are none of PNG, JPEG, WebP, GIF.
    static func kind(_ data: [UInt8]) -> String? {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpg" }
        if data.count >= 12, data.starts(with: Array("RIFF".utf8)), Array(data[8..<12]) == Array("WEBP".utf8) { return "webp" }
        if data.starts(with: Array("GIF87a".utf8)) || data.starts(with: Array("GIF89a".utf8)) { return "gif" }
        return nil
    }
}
