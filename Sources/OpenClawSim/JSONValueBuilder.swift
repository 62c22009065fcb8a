import OpenClawConfig

/// Small constructors for the JSON bodies the gateway answers with.
enum JSONValueBuilder {
    case condition(name: String, ok: Bool, state: String, error: String?)

    var value: JSONValue {
        switch self {
        case .condition(let name, let ok, let state, let error):
            var members: [String: JSONValue] = ["name": .string(name), "ok": .bool(ok), "state": .string(state)]
            if let error { members["lastError"] = .string(error) }
            return .object(members)
        }
    }
}
