// libFuzzer target: the wire codecs the gateway port and fleet's clients read untrusted bytes
// with (OpenClawWire): the WebSocket frame decoder in both roles, the HTTP/1 request parser and
// the response parser. None may trap; every decoded frame re-encodes to the bytes it came from
// (the masking key of a client frame included); a consumed count never exceeds the input.
// Built by Fuzz/build.sh; run with Fuzz/run.sh wire SECONDS.
import OpenClawWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for sender in [WebSocketFrameDecoder.Sender.client, .server] {
        var rest = bytes[...]
        let decoder = WebSocketFrameDecoder(sender: sender, maxPayload: 1 << 16)
        while case .frame(let frame, let used) = decoder.decode(Array(rest)) {
            if used <= 0 || used > rest.count { fatalError("consumed \(used) of \(rest.count)") }
            let original = Array(rest.prefix(used))
            let key = sender == .client && original.count >= 2
                ? maskingKey(original) : nil
            // Non-minimal length encodings are legal on the wire; compare only minimal ones.
            let again = frame.encode(maskingKey: key)
            if again.count == original.count && again != original { fatalError("frame round trip changed the bytes") }
            rest = rest.dropFirst(used)
        }
    }
    if case .request(_, let body, let used) = HTTPParser.parseRequest(bytes) {
        if used > bytes.count || body.upperBound > bytes.count || body.lowerBound > body.upperBound { fatalError("request bounds") }
    }
    for atEnd in [false, true] {
        if case .response(_, _, let used) = HTTPParser.parseResponse(bytes, atEnd: atEnd), used > bytes.count {
            fatalError("response consumed \(used) of \(bytes.count)")
        }
        _ = HTTPParser.parseResponseHead(bytes, atEnd: atEnd)
    }
    return 0
}

/// The masking key in a masked frame's header.
private func maskingKey(_ frame: [UInt8]) -> WebSocketMaskingKey? {
    let length = frame[1] & 0x7F
    let offset = length == 126 ? 4 : length == 127 ? 10 : 2
    guard frame.count >= offset + 4 else { return nil }
    return WebSocketMaskingKey(frame[offset], frame[offset + 1], frame[offset + 2], frame[offset + 3])
}
