/// One problem found by ``ConfigPathTable/validate(_:)``.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: Sendable, Hashable {
        /// The key is not in OpenClaw's strict schema.
        case unknownKey
        /// The value has the wrong JSON type; types as the table spells them.
        case wrongType(expected: String, actual: String)
        /// A key the release refuses as legacy; `replacement` is what to write instead.
        case legacyKey(replacement: String)
        /// A value outside the set the release accepts.
        case unsupportedValue(allowed: [String])
    }

    /// Dotted path of the offending value; array elements appear as their index (`bindings.0.match`).
    public let path: String
    /// What is wrong.
    public let kind: Kind
    /// A message in OpenClaw's wording, e.g. `Unrecognized key "foo" at gateway.foo`.
    public let message: String

    /// Creates an issue.
    public init(path: String, kind: Kind, message: String) {
        self.path = path
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
