import OpenClawConfig

extension Schema {
    /// The JSON Schema (draft 2020-12) of this shape.
    func jsonSchema(description: String? = nil) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        switch self {
        case .string(let rule):
            out["type"] = "string"
            if let allowed = rule.allowed { out["enum"] = .array(allowed.map(JSONValue.string)) }
            if let format = rule.format { out["pattern"] = .string(format.pattern) }
            if let max = rule.maxLength { out["maxLength"] = .int(Int64(max)) }
        case .integer(let min, let max):
            out["type"] = "integer"
            if let min { out["minimum"] = .int(Int64(min)) }
            if let max { out["maximum"] = .int(Int64(max)) }
        case .boolean:
            out["type"] = "boolean"
        case .object(let object):
            out = object.jsonSchema()
        case .array(let element):
            out["type"] = "array"
            out["items"] = .object(element.jsonSchema())
        case .map(let value):
            out["type"] = "object"
            out["additionalProperties"] = .object(value.jsonSchema())
        case .oneOf(let options):
            out["oneOf"] = .array(options.map { .object($0.jsonSchema()) })
        case .any:
            break
        }
        if let description { out["description"] = .string(description) }
        return out
    }
}

extension ObjectSchema {
    /// The JSON Schema of this mapping: its properties, required fields, no others.
    func jsonSchema() -> [String: JSONValue] {
        var properties: [String: JSONValue] = [:]
        for field in fields {
            var text = field.description
            if let d = field.defaultValue { text += " Default: \(d)." }
            properties[field.name] = .object(field.schema.jsonSchema(description: text))
        }
        var out: [String: JSONValue] = [
            "type": "object", "description": .string(description), "properties": .object(properties),
            "additionalProperties": false,
        ]
        let required = fields.filter(\.required).map(\.name)
        if !required.isEmpty { out["required"] = .array(required.map(JSONValue.string)) }
        return out
    }
}

extension ManifestSchemas {
    /// The schema files fleet publishes, by file name.
    public static func jsonSchemaFiles() -> [(name: String, text: String)] {
        func document(_ id: String, _ title: String, _ object: ObjectSchema) -> String {
            var root = object.jsonSchema()
            root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
            root["$id"] = .string(id)
            root["title"] = .string(title)
            return JSONValue.object(root).json(pretty: true) + "\n"
        }
        return [
            ("bot.schema.json", document("https://fleet.dev/schemas/bot.schema.json", "fleet Bot manifest", bot)),
            ("fleet.schema.json", document("https://fleet.dev/schemas/fleet.schema.json", "fleet Fleet manifest", fleet)),
        ]
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
