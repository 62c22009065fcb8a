/// How disruptive a config change is for a running gateway, ordered from least to most.
public enum ReloadClass: String, Sendable, Comparable, CaseIterable {
    /// Nothing that matters changed.
    case none
    /// Applied live by the gateway's hot reload; the process is kept.
    case reload
    /// Needs a process restart.
    case restart

    private var rank: Int {
        switch self {
        case .none: return 0
        case .reload: return 1
        case .restart: return 2
        }
    }

    /// Orders `none < reload < restart`.
    public static func < (lhs: ReloadClass, rhs: ReloadClass) -> Bool { lhs.rank < rhs.rank }
}
