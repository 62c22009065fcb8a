import OpenClawConfig

extension ManifestSet {
    /// The raw keys (`spec.openclaw` of the Fleet and of each bot) that `release` refuses: the
    /// check a plan makes once it knows the release (`openclawVersion: auto` defers it until then).
    /// Every one is an error (E040, E061); an empty list means the release takes them all.
    public func openclawKeyProblems(for release: OpenClawRelease) -> [Diagnostic] {
        let validator = FleetValidator(fleet: fleet, bots: bots, fileExists: nil)
        var out: [Diagnostic] = []
        if let raw = fleet.openclaw, let origin = fleet.origin {
            out += validator.rawKeyProblems(raw, node: fleet.node?["spec"]?["openclaw"], file: origin.file, bot: nil,
                                            field: "spec.openclaw", release: release)
        }
        for bot in bots {
            guard let raw = bot.openclaw else { continue }
            out += validator.rawKeyProblems(raw, node: bot.node["spec"]?["openclaw"], file: bot.origin.file, bot: bot.name,
                                            field: "spec.openclaw", release: release)
        }
        return out.sortedByLocation()
    }
}
