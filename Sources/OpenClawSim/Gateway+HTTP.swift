import Glibc
import OpenClawConfig

extension Gateway {
    /// Routes one HTTP request: `/health`, `/healthz`, `/ready`, `/readyz`, and `/startupz` for
    /// releases that have it (the release table's ``ReadinessRule``).
    func respond(to request: HTTPRequest, on connection: HTTPConnection) -> HTTPResponse {
        let path = request.path
        var probes = ["/health", "/healthz", "/ready", "/readyz"]
        if persona.readiness.startupProbe { probes.append("/startupz") }
        guard probes.contains(path) else {
            return .json(404, #"{"ok":false,"error":"not found"}"#)
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .json(405, #"{"ok":false,"error":"method not allowed"}"#, extraHeaders: [("Allow", "GET, HEAD")])
        }
        if path == "/health" || path == "/healthz" {
            return .json(200, #"{"ok":true,"status":"live"}"#)
        }
        let state = readiness()
        let detailed = connection.isLoopback || settings.authorizes(request.headers["authorization"])
        if path == "/startupz" {
            // Only the status is relied on (the body's shape is not pinned down in OpenClaw's source).
            let started = !state.startupPending
            let body: JSONValue = detailed
                ? .object(["ready": .bool(started), "failing": .array(started ? [] : [.string(ReadinessRule.startupSidecarsReason)]),
                           "uptimeMs": .int(Clock.monotonicMs() - startMs)])
                : .object(["ready": .bool(started)])
            return .json(started ? 200 : 503, body.json(pretty: false))
        }
        let status = state.ready ? 200 : 503
        guard detailed else {
            return .json(status, JSONValue.object(["ready": .bool(state.ready)]).json(pretty: false))
        }
        var members: [String: JSONValue] = [
            "ready": .bool(state.ready),
            "failing": .array(state.failing.map { .string($0) }),
            "uptimeMs": .int(Clock.monotonicMs() - startMs),
            // Test-only extensions (not in the real gateway): the live config's hash and the pid.
            "configHash": .string(config.hash),
            "pid": .int(Int64(getpid())),
        ]
        if persona.readiness.structuredConditions { members["conditions"] = .array(state.conditions) }
        return .json(status, JSONValue.object(members).json(pretty: false))
    }
}
