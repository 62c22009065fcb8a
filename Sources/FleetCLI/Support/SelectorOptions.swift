import ArgumentParser
import FleetCore

/// `--selector`: the share of the fleet this host manages; shared by plan, apply and daemon.
struct SelectorOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Manage only the bots whose labels match, e.g. 'host=edge-1' or 'tier in (a,b),!canary'.",
        discussion: "Kubernetes-style: k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k, joined by commas (all must hold).",
        valueName: "selector"))
    var selector: String?

    func validate() throws {
        do {
            _ = try parsed()
        } catch {
            throw ValidationError("\(error)\n\(error.pointer)")
        }
    }

    /// The parsed selector (nil without `--selector`).
    var labelSelector: LabelSelector? { try? parsed() }

    private func parsed() throws(LabelSelectorError) -> LabelSelector? {
        guard let selector else { return nil }
        return try LabelSelector(parsing: selector)
    }
}
