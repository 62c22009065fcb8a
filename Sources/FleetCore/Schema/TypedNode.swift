import FleetYAML
import OpenClawConfig

/// A manifest value after the schema check: typed, with its place in the file.
public struct TypedNode: Sendable {
    /// The typed value.
    public enum Value: Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case array([TypedNode])
        case object([TypedMember])
    }

    /// The typed value.
    public var value: Value
    /// Where the value starts.
    public var mark: YAMLMark

    /// Creates a node.
    public init(_ value: Value, at mark: YAMLMark) {
        self.value = value
        self.mark = mark
    }

    /// The member `key`, if this is an object.
    public subscript(key: String) -> TypedNode? {
        if case .object(let members) = value { return members.first { $0.key == key }?.value }
        return nil
    }

    /// The member `key` with its key mark.
    public func member(_ key: String) -> TypedMember? {
        if case .object(let members) = value { return members.first { $0.key == key } }
        return nil
    }

    /// The string payload.
    public var string: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    /// The integer payload.
    public var int: Int? {
        if case .int(let i) = value { return i }
        return nil
    }

    /// The boolean payload.
    public var bool: Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }

    /// The elements, or an empty list.
    public var elements: [TypedNode] {
        if case .array(let items) = value { return items }
        return []
    }

    /// The members, or none.
    public var members: [TypedMember] {
        if case .object(let members) = value { return members }
        return []
    }

    /// The strings of an array of strings.
    public var strings: [String] { elements.compactMap(\.string) }

    /// The value as JSON (for raw OpenClaw keys).
    public var json: JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int64(i))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(\.json))
        case .object(let members):
            var dict: [String: JSONValue] = [:]
            for m in members { dict[m.key] = m.value.json }
            return .object(dict)
        }
    }

    /// A copy with the node at `path` set (objects along the path are created as needed).
    public func replacing(_ path: [String], with replacement: TypedNode) -> TypedNode {
        guard let first = path.first else { return replacement }
        var members = self.members
        if let i = members.firstIndex(where: { $0.key == first }) {
            members[i].value = members[i].value.replacing(Array(path.dropFirst()), with: replacement)
        } else {
            let child = TypedNode(.object([]), at: mark).replacing(Array(path.dropFirst()), with: replacement)
            members.append(TypedMember(key: first, keyMark: replacement.mark, value: child))
        }
        return TypedNode(.object(members), at: mark)
    }

    /// The node at a dotted path of keys (array indexes as numbers), for diagnostics.
    public func node(at path: [String]) -> TypedNode? {
        guard let first = path.first else { return self }
        if let index = Int(first), case .array(let items) = value, items.indices.contains(index) {
            return items[index].node(at: Array(path.dropFirst()))
        }
        return self[first]?.node(at: Array(path.dropFirst()))
    }
}

/// One key of a typed object, with where the key is written.
public struct TypedMember: Sendable {
    /// The key.
    public var key: String
    /// Where the key is written.
    public var keyMark: YAMLMark
    /// The value.
    public var value: TypedNode
}
