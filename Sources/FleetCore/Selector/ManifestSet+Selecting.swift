extension ManifestSet {
    /// The same manifests with only the bots `selector` matches (every bot for nil).
    ///
    /// This is how several hosts share one repository (`--selector`): each plans and applies
    /// only its own share. Settings, diagnostics and file texts are kept, so validation still
    /// covers the whole fleet. A bot outside the selector is neither started nor destroyed by
    /// its selection alone; a bot this host runs whose labels move it elsewhere is no longer
    /// desired here, so the planner destroys it on this host (and the other host creates it).
    public func selecting(_ selector: LabelSelector?) -> ManifestSet {
        guard let selector, !selector.isEmpty else { return self }
        var copy = self
        copy.bots = bots.filter { selector.matches($0.labels) }
        return copy
    }
}
