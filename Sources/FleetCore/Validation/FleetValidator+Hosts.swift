/// The host list of the Fleet manifest (`spec.hosts`): every selector must parse (E024), and
/// every bot should be run by exactly one host (W004).
extension FleetValidator {
    func hostSelectorProblems() -> [Diagnostic] {
        guard !fleet.hosts.isEmpty, let origin = fleet.origin else { return [] }
        let nodes = fleet.node?["spec"]?["hosts"]?.elements ?? []
        var out: [Diagnostic] = []
        var hosts: [(name: String, selector: LabelSelector)] = []
        for (i, host) in fleet.hosts.enumerated() {
            do {
                hosts.append((host.name, try LabelSelector(parsing: host.selector)))
            } catch {
                let node = nodes.indices.contains(i) ? nodes[i]["selector"] : nil
                let at = node.map { SourceLocation(file: origin.file, mark: $0.mark) }
                    ?? SourceLocation(file: origin.file, line: origin.line, column: 1)
                out.append(Diagnostic(
                    .invalidFormat, "host '\(host.name)': \(error)", at: at,
                    fix: "write requirements such as host=\(host.name), k!=v, k in (a,b), k notin (a,b), k or !k, joined by commas"))
            }
        }
        // With a broken selector, which bots it would take is unknown: report only the selector.
        guard out.isEmpty else { return out }
        let listed = hosts.map { "\($0.name) (\($0.selector))" }
        for bot in bots {
            let matched = hosts.filter { $0.selector.matches(bot.labels) }
            guard matched.count != 1 else { continue }
            let mark = bot.node["metadata"]?["name"]?.mark ?? bot.node.mark
            let at = SourceLocation(file: bot.origin.file, mark: mark)
            let labels = bot.labels.isEmpty ? "no labels"
                : "labels " + bot.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            if matched.isEmpty {
                out.append(Diagnostic(
                    .hostSelector, "bot '\(bot.name)' (\(labels)) is matched by no host selector, so no host runs it",
                    at: at, fix: "give it labels one host selects; hosts: \(listed.joined(separator: ", "))", bot: bot.name))
            } else {
                let names = matched.map { "\($0.name) (\($0.selector))" }
                out.append(Diagnostic(
                    .hostSelector,
                    "bot '\(bot.name)' (\(labels)) is matched by \(matched.count) hosts: \(names.joined(separator: ", ")); each would run its own copy",
                    at: at, fix: "change its labels or the hosts' selectors so exactly one host selects it", bot: bot.name))
            }
        }
        return out
    }
}
