extension ConfigPathTable {
    /// Checks `config` against the table: every key must be known and every value must have
    /// the listed type. Issues are reported in a stable order (keys sorted, depth first).
    public func validate(_ config: JSONValue) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        Self.check(config, node: root, path: [], issues: &issues)
        return issues
    }

    private static func check(_ value: JSONValue, node: Node, path: [String], issues: inout [ConfigIssue]) {
        if !node.type.accepts(value) {
            let dotted = path.isEmpty ? "<root>" : path.joined(separator: ".")
            let expected = node.type.description
            issues.append(ConfigIssue(
                path: dotted,
                kind: .wrongType(expected: expected, actual: value.typeName),
                message: "Invalid input: expected \(expected.replacingPipes), received \(value.typeName) at \(dotted)"))
            return
        }
        if node.children.isEmpty { return }
        switch value {
        case .object(let members):
            for key in JSONValue.sortedKeys(members) {
                guard let member = members[key] else { continue }
                let childPath = path + [key]
                if let child = node.children[key] ?? node.children["*"] {
                    check(member, node: child, path: childPath, issues: &issues)
                } else {
                    let dotted = childPath.joined(separator: ".")
                    issues.append(ConfigIssue(
                        path: dotted, kind: .unknownKey,
                        message: "Unrecognized key \"\(key)\" at \(dotted)"))
                }
            }
        case .array(let elements):
            guard let wildcard = node.children["*"] else { return }
            for (index, element) in elements.enumerated() {
                check(element, node: wildcard, path: path + [String(index)], issues: &issues)
            }
        default:
            return
        }
    }
}

private extension String {
    /// `object|string` → `object or string`.
    var replacingPipes: String {
        split(separator: "|").joined(separator: " or ")
    }
}
