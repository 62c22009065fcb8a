import OpenClawConfig
import OpenClawWire

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
    /// The request carried a browser `Origin` header.
    let hasOrigin: Bool
    /// The scopes granted at `connect`.
    private(set) var scopes: Set<String> = []
    private(set) var role = "operator"

    /// The largest message accepted (the real gateway's `policy.maxPayload` is larger).
    static let maxPayload = 1 << 20

    /// Reads the client's frames (masked, as clients send them).
    private static let decoder = WebSocketFrameDecoder(sender: .client, maxPayload: maxPayload)

    init(connection: HTTPConnection, gateway: Gateway, hasOrigin: Bool) {
        self.connection = connection
        self.gateway = gateway
        self.hasOrigin = hasOrigin
    }

    /// Sends the `connect.challenge` event, as the real gateway does right after the upgrade.
    func start() {
        sendEvent("connect.challenge", .object(["nonce": .string(nonce), "ts": .int(Clock.wallMs())]))
    }

    /// Consumes every complete frame in the connection's input buffer.
    func receive() {
        while phase != .closing {
            switch Self.decoder.decode(connection.input) {
            case .needMore:
                return
            case .invalid(let violation):
                close(code: violation.closeCode, reason: violation.description)
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
            connection.enqueue(WebSocketFrame(opcode: .pong, payload: frame.payload).encode())
        case .pong:
            break
        case .close:
            let code = frame.closeCode ?? 1000
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
            sendResponse(id: nil, error: GatewayMethodError(code: "INVALID_REQUEST", message: "invalid request frame: expected {type: \"req\", id, method, params?}"))
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
            switch gateway.call(method, params, scopes: scopes) {
            case .success(let payload): sendResponse(id: id, payload: payload)
            case .failure(let error): sendResponse(id: id, error: error)
            }
        case .closing:
            break
        }
    }

    /// The `connect` handshake as OpenClaw's gateway runs it (src/gateway/server/ws-connection/
    /// message-handler.ts and its helpers): the params schema with the closed client id and mode
    /// lists, the protocol range, start-up sidecars, the shared secret, then the scopes.
    private func handshake(id: String, method: String, params: JSONValue) {
        guard method == "connect" else {
            sendResponse(id: id, error: GatewayMethodError(code: "INVALID_REQUEST", message: "invalid handshake: first request must be connect"))
            close(code: 1008, reason: "invalid handshake: first request must be connect")
            return
        }
        let persona = gateway.persona
        let problems = ParamsSchema.connect(persona.clientCatalog, openIds: gateway.env.breaks.contains(.clientId)).errors(params)
        if !problems.isEmpty {
            let message = "invalid connect params: " + problems.joined(separator: "; ")
            gateway.logger.warn("gateway/ws", "invalid connect params conn=\(connId.prefix(8)) \(problems.joined(separator: "; "))")
            sendResponse(id: id, error: GatewayMethodError(code: "INVALID_REQUEST", message: message))
            close(code: 1008, reason: message)
            return
        }
        let minProtocol = Int(params["minProtocol"]?.intValue ?? 0)
        let maxProtocol = Int(params["maxProtocol"]?.intValue ?? 0)
        let rule = persona.gatewayProtocol
        guard rule.accepts(min: minProtocol, max: maxProtocol) else {
            // OpenClaw: PROTOCOL_MISMATCH with the ranges in details (packages/gateway-protocol/src/connect-error-details.ts).
            sendResponse(id: id, error: GatewayMethodError(
                code: "INVALID_REQUEST", message: "protocol mismatch",
                details: .object(["code": .string("PROTOCOL_MISMATCH"), "expectedProtocol": .int(Int64(rule.version)),
                                  "clientMinProtocol": .int(Int64(minProtocol)), "clientMaxProtocol": .int(Int64(maxProtocol))])))
            close(code: 1002, reason: "protocol mismatch")
            return
        }
        if !gateway.startupComplete && persona.readiness.startupSidecars {
            // OpenClaw: packages/gateway-protocol/src/startup-unavailable.ts (reason startup-sidecars,
            // retry after 500 ms, close 1013 "gateway starting").
            sendResponse(id: id, error: GatewayMethodError(
                code: "UNAVAILABLE", message: "gateway starting",
                details: .object(["reason": .string(ReadinessRule.startupSidecarsReason)]), retryable: true, retryAfterMs: 500))
            close(code: 1013, reason: "gateway starting")
            return
        }
        let client = params["client"]?["id"]?.stringValue ?? "?"
        if !gateway.env.breaks.contains(.auth), let refusal = gateway.authorize(params["auth"]) {
            gateway.logger.warn("gateway/ws", "unauthorized conn=\(connId.prefix(8)) client=\(client) reason=\(refusal.reason)")
            sendResponse(id: id, error: GatewayMethodError(code: "INVALID_REQUEST", message: refusal.message,
                                                           details: .object(["code": .string(refusal.detailCode)])))
            close(code: 1008, reason: refusal.message)
            return
        }
        if params["device"] != nil {
            // Not modelled: signatures and pairing. A loopback backend client never needs them.
            let message = "openclaw-sim does not model device identities (signatures and pairing)"
            sendResponse(id: id, error: GatewayMethodError(code: "INVALID_REQUEST", message: message))
            close(code: 1008, reason: message)
            return
        }
        let role = params["role"]?.stringValue ?? "operator"
        if role == "node" {
            // OpenClaw: a node without a device identity is refused (src/gateway/server/ws-connection/connect-policy.ts).
            let message = "device identity required"
            sendResponse(id: id, error: GatewayMethodError(code: "INVALID_REQUEST", message: message,
                                                           details: .object(["code": .string("DEVICE_IDENTITY_REQUIRED")])))
            close(code: 1008, reason: message)
            return
        }
        let requested = params["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        // A device-less client keeps its scopes only as the direct loopback backend client without a
        // browser Origin (OpenClaw: shouldSkipLocalBackendSelfPairing in
        // src/gateway/server/ws-connection/handshake-auth-helpers.ts; docs/gateway/protocol.md).
        let backend = client == GatewayClientCatalog.fleetClientId
            && params["client"]?["mode"]?.stringValue == GatewayClientCatalog.fleetClientMode
            && connection.isLoopback && !hasOrigin
        scopes = backend || gateway.env.breaks.contains(.scopeClearing) ? Set(requested) : []
        self.role = role
        phase = .connected
        gateway.logger.debug("gateway/ws", "connected conn=\(connId.prefix(8)) client=\(client) scopes=\(scopes.sorted().joined(separator: ","))")
        sendResponse(id: id, payload: gateway.helloOk(connId: connId, role: role, scopes: scopes.sorted()))
    }

    private func sendResponse(id: String?, payload: JSONValue? = nil, error: GatewayMethodError? = nil) {
        var frame: [String: JSONValue] = ["type": .string("res"), "id": id.map(JSONValue.string) ?? .null, "ok": .bool(error == nil)]
        if let payload { frame["payload"] = payload }
        if let error { frame["error"] = error.json }
        send(.object(frame))
    }

    private func sendEvent(_ name: String, _ payload: JSONValue) {
        eventSeq += 1
        send(.object(["type": .string("event"), "event": .string(name), "payload": payload, "seq": .int(Int64(eventSeq))]))
    }

    private func send(_ value: JSONValue) {
        connection.enqueue(WebSocketFrame(opcode: .text, payload: Array(value.json(pretty: false).utf8)).encode())
    }

    /// Sends a close frame and closes the socket once it is written.
    func close(code: UInt16, reason: String) {
        guard phase != .closing else { return }
        phase = .closing
        connection.enqueue(WebSocketFrame(opcode: .close, payload: WebSocketFrame.closePayload(code: code, reason: reason)).encode())
        connection.closeAfterFlush = true
    }

    /// Drops the socket without a close frame (the fault switch that simulates a dying gateway).
    private func abort() {
        phase = .closing
        connection.discardOutput()
        connection.closeAfterFlush = true
    }
}
