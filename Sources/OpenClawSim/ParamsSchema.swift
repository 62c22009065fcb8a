import OpenClawConfig

/// A closed object schema, as OpenClaw's TypeBox schemas with `additionalProperties: false` are
/// (OpenClaw: src/gateway/protocol/schema/frames.ts, channels.ts, sessions.ts, logs-chat.ts): an
/// unknown key, a missing required key or a value of the wrong type is an error, reported the way
/// the gateway's validator words it (`at /client/id: must be equal to one of the allowed values`).
struct ParamsSchema {
    indirect enum Field {
        case integer(min: Int64?, max: Int64?)
        case boolean
        case string(nonEmpty: Bool)
        case oneOf([String])
        case stringArray
        case booleanRecord
        case object(ParamsSchema)
    }

    var fields: [String: Field]
    var required: Set<String> = []

    /// The validation errors of `value` (empty when it fits).
    func errors(_ value: JSONValue, at path: String = "") -> [String] {
        let place = path.isEmpty ? "root" : path
        guard let members = value.objectValue else { return ["at \(place): must be object"] }
        var found: [String] = []
        for name in required.sorted() where members[name] == nil {
            found.append("at \(place): must have required property '\(name)'")
        }
        for name in members.keys.sorted() {
            guard let member = members[name] else { continue }
            guard let field = fields[name] else {
                found.append("at \(place): unexpected property '\(name)'")
                continue
            }
            found += Self.check(member, field, at: path + "/" + name)
        }
        return found
    }

    private static func check(_ value: JSONValue, _ field: Field, at path: String) -> [String] {
        switch field {
        case .integer(let min, let max):
            guard let n = value.intValue else { return ["at \(path): must be integer"] }
            if let min, n < min { return ["at \(path): must be >= \(min)"] }
            if let max, n > max { return ["at \(path): must be <= \(max)"] }
            return []
        case .boolean:
            return value.boolValue == nil ? ["at \(path): must be boolean"] : []
        case .string(let nonEmpty):
            guard let s = value.stringValue else { return ["at \(path): must be string"] }
            return nonEmpty && s.isEmpty ? ["at \(path): must NOT have fewer than 1 characters"] : []
        case .oneOf(let allowed):
            guard let s = value.stringValue, allowed.contains(s) else {
                return ["at \(path): must be equal to one of the allowed values"]
            }
            return []
        case .stringArray:
            guard let items = value.arrayValue else { return ["at \(path): must be array"] }
            return items.enumerated().compactMap { i, item in
                (item.stringValue?.isEmpty ?? true) ? "at \(path)/\(i): must be a non-empty string" : nil
            }
        case .booleanRecord:
            guard let members = value.objectValue else { return ["at \(path): must be object"] }
            return members.keys.sorted().compactMap { k in members[k]?.boolValue == nil ? "at \(path)/\(k): must be boolean" : nil }
        case .object(let schema):
            return schema.errors(value, at: path)
        }
    }

    /// `connect` params for a release (OpenClaw: ConnectParamsSchema in src/gateway/protocol/schema/frames.ts;
    /// the id and mode lists of src/gateway/protocol/client-info.ts). `openIds` accepts any id and mode
    /// (the `client-id` fault switch).
    static func connect(_ catalog: GatewayClientCatalog, openIds: Bool) -> ParamsSchema {
        let client = ParamsSchema(
            fields: ["id": openIds ? .string(nonEmpty: true) : .oneOf(catalog.ids), "displayName": .string(nonEmpty: true),
                     "version": .string(nonEmpty: true), "platform": .string(nonEmpty: true),
                     "deviceFamily": .string(nonEmpty: true), "modelIdentifier": .string(nonEmpty: true),
                     "mode": openIds ? .string(nonEmpty: true) : .oneOf(catalog.modes), "instanceId": .string(nonEmpty: true)],
            required: ["id", "version", "platform", "mode"])
        let device = ParamsSchema(
            fields: ["id": .string(nonEmpty: true), "publicKey": .string(nonEmpty: true), "signature": .string(nonEmpty: true),
                     "signedAt": .integer(min: 0, max: nil), "nonce": .string(nonEmpty: true)],
            required: ["id", "publicKey", "signature", "signedAt", "nonce"])
        let auth = ParamsSchema(fields: ["token": .string(nonEmpty: false), "deviceToken": .string(nonEmpty: false),
                                         "password": .string(nonEmpty: false), "bootstrapToken": .string(nonEmpty: false)])
        return ParamsSchema(
            fields: ["minProtocol": .integer(min: 1, max: nil), "maxProtocol": .integer(min: 1, max: nil),
                     "client": .object(client), "caps": .stringArray, "commands": .stringArray, "permissions": .booleanRecord,
                     "pathEnv": .string(nonEmpty: false), "role": .string(nonEmpty: true), "scopes": .stringArray,
                     "device": .object(device), "auth": .object(auth), "locale": .string(nonEmpty: false),
                     "userAgent": .string(nonEmpty: false)],
            required: ["minProtocol", "maxProtocol", "client"])
    }

    /// The params of each method the stand-in serves; nil for a method whose params it does not check.
    static func method(_ name: String, release: OpenClawRelease) -> ParamsSchema? {
        switch name {
        case "channels.status":
            // OpenClaw: ChannelsStatusParamsSchema in src/gateway/protocol/schema/channels.ts.
            return ParamsSchema(fields: ["probe": .boolean, "timeoutMs": .integer(min: 0, max: nil)])
        case "sessions.list":
            // OpenClaw: SessionsListParamsSchema in src/gateway/protocol/schema/sessions.ts; the 2026.8
            // line adds offset, requireLastInteraction, sortBy and configuredAgentsOnly.
            var fields: [String: Field] = [
                "limit": .integer(min: 1, max: nil), "activeMinutes": .integer(min: 1, max: nil),
                "includeGlobal": .boolean, "includeUnknown": .boolean, "includeDerivedTitles": .boolean,
                "includeLastMessage": .boolean, "label": .string(nonEmpty: true), "spawnedBy": .string(nonEmpty: true),
                "agentId": .string(nonEmpty: true), "search": .string(nonEmpty: false),
            ]
            if release >= OpenClawRelease(year: 2026, month: 8) {
                fields["offset"] = .integer(min: 0, max: nil)
                fields["requireLastInteraction"] = .boolean
                fields["sortBy"] = .oneOf(["updatedAt", "lastInteractionAt"])
                fields["configuredAgentsOnly"] = .boolean
            }
            return ParamsSchema(fields: fields)
        case "logs.tail":
            // OpenClaw: LogsTailParamsSchema in src/gateway/protocol/schema/logs-chat.ts.
            return ParamsSchema(fields: ["cursor": .integer(min: 0, max: nil), "limit": .integer(min: 1, max: 5000),
                                         "maxBytes": .integer(min: 1, max: 1_000_000)])
        case "channels.start":
            // OpenClaw: channels.start {channel, accountId?} (src/gateway/server-methods/channels.ts).
            return ParamsSchema(fields: ["channel": .string(nonEmpty: true), "accountId": .string(nonEmpty: false)],
                                required: ["channel"])
        default:
            return nil
        }
    }
}
