// libFuzzer target: the JSON5 reader `fleet import` uses (OpenClawConfig's JSON5.parse), the
// JSON5/JSON writers on what it returns (a parsed value written and read back must give the same
// text), and the importer on top. Built by Fuzz/build.sh; run with Fuzz/run.sh json5 SECONDS.
import FleetCore
import OpenClawConfig

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON5(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    guard let value = try? JSON5.parse(text) else { return 0 }
    let written = value.json5()
    guard let again = try? JSON5.parse(written) else {
        fatalError("JSON5 written by the writer does not parse: \(written.prefix(200))")
    }
    if again.json5() != written { fatalError("JSON5 round trip changed the value: \(written.prefix(200))") }
    let json = value.json(pretty: false)
    if (try? JSON5.parse(json)) == nil { fatalError("JSON written by the writer does not parse: \(json.prefix(200))") }
    _ = try? OpenClawImporter.run(text, source: "fuzz.json5")
    return 0
}
