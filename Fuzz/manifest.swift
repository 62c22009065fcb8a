// libFuzzer target: the YAML-to-manifest decoder (libyaml events, tree builder, schema check,
// typed decoding, fleet-wide rules) on one manifest file, then the diagnostic renderer.
// Built by Fuzz/build.sh; run with Fuzz/run.sh manifest SECONDS.
import FleetCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let path = "fleet/bots/fuzz.yaml"
    let snapshot = SourceSnapshot(
        commit: nil, files: [SourceFile(path: path, bytes: bytes)], diagnostics: [],
        source: ManifestSource(repository: ".", ref: "HEAD", path: "fleet", worktree: true))
    let set = ManifestLoader.load(snapshot)
    // Every diagnostic must render (line/caret lookup into the text) and serialise.
    _ = DiagnosticRenderer.human(set.diagnostics, texts: set.texts)
    _ = DiagnosticRenderer.json(set.diagnostics).json(pretty: false)
    // A valid set must not report errors for its own bots' names twice, and every bot has a name.
    if set.isValid {
        for bot in set.bots where bot.name.isEmpty { fatalError("a valid set holds a bot without a name") }
    }
    return 0
}
