import OpenClawConfig

/// One entry of `/readyz`'s `conditions`: start-up or one channel account.
struct ReadinessCondition {
    var name: String
    var ok: Bool
    var state: String
    var lastError: String?

    var json: JSONValue {
        var members: [String: JSONValue] = ["name": .string(name), "ok": .bool(ok), "state": .string(state)]
        if let lastError { members["lastError"] = .string(lastError) }
        return .object(members)
    }
}
