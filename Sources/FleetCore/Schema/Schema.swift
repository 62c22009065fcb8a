/// The shape of a manifest value: one definition drives the decoder, the validator's type
/// checks and the JSON Schemas in `schemas/`, so the three can never disagree.
public indirect enum Schema: Sendable {
    /// A string, optionally limited to a set of values or a format.
    case string(StringRule)
    /// An integer within optional bounds.
    case integer(min: Int?, max: Int?)
    /// `true` or `false`.
    case boolean
    /// A mapping with known fields.
    case object(ObjectSchema)
    /// A list of values of one shape.
    case array(Schema)
    /// A mapping from free keys to values of one shape.
    case map(Schema)
    /// The first alternative that fits (e.g. `auto` or a port number).
    case oneOf([Schema])
    /// Anything (raw OpenClaw keys); checked elsewhere.
    case any(description: String)

    /// An unconstrained string.
    public static var text: Schema { .string(StringRule()) }

    /// A string from a fixed set.
    public static func enumeration(_ values: [String], aliases: [String: String] = [:]) -> Schema {
        .string(StringRule(allowed: values, aliases: aliases))
    }

    /// What a person would call this shape in a message: "a string", "an integer".
    public var noun: String {
        switch self {
        case .string(let rule): return rule.allowed == nil ? "a string" : "one of the allowed values"
        case .integer: return "an integer"
        case .boolean: return "true or false"
        case .object: return "a mapping"
        case .array: return "a list"
        case .map: return "a mapping"
        case .oneOf(let options): return options.map(\.noun).joined(separator: " or ")
        case .any: return "any value"
        }
    }
}

/// The rules for a string value.
public struct StringRule: Sendable {
    /// The values allowed, if the set is fixed.
    public var allowed: [String]?
    /// Words people type for one of the allowed values (`all` means `open`).
    public var aliases: [String: String]
    /// A named format checked by the decoder.
    public var format: StringFormat?
    /// The longest string allowed.
    public var maxLength: Int?

    /// Creates a rule.
    public init(allowed: [String]? = nil, aliases: [String: String] = [:], format: StringFormat? = nil, maxLength: Int? = nil) {
        self.allowed = allowed
        self.aliases = aliases
        self.format = format
        self.maxLength = maxLength
    }
}

/// Formats a string may be required to have.
public enum StringFormat: String, Sendable {
    /// A lowercase DNS-label slug: `a-z`, `0-9`, `-`, starting and ending alphanumeric.
    case slug
    /// A duration such as `30s`, `5m`, `1h`.
    case duration
    /// A label key or value in the Kubernetes style.
    case label
    /// A Kubernetes quantity such as `250m`, `1`, `512Mi`.
    case quantity

    /// The regular expression the JSON Schema carries for this format.
    public var pattern: String {
        switch self {
        case .slug: return "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"
        case .duration: return "^[0-9]+(ms|s|m|h)$"
        case .label: return "^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$"
        case .quantity: return "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$"
        }
    }

    /// Whether `value` has this format.
    public func matches(_ value: String) -> Bool {
        switch self {
        case .slug:
            guard let first = value.utf8.first, let last = value.utf8.last else { return false }
            func alnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
            return alnum(first) && alnum(last) && value.utf8.allSatisfy { alnum($0) || $0 == 0x2D }
        case .duration:
            return Duration.parseFleetDuration(value) != nil
        case .label:
            guard let first = value.utf8.first, let last = value.utf8.last else { return false }
            func alnum(_ c: UInt8) -> Bool {
                (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
            }
            return alnum(first) && alnum(last)
                && value.utf8.allSatisfy { alnum($0) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || $0 == 0x2F }
        case .quantity:
            let suffixes = ["", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
            let number = value.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            let parts = number.split(separator: ".", omittingEmptySubsequences: false)
            return suffixes.contains(String(value.dropFirst(number.count))) && (parts.count == 1 || parts.count == 2)
                && parts.allSatisfy { !$0.isEmpty }
        }
    }

    /// A phrase for messages.
    public var explanation: String {
        switch self {
        case .slug: return "lowercase letters, digits and '-', starting and ending with a letter or digit"
        case .duration: return "a number followed by ms, s, m or h (for example 30s)"
        case .label: return "letters, digits, '-', '_', '.', '/', starting and ending with a letter or digit"
        case .quantity: return "a Kubernetes quantity: a number with an optional suffix m, k, M, G, T, Ki, Mi, Gi, Ti (for example 250m or 512Mi)"
        }
    }
}

/// A mapping with known fields.
public struct ObjectSchema: Sendable {
    /// What the mapping is for (shown in editors).
    public var description: String
    /// The fields, in the order the reference documents them.
    public var fields: [Field]

    /// Creates an object schema.
    public init(_ description: String, _ fields: [Field]) {
        self.description = description
        self.fields = fields
    }

    /// The field called `name`.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}

/// One field of a mapping.
public struct Field: Sendable {
    /// The key.
    public var name: String
    /// Its shape.
    public var schema: Schema
    /// Whether it must be present.
    public var required: Bool
    /// What it means (shown in editors and in `docs/manifests.md`).
    public var description: String
    /// The value used when it is absent, as written in YAML.
    public var defaultValue: String?

    /// Creates a field.
    public init(_ name: String, _ schema: Schema, required: Bool = false, default defaultValue: String? = nil, _ description: String) {
        self.name = name
        self.schema = schema
        self.required = required
        self.description = description
        self.defaultValue = defaultValue
    }
}

extension Duration {
    /// Parses `250ms`, `30s`, `5m`, `2h`.
    public static func parseFleetDuration(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, ms) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let n = Int64(number), n <= 1_000_000_000 else { continue }
            return .milliseconds(n * ms)
        }
        return nil
    }
}
