/// What one user may do with which bots, from the Fleet manifest's `spec.access`: the web
/// console asks it for every page, event stream, download and action.
public struct AccessPolicy: Sendable {
    /// The user.
    public let user: String
    /// The user's rules, each with its parsed selector (nil: every bot; a selector that does not
    /// parse matches no bot, and `fleet validate` reports it).
    let rules: [(rule: AccessRule, selector: LabelSelector?, parsed: Bool)]

    /// The policy of `user` under `access`.
    public init(user: String, access: [AccessRule]) {
        self.user = user
        rules = access.filter { $0.user == user }.map { rule in
            guard let text = rule.bots else { return (rule, nil, true) }
            do {
                return (rule, try LabelSelector(parsing: text), true)
            } catch {
                return (rule, nil, false)
            }
        }
    }

    /// Whether `spec.access` names the user at all.
    public var isListed: Bool { !rules.isEmpty }

    /// The user's role for a bot with `labels` (the highest of the rules that match), nil when
    /// no rule covers it: the bot is not shown to them at all.
    public func role(forLabels labels: [String: String]) -> ConsoleRole? {
        rules.filter { entry in
            guard entry.parsed else { return false }
            return entry.selector?.matches(labels) ?? true
        }.map(\.rule.role).max()
    }

    /// The user's role for every bot (a rule without a selector), nil when none covers all.
    public var fleetWideRole: ConsoleRole? {
        rules.filter { $0.parsed && $0.rule.bots == nil }.map(\.rule.role).max()
    }

    /// The rules, for a page that explains what the user may do.
    public var summaries: [String] { rules.map(\.rule.summary) }

    /// Whether any of the user's rules is an admin rule (they may change some manifests).
    public var rulesAllowAdmin: Bool { rules.contains { $0.rule.role == .admin && $0.parsed } }

    /// The selectors of the user's admin rules (`team=sales`), for a new bot's suggested labels.
    public var adminSelectors: [String] { rules.filter { $0.rule.role == .admin }.compactMap(\.rule.bots) }
}
