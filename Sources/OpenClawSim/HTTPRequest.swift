import OpenClawWire

/// One parsed HTTP/1.x request head (bodies are read and discarded): OpenClawWire's, the parser
/// fleet's clients and the tests share.
typealias HTTPRequest = HTTPRequestHead

/// An HTTP response to serialise.
struct HTTPResponse {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    static func json(_ status: Int, _ text: String, extraHeaders: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")] + extraHeaders,
            body: Array(text.utf8))
    }

    /// The bytes on the wire; HEAD responses keep `Content-Length` but carry no body.
    func serialized(head: Bool, keepAlive: Bool) -> [UInt8] {
        var fields = HTTPHeaders(headers)
        fields.add("Content-Length", String(body.count))
        fields.add("Connection", keepAlive ? "keep-alive" : "close")
        var bytes = HTTPResponseHead(status: status, headers: fields).encode()
        if !head { bytes += body }
        return bytes
    }
}
