/// What happened to one planned action.
public struct ActionResult: Sendable, Codable, Hashable {
    /// The bot.
    public var bot: String
    /// The action.
    public var kind: ActionKind
    /// Whether it succeeded.
    public var ok: Bool
    /// What went wrong (never a secret).
    public var message: String?
    /// How to fix it.
    public var fix: String?
    /// The gateway's pid afterwards.
    public var pid: Int32?
    /// Seconds it took.
    public var seconds: Double
}

/// The outcome of an apply.
public struct ApplyReport: Sendable, Codable {
    /// Every action's result, sorted by bot.
    public var results: [ActionResult]

    /// Whether every action succeeded.
    public var ok: Bool { results.allSatisfy(\.ok) }
}
