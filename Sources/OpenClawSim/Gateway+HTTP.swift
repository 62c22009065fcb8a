import Glibc
import OpenClawConfig

extension Gateway {
    /// Routes one HTTP request: `/health`, `/healthz`, `/ready`, `/readyz`.
    func respond(to request: HTTPRequest, on connection: HTTPConnection) -> HTTPResponse {
        let path = request.path
        let isProbe = ["/health", "/healthz", "/ready", "/readyz"].contains(path)
        guard isProbe else {
            return .json(404, #"{"ok":false,"error":"not found"}"#)
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .json(405, #"{"ok":false,"error":"method not allowed"}"#, extraHeaders: [("Allow", "GET, HEAD")])
        }
        if path == "/health" || path == "/healthz" {
            return .json(200, #"{"ok":true,"status":"live"}"#)
        }
        let state = readiness()
        let status = state.ready ? 200 : 503
        let detailed = connection.isLoopback || settings.authorizes(request.headers["authorization"])
        guard detailed else {
            return .json(status, JSONValue.object(["ready": .bool(state.ready)]).json(pretty: false))
        }
        let body: JSONValue = .object([
            "ready": .bool(state.ready),
            "failing": .array(state.failing.map { .string($0) }),
            "uptimeMs": .int(Clock.monotonicMs() - startMs),
            "conditions": .array(state.conditions.map(\.json)),
            // Test-only extensions (not in the real gateway): the live config's hash and the pid.
            "configHash": .string(config.hash),
            "pid": .int(Int64(getpid())),
        ])
        return .json(status, body.json(pretty: false))
    }
}
