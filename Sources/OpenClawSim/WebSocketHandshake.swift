import OpenClawConfig
/// The server side of the RFC 6455 opening handshake on the gateway's HTTP port.
enum WebSocketHandshake {
    /// The `101 Switching Protocols` bytes for a valid upgrade request, or the HTTP error to send.
    static func response(to request: HTTPRequest) -> Result<[UInt8], HTTPErrorResponse> {
        let connection = request.headers["connection"]?.lowercased() ?? ""
        guard connection.split(separator: ",").contains(where: { String($0).trimmed == "upgrade" }) else {
            return .failure(HTTPErrorResponse(.json(400, #"{"ok":false,"error":"Connection: Upgrade expected"}"#)))
        }
        guard request.headers["sec-websocket-version"]?.trimmed == "13" else {
            return .failure(HTTPErrorResponse(.json(426, #"{"ok":false,"error":"Sec-WebSocket-Version 13 expected"}"#,
                                                    extraHeaders: [("Sec-WebSocket-Version", "13")])))
        }
        guard let key = request.headers["sec-websocket-key"]?.trimmed, key.utf8.count == 24 else {
            return .failure(HTTPErrorResponse(.json(400, #"{"ok":false,"error":"Sec-WebSocket-Key missing or malformed"}"#)))
        }
        let text = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(WebSocketSHA1.acceptKey(for: key.trimmed))\r\n\r\n"
        return .success(Array(text.utf8))
    }
}

/// An HTTP response refusing an upgrade (wrapped so it can be a `Result` failure).
struct HTTPErrorResponse: Error {
    var response: HTTPResponse
    init(_ response: HTTPResponse) { self.response = response }
}

extension HTTPRequest {
    /// A `GET` asking to switch to WebSocket.
    var isWebSocketUpgrade: Bool {
        method == "GET" && headers["upgrade"]?.lowercased() == "websocket"
    }
}
