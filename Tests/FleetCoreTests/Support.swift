@testable import FleetCore
import FleetTestSupport
import Foundation

/// Paths and helpers shared by the FleetCore tests.
enum Repo {
    /// The repository root (found from this file, symlinks resolved).
    static let root = TestPaths.repositoryRoot(from: #filePath)
    /// `Tests/FleetCoreTests/Fixtures`.
    static let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path
}

/// A (code, line, column) triple: what a corpus case expects and what the loader reported.
struct Reported: Hashable, CustomStringConvertible, Comparable {
    var code: String
    var line: Int
    var column: Int

    var description: String { "\(code) \(line):\(column)" }

    static func < (a: Reported, b: Reported) -> Bool { (a.line, a.column, a.code) < (b.line, b.column, b.code) }

    init(code: String, line: Int, column: Int) {
        self.code = code
        self.line = line
        self.column = column
    }

    init(_ d: Diagnostic) {
        self.init(code: d.code.rawValue, line: d.location?.line ?? 0, column: d.location?.column ?? 0)
    }
}

/// Loads files given as (repository path, text) pairs, as if committed under `fleet/`.
func loadFiles(_ files: [(String, [UInt8])], fileExists: (@Sendable (String) -> Bool)? = { _ in false }) -> ManifestSet {
    let snapshot = SourceSnapshot(
        commit: nil, files: files.map { SourceFile(path: $0.0, bytes: $0.1) }.sorted { $0.path < $1.path },
        diagnostics: [], source: ManifestSource(path: "fleet"))
    return ManifestLoader.load(snapshot, fileExists: fileExists)
}

/// Loads one file of text.
func loadText(_ text: String, path: String = "fleet/bots/test.yaml") -> ManifestSet {
    loadFiles([(path, Array(text.utf8))])
}

/// A minimal valid bot manifest.
func validBot(_ name: String, spec: String = "") -> String { ManifestText.bot(name, spec: spec) }

extension ManifestSet {
    /// The diagnostics as (code, line, column), sorted.
    var reported: [Reported] { diagnostics.map(Reported.init).sorted() }
    /// A readable list for failure messages.
    var dump: String {
        diagnostics.map { "\(Reported($0)) \($0.message) [fix: \($0.fix ?? "-")]" }.joined(separator: "\n")
    }
}
