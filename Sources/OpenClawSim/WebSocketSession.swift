import OpenClawConfig

/// One upgraded connection speaking the gateway protocol: JSON text frames carrying
/// `req`/`res`/`event` messages, the `connect.challenge` then `connect` handshake, and the
/// RFC 6455 control frames (ping/pong/close) and fragmentation underneath.
final class WebSocketSession {
    enum Phase { case awaitingConnect, connected, closing }

    unowned let connection: HTTPConnection
    private unowned let gateway: Gateway
    private(set) var phase = Phase.awaitingConnect
    let nonce = SessionStore.newSessionId()
    let connId = SessionStore.newSessionId()
    private var fragments: [UInt8] = []
    private var fragmentOpcode: WebSocketFrame.Opcode?
    private var eventSeq = 0

    /// The largest message accepted (the real gateway's `policy.maxPayload` is larger).
    static let maxPayload = 1 << 20

    init(connection: HTTPConnection, gateway: Gateway) {
        self.connection = connection
        self.gateway = gateway
    }

    /// Sends the `connect.challenge` event, as the real gateway does right after the upgrade.
    func start() {
        sendEvent("connect.challenge", .object(["nonce": .string(nonce), "ts": .int(Clock.wallMs())]))
    }

    /// Consumes every complete frame in the connection's input buffer.
    func receive() {
        while phase != .closing {
            switch WebSocketFrame.parse(connection.input, maxPayload: Self.maxPayload) {
            case .needMore:
                return
            case .invalid(let code, let reason):
                close(code: code, reason: reason)
                return
            case .frame(let frame, let consumed):
                connection.consumeInput(consumed)
                handle(frame)
            }
        }
    }

    private func handle(_ frame: WebSocketFrame) {
        switch frame.opcode {
        case .ping:
            connection.enqueue(WebSocketFrame.encode(.pong, frame.payload))
        case .pong:
            break
        case .close:
            let code: UInt16 = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1000
            close(code: code == 1005 ? 1000 : code, reason: "")
        case .text, .binary:
            guard fragmentOpcode == nil else {
                close(code: 1002, reason: "new message before the fragmented one ended")
                return
            }
            if frame.fin {
                message(frame.opcode, frame.payload)
            } else {
                fragmentOpcode = frame.opcode
                fragments = frame.payload
            }
        case .continuation:
            guard let opcode = fragmentOpcode else {
                close(code: 1002, reason: "continuation frame without a message")
                return
            }
            guard fragments.count + frame.payload.count <= Self.maxPayload else {
                close(code: 1009, reason: "message too big")
                return
            }
            fragments += frame.payload
            if frame.fin {
                let payload = fragments
                fragments = []
                fragmentOpcode = nil
                message(opcode, payload)
            }
        }
    }

    private func message(_ opcode: WebSocketFrame.Opcode, _ payload: [UInt8]) {
        guard opcode == .text, let text = String(validating: payload, as: UTF8.self) else {
            close(code: opcode == .text ? 1007 : 1003, reason: opcode == .text ? "invalid UTF-8" : "binary frames are not supported")
            return
        }
        guard let value = try? JSON5.parse(text), value["type"]?.stringValue == "req",
              let id = value["id"]?.stringValue, let method = value["method"]?.stringValue else {
            sendResponse(id: nil, error: ("INVALID_REQUEST", "invalid request frame: expected {type: \"req\", id, method, params?}"))
            if phase == .awaitingConnect { close(code: 1008, reason: "invalid handshake") }
            return
        }
        let params = value["params"] ?? .object([:])
        switch phase {
        case .awaitingConnect:
            handshake(id: id, method: method, params: params)
        case .connected:
            if gateway.env.wsCloseAfterConnect {
                gateway.logger.warn("ws", "dropping connection during \(method) (OPENCLAW_SIM_WS_CLOSE_AFTER_CONNECT)")
                abort()
                return
            }
            switch gateway.call(method, params) {
            case .success(let payload): sendResponse(id: id, payload: payload)
            case .failure(let error): sendResponse(id: id, error: (error.code, error.message))
            }
        case .closing:
            break
        }
    }

    private func handshake(id: String, method: String, params: JSONValue) {
        guard method == "connect" else {
            sendResponse(id: id, error: ("INVALID_REQUEST", "invalid handshake: first request must be connect"))
            close(code: 1008, reason: "invalid handshake: first request must be connect")
            return
        }
        let minProtocol = params["minProtocol"]?.intValue ?? 0
        let maxProtocol = params["maxProtocol"]?.intValue ?? 0
        guard minProtocol <= Gateway.protocolVersion, Gateway.protocolVersion <= maxProtocol else {
            sendResponse(id: id, error: ("INVALID_REQUEST", "protocol mismatch: server speaks protocol \(Gateway.protocolVersion)"))
            close(code: 1002, reason: "protocol mismatch")
            return
        }
        if let refusal = gateway.authorize(params["auth"]) {
            let client = params["client"]?["id"]?.stringValue ?? "?"
            gateway.logger.warn("ws", "unauthorized conn=\(connId.prefix(8)) client=\(client) reason=\(refusal.reason)")
            sendResponse(id: id, error: ("INVALID_REQUEST", refusal.message))
            close(code: 1008, reason: refusal.message)
            return
        }
        phase = .connected
        sendResponse(id: id, payload: gateway.helloOk(connId: connId))
    }

    private func sendResponse(id: String?, payload: JSONValue? = nil, error: (code: String, message: String)? = nil) {
        var frame: [String: JSONValue] = ["type": .string("res"), "id": id.map(JSONValue.string) ?? .null, "ok": .bool(error == nil)]
        if let payload { frame["payload"] = payload }
        if let error { frame["error"] = .object(["code": .string(error.code), "message": .string(error.message)]) }
        send(.object(frame))
    }

    private func sendEvent(_ name: String, _ payload: JSONValue) {
        eventSeq += 1
        send(.object(["type": .string("event"), "event": .string(name), "payload": payload, "seq": .int(Int64(eventSeq))]))
    }

    private func send(_ value: JSONValue) {
        connection.enqueue(WebSocketFrame.encode(.text, Array(value.json(pretty: false).utf8)))
    }

    /// Sends a close frame and closes the socket once it is written.
    func close(code: UInt16, reason: String) {
        guard phase != .closing else { return }
        phase = .closing
        connection.enqueue(WebSocketFrame.encode(.close, WebSocketFrame.closePayload(code: code, reason: reason)))
        connection.closeAfterFlush = true
    }

    /// Drops the socket without a close frame (the fault switch that simulates a dying gateway).
    private func abort() {
        phase = .closing
        connection.discardOutput()
        connection.closeAfterFlush = true
    }
}
