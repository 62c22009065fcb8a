import OpenClawConfig

/// The gateway's readiness at one moment, and its `/readyz` body per release.
struct Readiness {
    var ready: Bool
    /// Channel ids (`telegram`), or `startup-sidecars` while start-up runs.
    var failing: [String]
    var startupPending: Bool
    var channelsChecked: Bool

    /// The structured conditions of the 2026.8 line (OpenClaw: src/gateway/server/readiness.ts:
    /// GatewayStartupComplete, GatewayAcceptingWork, ChannelRuntimeReady, EventLoopHealthy).
    var conditions: [JSONValue] {
        func condition(_ type: String, _ ok: Bool?, _ reason: String, _ message: String, advisory: Bool = false) -> JSONValue {
            .object(["type": .string(type), "status": .string(ok.map { $0 ? "True" : "False" } ?? "Unknown"),
                     "requirement": .string(advisory ? "advisory" : "required"),
                     "reason": .string(reason), "message": .string(message)])
        }
        var list = [
            condition("GatewayStartupComplete", !startupPending,
                      startupPending ? "GatewayStartupPending" : "GatewayStartupComplete",
                      startupPending ? "Gateway startup dependencies are still pending: startup-sidecars."
                          : "Gateway startup dependencies are complete."),
            condition("GatewayAcceptingWork", true, "GatewayAcceptingWork", "Gateway is accepting new work."),
        ]
        if !channelsChecked {
            list.append(condition("ChannelRuntimeReady", nil, "ChannelRuntimeNotChecked",
                                  "Channel runtime health was not evaluated on this readiness pass."))
        } else if failing.isEmpty {
            list.append(condition("ChannelRuntimeReady", true, "ChannelRuntimeReady", "Selected channel runtimes are ready."))
        } else {
            list.append(condition("ChannelRuntimeReady", false, "ChannelRuntimeUnavailable",
                                  "Selected channels are not ready: \(failing.joined(separator: ", "))."))
        }
        list.append(condition("EventLoopHealthy", nil, "EventLoopStatusUnavailable", "Event-loop health is not available yet.",
                              advisory: true))
        return list
    }
}
