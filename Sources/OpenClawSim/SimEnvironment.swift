/// The stand-in's fault switches and test-only knobs, read from `OPENCLAW_SIM_*` variables.
struct SimEnvironment {
    /// Delay before channels connect and `/readyz` can turn 200 (`OPENCLAW_SIM_STARTUP_DELAY_MS`).
    var startupDelayMs: Int64 = 0
    /// Waiting before the port is bound, so `/healthz` does not answer yet (`OPENCLAW_SIM_STARTUP_MS`;
    /// `OPENCLAW_SIM_LISTEN_DELAY_MS` is its older name).
    var startupWaitMs: Int64 = 0
    /// CPU time burnt before the port is bound, as a real gateway's start-up is (Node loading its
    /// modules): `OPENCLAW_SIM_STARTUP_CPU_MS`.
    var startupCpuMs: Int64 = 0
    /// Crash this long after start (`OPENCLAW_SIM_CRASH_AFTER_MS`).
    var crashAfterMs: Int64?
    /// Exit code of the crash (`OPENCLAW_SIM_CRASH_EXIT_CODE`, default 1).
    var crashExitCode: Int32 = 1
    /// Signal to die of instead (`OPENCLAW_SIM_CRASH_SIGNAL`: SEGV, KILL, ABRT, … or a number).
    var crashSignal: Int32?
    /// Accounts (`channel:account`) that never connect (`OPENCLAW_SIM_UNREADY_CHANNEL`, comma-separated).
    var unreadyChannels: [String] = []
    /// Accounts that fail with an error (`OPENCLAW_SIM_CHANNEL_ERROR=channel:account:message`, `;`-separated).
    var channelErrors: [String: String] = [:]
    /// Credentials starting with this fail with `401 Unauthorized` (`OPENCLAW_SIM_BAD_TOKEN_PREFIX`, default `bad`; empty disables).
    var badTokenPrefix = "bad"
    /// Ignore SIGTERM (`OPENCLAW_SIM_IGNORE_SIGTERM=1`).
    var ignoreSigterm = false
    /// Simulated inbound messages per minute (`OPENCLAW_SIM_TRAFFIC_PER_MIN`).
    var trafficPerMin = 0
    /// Drop every WebSocket connection at its first request after `connect` (`OPENCLAW_SIM_WS_CLOSE_AFTER_CONNECT=1`).
    var wsCloseAfterConnect = false
    /// Start a child process that inherits the environment, like an exec-tool command
    /// (`OPENCLAW_SIM_EXEC_CHILD=1`, or `detached` for one in a session of its own).
    var execChild: String?
    /// Test-only: a started channel's connect grace in ms (`OPENCLAW_SIM_CHANNEL_CONNECT_GRACE_MS`;
    /// the real gateway's is 120 s, OpenClaw: src/gateway/channel-health-policy.ts).
    var channelConnectGraceMs: Int64?
    /// Test-only: every channel restart waits this many ms (`OPENCLAW_SIM_CHANNEL_RESTART_BACKOFF_MS`;
    /// the real gateway waits 5 s doubling to 5 min, OpenClaw: src/gateway/server-channels.ts).
    var channelRestartBackoffMs: Int64?
    /// Test-only: rotate the log file at this size, for a release that rotates (`OPENCLAW_SIM_LOG_ROTATE_BYTES`).
    var logRotateBytes: Int?
    /// Test-only fault switch: break one rule of the real gateway (`OPENCLAW_SIM_BREAK`), so the
    /// conformance suite can be seen to fail (see ``SimBreak``).
    var breaks: Set<SimBreak> = []

    static func current() -> SimEnvironment {
        var env = SimEnvironment()
        func value(_ name: String) -> String? {
            guard let v = FileSystem.env("OPENCLAW_SIM_" + name), !v.isEmpty else { return nil }
            return v
        }
        if let v = value("STARTUP_DELAY_MS").flatMap({ Int64($0) }) { env.startupDelayMs = max(0, v) }
        if let v = (value("STARTUP_MS") ?? value("LISTEN_DELAY_MS")).flatMap({ Int64($0) }) { env.startupWaitMs = max(0, v) }
        if let v = value("STARTUP_CPU_MS").flatMap({ Int64($0) }) { env.startupCpuMs = max(0, v) }
        if let v = value("CRASH_AFTER_MS").flatMap({ Int64($0) }) { env.crashAfterMs = max(0, v) }
        if let v = value("CRASH_EXIT_CODE").flatMap({ Int32($0) }) { env.crashExitCode = v }
        if let v = value("CRASH_SIGNAL") { env.crashSignal = SignalNames.number(v) }
        if let v = value("UNREADY_CHANNEL") {
            env.unreadyChannels = v.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        }
        if let v = value("CHANNEL_ERROR") {
            for entry in v.split(separator: ";") {
                let parts = entry.split(separator: ":", maxSplits: 2).map { String($0).trimmed }
                guard parts.count >= 2 else { continue }
                env.channelErrors["\(parts[0]):\(parts[1])"] = parts.count == 3 && !parts[2].isEmpty ? parts[2] : "channel error"
            }
        }
        if let raw = FileSystem.env("OPENCLAW_SIM_BAD_TOKEN_PREFIX") { env.badTokenPrefix = raw }
        if let v = value("IGNORE_SIGTERM") { env.ignoreSigterm = v == "1" || v.lowercased() == "true" }
        if let v = value("WS_CLOSE_AFTER_CONNECT") { env.wsCloseAfterConnect = v == "1" || v.lowercased() == "true" }
        if let v = value("EXEC_CHILD"), v != "0" { env.execChild = v == "detached" ? "detached" : "session" }
        if let v = value("TRAFFIC_PER_MIN").flatMap({ Int($0) }) { env.trafficPerMin = max(0, v) }
        if let v = value("CHANNEL_CONNECT_GRACE_MS").flatMap({ Int64($0) }) { env.channelConnectGraceMs = max(0, v) }
        if let v = value("CHANNEL_RESTART_BACKOFF_MS").flatMap({ Int64($0) }) { env.channelRestartBackoffMs = max(1, v) }
        if let v = value("LOG_ROTATE_BYTES").flatMap({ Int($0) }) { env.logRotateBytes = max(1, v) }
        if let v = value("BREAK") {
            env.breaks = Set(v.split(separator: ",").compactMap { SimBreak(rawValue: String($0).trimmed) })
        }
        return env
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmed: String {
        let ws: Set<Character> = [" ", "\t", "\n", "\r"]
        var s = Substring(self)
        while let f = s.first, ws.contains(f) { s = s.dropFirst() }
        while let l = s.last, ws.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// The rules `OPENCLAW_SIM_BREAK` can break (comma-separated), each one the real gateway keeps.
enum SimBreak: String, CaseIterable {
    /// Accept any `client.id` and `client.mode` (OpenClaw: src/gateway/protocol/client-info.ts).
    case clientId = "client-id"
    /// Keep the scopes of a device-less client that is not the loopback backend
    /// (OpenClaw: src/gateway/server/ws-connection/handshake-auth-helpers.ts).
    case scopeClearing = "scope-clearing"
    /// Accept unknown method params (OpenClaw: src/gateway/protocol/schema/*.ts, additionalProperties: false).
    case unknownParams = "unknown-params"
    /// Send `lastError: null` instead of leaving the field out (OpenClaw: src/gateway/protocol/schema/channels.ts).
    case nullOptionals = "null-optionals"
    /// Write flat `{"0": "[subsystem] message"}` lines instead of tslog's (OpenClaw: src/logging/subsystem.ts).
    case logFormat = "log-format"
    /// Accept a wrong token (OpenClaw: src/gateway/auth.ts).
    case auth = "auth"
}
