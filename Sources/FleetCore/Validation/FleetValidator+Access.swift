/// The web console's access list (`spec.access`): every user name must be usable as a login
/// and every selector must parse (E024); the same user and selector twice is an error (E070).
extension FleetValidator {
    func accessProblems() -> [Diagnostic] {
        guard !fleet.access.isEmpty, let origin = fleet.origin else { return [] }
        let nodes = fleet.node?["spec"]?["access"]?.elements ?? []
        func at(_ i: Int, _ field: String) -> SourceLocation {
            let node = nodes.indices.contains(i) ? (nodes[i][field] ?? nodes[i]) : nil
            return node.map { SourceLocation(file: origin.file, mark: $0.mark) }
                ?? SourceLocation(file: origin.file, line: origin.line, column: 1)
        }
        var out: [Diagnostic] = []
        var seen: [String: Int] = [:]
        for (i, rule) in fleet.access.enumerated() {
            if !AccessRule.isValidUserName(rule.user) {
                out.append(Diagnostic(
                    .invalidFormat, "access user '\(rule.user)' is not a valid user name", at: at(i, "user"),
                    fix: "use 1 to 64 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit"))
            }
            if let bots = rule.bots {
                do {
                    _ = try LabelSelector(parsing: bots)
                } catch {
                    out.append(Diagnostic(
                        .invalidFormat, "access for '\(rule.user)': \(error)", at: at(i, "bots"),
                        fix: "write requirements such as team=customer-care, k!=v, k in (a,b), k notin (a,b), k or !k, joined by commas"))
                }
            }
            if let email = rule.email, !AccessRule.isValidEmail(email) {
                out.append(Diagnostic(
                    .invalidFormat, "access email '\(email)' of '\(rule.user)' is not an e-mail address git accepts", at: at(i, "email"),
                    fix: "write local@domain, without spaces, < or >"))
            }
            if let name = rule.name, !AccessRule.isValidPersonName(name) {
                out.append(Diagnostic(
                    .invalidFormat, "access name '\(name)' of '\(rule.user)' cannot be a commit author's name", at: at(i, "name"),
                    fix: "write 1 to 100 characters without <, > or line breaks, and no space at either end"))
            }
            let key = rule.user + "\u{0}" + (rule.bots ?? "")
            if let first = seen[key] {
                out.append(Diagnostic(
                    .duplicateAccess,
                    "access for '\(rule.user)'\(rule.bots.map { " on bots \($0)" } ?? " on every bot") is listed twice (entries \(first + 1) and \(i + 1))",
                    at: at(i, "user"), fix: "keep one entry with the role this user should have"))
            } else {
                seen[key] = i
            }
        }
        return out
    }
}
