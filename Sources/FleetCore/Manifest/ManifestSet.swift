import Dispatch
import FleetGit
import FleetYAML
import FoundationEssentials
import Glibc

/// Everything read from a source: the Fleet settings, the bots, and every diagnostic.
public struct ManifestSet: Sendable {
    /// Fleet-wide settings (defaults when the repository has no Fleet manifest).
    public var fleet: FleetSettings
    /// The bots, sorted by name.
    public var bots: [BotManifest]
    /// Every problem found, sorted by place.
    public var diagnostics: [Diagnostic]
    /// The commit read, if any.
    public var commit: GitCommitInfo?
    /// The text of every file read, for showing the offending line.
    public var texts: [String: String]
    /// Opens the encrypted credentials (no keys unless loaded with `FleetSession.load(_:keys:)`).
    public var secrets = SecretOpener()

    /// Whether the set may be applied (no errors).
    public var isValid: Bool { !diagnostics.hasErrors }

    /// The bot called `name`.
    public func bot(named name: String) -> BotManifest? { bots.first { $0.name == name } }
}

/// Reads manifest files into a ``ManifestSet``, collecting every problem.
public enum ManifestLoader {
    /// Parses, checks and validates the files of a snapshot.
    ///
    /// - Parameter fileExists: tells whether a repository path exists at the same commit
    ///   (for avatars); nil skips that check.
    public static func load(_ snapshot: SourceSnapshot, fileExists: (@Sendable (String) -> Bool)? = nil) -> ManifestSet {
        var diagnostics = snapshot.diagnostics
        var texts: [String: String] = [:]
        var bots: [BotManifest] = []
        var fleets: [FleetSettings] = []
        // Files are independent until the fleet-wide rules: read them on every core, then
        // merge in path order so the result does not depend on scheduling.
        for result in ManifestFileCache.shared.results(for: snapshot.files, read) {
            if let text = result.text { texts[result.path] = text }
            diagnostics += result.diagnostics
            bots += result.bots
            fleets += result.fleets
        }
        if snapshot.files.isEmpty && snapshot.diagnostics.isEmpty {
            diagnostics.append(Diagnostic(
                .noManifests, "no *.yaml or *.yml files under '\(snapshot.source.normalizedPath)'", at: nil,
                fix: "commit at least one Bot manifest there, or pass --path"))
        }
        let fleet = fleets.first ?? FleetSettings()
        for extra in fleets.dropFirst() {
            if let origin = extra.origin, let first = fleet.origin {
                diagnostics.append(Diagnostic(
                    .duplicateFleet, "a second Fleet manifest (the first is in \(first.file):\(first.line))",
                    at: SourceLocation(file: origin.file, line: origin.line, column: 1),
                    fix: "keep one Fleet manifest per repository"))
            }
        }
        bots.sort { ($0.name, $0.origin.file, $0.origin.line) < ($1.name, $1.origin.file, $1.origin.line) }
        diagnostics += FleetValidator(fleet: fleet, bots: bots, fileExists: fileExists).validate()
        bots = dedupe(bots)
        return ManifestSet(fleet: fleet, bots: bots, diagnostics: diagnostics.sortedByLocation(),
                           commit: snapshot.commit, texts: texts)
    }

    /// What one file yields.
    struct FileResult: Sendable {
        var path: String
        var text: String?
        var diagnostics: [Diagnostic] = []
        var bots: [BotManifest] = []
        var fleets: [FleetSettings] = []
    }

    /// Decodes, parses and schema-checks one file.
    static func read(_ file: SourceFile) -> FileResult {
        var result = FileResult(path: file.path)
        guard let text = decodeText(file, into: &result.diagnostics) else { return result }
        result.text = text
        let documents: [YAMLNode]
        do {
            let parsed = try YAMLParser.parse(text)
            documents = parsed.documents
            for problem in parsed.problems { result.diagnostics.append(diagnostic(problem, file: file.path)) }
        } catch {
            result.diagnostics.append(diagnostic(error, file: file.path))
            return result
        }
        var sawContent = false
        for document in documents where !document.isNull {
            sawContent = true
            switch readDocument(document, file: file.path, into: &result.diagnostics) {
            case .bot(let bot): result.bots.append(bot)
            case .fleet(let fleet): result.fleets.append(fleet)
            case .none: break
            }
        }
        if !sawContent {
            result.diagnostics.append(Diagnostic(.emptyDocument, "'\(file.path)' holds no manifest",
                                                 at: SourceLocation(file: file.path, line: 1, column: 1),
                                                 fix: "add a Bot or Fleet manifest, or delete the file"))
        }
        return result
    }

    /// `items.map(transform)`, spread over the processors for inputs worth it; same order.
    private enum Document {
        case bot(BotManifest), fleet(FleetSettings), none
    }

    private static func dedupe(_ bots: [BotManifest]) -> [BotManifest] {
        var seen = Set<String>()
        seen.reserveCapacity(bots.count)
        // Sorted by name: a duplicate sits next to its first. None (the usual case): no copy at all.
        guard bots.indices.dropFirst().contains(where: { bots[$0].name == bots[$0 - 1].name }) else { return bots }
        return bots.filter { seen.insert($0.name).inserted }
    }

    private static func decodeText(_ file: SourceFile, into diagnostics: inout [Diagnostic]) -> String? {
        if let nul = file.bytes.firstIndex(of: 0) {
            diagnostics.append(Diagnostic(
                .notText, "'\(file.path)' is a binary file (NUL byte at offset \(nul)), not YAML text",
                at: SourceLocation(file: file.path, line: 1, column: 1),
                fix: "remove it from the manifest directory, or rename it so it does not end in .yaml/.yml"))
            return nil
        }
        guard let text = String(validating: file.bytes, as: UTF8.self) else {
            diagnostics.append(Diagnostic(
                .notText, "'\(file.path)' is not UTF-8 text", at: SourceLocation(file: file.path, line: 1, column: 1),
                fix: "save it as UTF-8"))
            return nil
        }
        return text
    }

    static func diagnostic(_ error: YAMLError, file: String) -> Diagnostic {
        let code: DiagnosticCode
        switch error.code {
        case .syntax, .undefinedAlias: code = .yamlSyntax
        case .tab: code = .yamlTab
        case .duplicateKey: code = .duplicateKey
        case .aliasLimit, .depthLimit: code = .yamlLimit
        case .encoding: code = .notText
        }
        return Diagnostic(code, error.message, at: SourceLocation(file: file, mark: error.mark), fix: error.fix)
    }

    private static func readDocument(_ document: YAMLNode, file: String, into diagnostics: inout [Diagnostic]) -> Document {
        let location = SourceLocation(file: file, mark: document.start)
        guard document.mapping != nil else {
            diagnostics.append(Diagnostic(.wrongType, "a manifest must be a mapping, found \(document.kindDescription)",
                                          at: location, fix: "start the document with 'apiVersion: fleet/v1' and 'kind: Bot'"))
            return .none
        }
        guard let kindNode = document["kind"], let kind = kindNode.scalar, !kindNode.isNull else {
            diagnostics.append(Diagnostic(.unknownKind, "missing 'kind'", at: location, fix: "add 'kind: Bot' or 'kind: Fleet'"))
            return .none
        }
        let schema: ObjectSchema
        switch kind {
        case "Bot": schema = ManifestSchemas.bot
        case "Fleet": schema = ManifestSchemas.fleet
        default:
            let fix = Suggestion.closest(to: kind, in: ["Bot", "Fleet"]).map { "did you mean '\($0)'?" } ?? "use Bot or Fleet"
            diagnostics.append(Diagnostic(.unknownKind, "unknown kind '\(kind)'; fleet/v1 knows Bot and Fleet",
                                          at: SourceLocation(file: file, mark: kindNode.start), fix: fix))
            return .none
        }
        guard let versionNode = document["apiVersion"], let version = versionNode.scalar, !versionNode.isNull else {
            diagnostics.append(Diagnostic(.unsupportedAPIVersion, "missing 'apiVersion'", at: location,
                                          fix: "add 'apiVersion: \(ManifestSchemas.apiVersion)'"))
            return .none
        }
        guard version == ManifestSchemas.apiVersion else {
            diagnostics.append(Diagnostic(
                .unsupportedAPIVersion, "unsupported apiVersion '\(version)'; this fleet reads \(ManifestSchemas.apiVersion)",
                at: SourceLocation(file: file, mark: versionNode.start), fix: "write 'apiVersion: \(ManifestSchemas.apiVersion)'"))
            return .none
        }
        var checker = SchemaChecker(file: file)
        let typed = checker.check(document, against: .object(schema), path: "")
        let origin = ManifestOrigin(file: file, line: document.start.line)
        var produced = checker.diagnostics
        if kind == "Bot", let name = typed?["metadata"]?["name"]?.string {
            for i in produced.indices { produced[i].bot = name }
        }
        diagnostics += produced
        guard var typed else { return .none }
        if kind == "Bot", typed["metadata"]?["name"] == nil,
           let raw = document["metadata"]?["name"], let name = raw.scalar, !raw.isNull {
            // Keep checking the rest of a bot whose name is malformed (already reported).
            typed = typed.replacing(["metadata", "name"], with: TypedNode(.string(name), at: raw.start))
        }
        if kind == "Bot" {
            return BotManifest(typed, origin: origin).map { .bot($0) } ?? .none
        }
        return .fleet(FleetSettings(typed, origin: origin))
    }
}
