// libFuzzer target: the secret envelope parser (`ENC[AES256_GCM,data:...,iv:...,tag:...,kid:...]`).
// It must never trap, report a position inside the input, and a parsed envelope written back
// must parse to the same value. Built by Fuzz/build.sh; run with Fuzz/run.sh envelope SECONDS.
import FleetCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let envelope = try SecretEnvelope.parse(text)
        let again: SecretEnvelope
        do { again = try SecretEnvelope.parse(envelope.text) } catch {
            fatalError("an envelope's own text does not parse: \(error)")
        }
        if again != envelope { fatalError("envelope round trip changed the value") }
    } catch {
        if error.position < 0 || error.position > text.unicodeScalars.count {
            fatalError("error position \(error.position) outside the input")
        }
        _ = error.description
    }
    return 0
}
