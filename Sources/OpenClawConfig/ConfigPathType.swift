/// The type of one config path as OpenClaw's config table spells it: `string`, `integer`,
/// `number`, `boolean`, `object`, `array`, `null`, a union joined with `|`, or empty (anything).
public struct ConfigPathType: Sendable, Hashable, CustomStringConvertible {
    /// The member type names; empty means any value is accepted.
    public let names: [String]

    /// Parses a table type such as `object|string`.
    public init(_ raw: String) {
        names = raw.split(separator: "|").map(String.init).filter { !$0.isEmpty }
    }

    /// The type that accepts anything.
    public static let any = ConfigPathType("")

    /// `true` when any value is accepted.
    public var isAny: Bool { names.isEmpty }

    /// The table spelling, e.g. `object|string` (empty for any).
    public var description: String { names.joined(separator: "|") }

    /// Whether `value` is allowed. `integer` accepts integers (and doubles without a fraction,
    /// as JavaScript does); `number` accepts integers and doubles; unknown names accept anything.
    public func accepts(_ value: JSONValue) -> Bool {
        if names.isEmpty { return true }
        for name in names {
            switch (name, value) {
            case ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array),
                 ("null", .null), ("integer", .int), ("number", .int), ("number", .double):
                return true
            case ("integer", .double(let d)) where d.isFinite && d.rounded() == d:
                return true
            case ("string", _), ("boolean", _), ("object", _), ("array", _), ("null", _),
                 ("integer", _), ("number", _):
                continue
            default:
                return true
            }
        }
        return false
    }

    /// Whether the type allows members below it (an object or array, or anything).
    var allowsChildren: Bool {
        isAny || names.contains("object") || names.contains("array")
    }
}
