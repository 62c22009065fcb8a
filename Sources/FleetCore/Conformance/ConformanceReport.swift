import FoundationEssentials

/// One rule of fleet's contract with a gateway, checked.
public struct ConformanceCheck: Sendable, Codable, Hashable {
    /// How it came out.
    public enum Result: String, Sendable, Codable, Hashable {
        case pass, fail, skip
    }

    /// `protocol.client-id`.
    public var id: String
    /// The rule, in words.
    public var rule: String
    /// The OpenClaw source the rule comes from.
    public var source: String
    /// Pass, fail or skip.
    public var result: Result
    /// What was seen (for a failure: what was expected and what came instead).
    public var detail: String
}

/// What `fleet conformance` found: the gateway command, its release, every check.
public struct ConformanceReport: Sendable, Codable {
    /// The gateway command run.
    public var command: [String]
    /// The release `--version` answered.
    public var release: String?
    /// The checks, in order.
    public var checks: [ConformanceCheck]

    /// No check failed.
    public var passed: Bool { !checks.contains { $0.result == .fail } && !checks.isEmpty }

    /// The report for people: one line per check, the failures with what was expected, the source.
    public func text(style: TextStyle = .plain) -> String {
        var out = style.bold("fleet conformance") + ": `\(command.joined(separator: " "))`"
            + (release.map { " (OpenClaw \($0))" } ?? "") + "\n"
        for c in checks {
            let label: String
            switch c.result {
            case .pass: label = style.green("PASS")
            case .fail: label = style.red("FAIL")
            case .skip: label = style.dim("SKIP")
            }
            out += "  \(label)  \(c.id.padded(to: 26)) \(c.result == .pass ? c.detail : c.rule)\n"
            if c.result != .pass {
                out += "        \(c.detail)\n"
                out += "        " + style.dim("OpenClaw: \(c.source)") + "\n"
            }
        }
        let counts = [ConformanceCheck.Result.pass, .fail, .skip].map { r in checks.filter { $0.result == r }.count }
        out += "\(counts[0]) passed, \(counts[1]) failed, \(counts[2]) skipped: "
        out += passed ? style.green("the gateway keeps fleet's contract") + "\n"
            : style.red("the gateway breaks fleet's contract; fleet may misreport or mismanage it") + "\n"
        return out
    }
}
