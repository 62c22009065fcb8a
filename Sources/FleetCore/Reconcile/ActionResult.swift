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
    /// What kind of failure it was (switch on this, never on the message).
    public var errorKind: ApplyError.Kind?
    /// The stable code of the failure (`R002`...).
    public var code: String?
    /// The gateway's pid afterwards.
    public var pid: Int32?
    /// Seconds it took.
    public var seconds: Double

    /// A success.
    public static func success(_ bot: String, _ kind: ActionKind, pid: Int32?, seconds: Double) -> ActionResult {
        ActionResult(bot: bot, kind: kind, ok: true, pid: pid, seconds: seconds)
    }

    /// A failure.
    public static func failure(_ bot: String, _ kind: ActionKind, _ error: ApplyError, pid: Int32? = nil, seconds: Double) -> ActionResult {
        ActionResult(bot: bot, kind: kind, ok: false, message: error.message, fix: error.fix, errorKind: error.kind,
                     code: error.code, pid: pid, seconds: seconds)
    }

    /// The failure, when the action failed.
    public var error: ApplyError? {
        guard !ok else { return nil }
        return ApplyError(errorKind ?? .noManifest, message ?? "failed", fix: fix)
    }
}

/// The outcome of an apply.
public struct ApplyReport: Sendable, Codable {
    /// Every action's result, sorted by bot.
    public var results: [ActionResult]
    /// A failure to record the apply as a whole (the final write of the state file), if any.
    public var recordError: ApplyError?

    /// Creates a report.
    public init(results: [ActionResult], recordError: ApplyError? = nil) {
        self.results = results
        self.recordError = recordError
    }

    /// Whether every action succeeded and the outcome was recorded.
    public var ok: Bool { results.allSatisfy(\.ok) && recordError == nil }
}
