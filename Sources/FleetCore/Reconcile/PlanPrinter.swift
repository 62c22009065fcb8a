import FoundationEssentials
import Glibc
import OpenClawConfig

/// Prints plans in Terraform's manner, and as JSON.
public enum PlanPrinter {
    /// The summary line: `Plan: 2 to create, 1 to reload, 1 to restart, 0 to destroy.`
    public static func summary(_ plan: Plan) -> String {
        var text = "Plan: \(plan.count(.create)) to create, \(plan.count(.reload)) to reload, "
            + "\(plan.count(.restart)) to restart, \(plan.count(.destroy)) to destroy"
        if plan.count(.start) > 0 { text += ", \(plan.count(.start)) to start" }
        if plan.count(.stop) > 0 { text += ", \(plan.count(.stop)) to stop" }
        return text + "."
    }

    /// The human plan.
    public static func human(_ plan: Plan, commit: String?, style: TextStyle) -> String {
        var out = ""
        // The release everything below is rendered and launched for.
        if let openclaw = plan.openclaw {
            out += style.dim("Target: ") + openclaw.summary + "\n"
            if let warning = openclaw.warning { out += style.yellow("Warning: ") + warning + "\n" }
        }
        let changes = plan.changes
        let width = max(4, plan.actions.map(\.bot.count).max() ?? 4)
        if changes.isEmpty {
            out += style.green("No changes.") + " The gateways match the manifests\(commit.map { " at \($0)" } ?? "").\n"
            // Bots left alone on purpose (suspended, held in backoff, failed) still say so.
            for action in plan.actions where !action.reasons.isEmpty {
                let name = action.bot.padded(to: width)
                out += "  " + style.dim("=   \(action.kind.rawValue.padded(to: 8)) \(name)  \(action.reasons.joined(separator: "; "))") + "\n"
            }
        } else {
            out += "fleet will perform these actions\(commit.map { " (commit \($0))" } ?? ""):\n\n"
            for action in plan.actions {
                let sign = action.kind.symbol.padded(to: 3)
                let name = action.bot.padded(to: width)
                let verb = action.kind.rawValue.padded(to: 8)
                let why = action.reasons.joined(separator: "; ")
                let line: String
                switch action.kind {
                case .create, .start: line = style.green("\(sign) \(verb)") + " \(style.bold(name))  \(why)"
                case .destroy, .stop: line = style.red("\(sign) \(verb)") + " \(style.bold(name))  \(why)"
                case .reload: line = style.yellow("\(sign) \(verb)") + " \(style.bold(name))  \(why)"
                case .restart: line = style.red("\(sign)") + style.yellow(" \(verb)") + " \(style.bold(name))  \(why)"
                case .noop:
                    if action.reasons.isEmpty { continue }
                    line = style.dim("\(sign) \(verb) \(name)  \(why)")
                }
                out += "  \(line)\n"
            }
            out += "\n" + style.bold(summary(plan)) + "\n"
        }
        if let refusal = plan.refusal {
            out += style.red("Refused: ") + refusal + "\n"
        }
        return out
    }

    /// The plan as JSON (format version 1).
    public static func json(_ plan: Plan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? String(decoding: encoder.encode(plan), as: UTF8.self)) ?? "{}"
    }

    /// Reads a saved plan.
    public static func load(_ path: String) throws -> Plan {
        guard let bytes = HostFiles.read(path) else {
            throw SavedPlanMissing(path: path)
        }
        return try JSONDecoder().decode(Plan.self, from: Data(bytes))
    }
}

/// A saved plan file that does not exist or cannot be read.
public struct SavedPlanMissing: Error, CustomStringConvertible {
    /// The path given.
    public let path: String
    public var description: String { "no readable file at \(path)" }
}
