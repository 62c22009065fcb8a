/// The header fields of an HTTP/1 message, in the order they were written. Names compare
/// without regard to case (RFC 9110 §5.1); a name given twice answers with its last value.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByArrayLiteral {
    /// The fields as written.
    public private(set) var fields: [(name: String, value: String)]

    /// No fields.
    public init() { fields = [] }

    /// The fields of `pairs`, in order.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// The fields of `[("Name", "value"), ...]`, in order.
    public init(arrayLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// Appends a field.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// The last value of `name` (any case), nil when absent.
    public subscript(_ name: String) -> String? {
        fields.last { Self.same($0.name, name) }?.value
    }

    /// Whether the comma-separated list in `name` holds `token` (any case), as `Connection:
    /// keep-alive, Upgrade` holds `upgrade`.
    public func contains(_ name: String, token: String) -> Bool {
        fields.contains { field in
            Self.same(field.name, name)
                && field.value.split(separator: ",").contains { Self.same(Self.trim($0), token) }
        }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    /// The fields as `Name: value\r\n` lines.
    func write(into out: inout [UInt8]) {
        for field in fields {
            out += field.name.utf8
            out += [UInt8(ascii: ":"), UInt8(ascii: " ")]
            out += field.value.utf8
            out += [13, 10]
        }
    }

    static func same(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lower($0) == lower($1) }
    }

    private static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }

    /// `text` without leading and trailing spaces and tabs (optional whitespace, RFC 9110 §5.6.3).
    static func trim(_ text: some StringProtocol) -> String {
        let bytes = Array(text.utf8)
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
