import OpenClawWire

/// The server side of the RFC 6455 opening handshake on the gateway's HTTP port.
enum WebSocketHandshake {
    /// The `101 Switching Protocols` bytes for a valid upgrade request, or the HTTP error to send.
    static func response(to request: HTTPRequest) -> Result<[UInt8], HTTPErrorResponse> {
        guard request.headers.contains("connection", token: "upgrade") else {
            return .failure(HTTPErrorResponse(.json(400, #"{"ok":false,"error":"Connection: Upgrade expected"}"#)))
        }
        guard request.headers["sec-websocket-version"]?.trimmed == "13" else {
            return .failure(HTTPErrorResponse(.json(426, #"{"ok":false,"error":"Sec-WebSocket-Version 13 expected"}"#,
                                                    extraHeaders: [("Sec-WebSocket-Version", "13")])))
        }
        guard let key = request.headers["sec-websocket-key"]?.trimmed, WebSocketKey.isWellFormed(key) else {
            return .failure(HTTPErrorResponse(.json(400, #"{"ok":false,"error":"Sec-WebSocket-Key missing or malformed"}"#)))
        }
        let head = HTTPResponseHead(status: 101, headers: [
            ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", WebSocketKey.accept(for: key)),
        ])
        return .success(head.encode())
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
