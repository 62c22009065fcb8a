import FoundationEssentials

/// Whether the gateway command can be found, said at plan time: without it, apply fails for
/// every bot it starts, one "not found" after another.
public enum GatewayCommandCheck {
    /// A missing gateway command: which, where fleet looked, and the bots it leaves unstartable.
    public struct Missing: Sendable, Hashable, CustomStringConvertible {
        /// The command (the first word of `spec.gatewayCommand`).
        public var command: String
        /// The bots the plan would start with it (create, start, restart).
        public var blocked: [String]
        /// Every enabled bot that runs with it (a crash could not be healed either).
        public var bots: [String]
        /// The Fleet manifest's file, when there is one.
        public var fleetFile: String?

        public var description: String {
            let what = blocked.isEmpty
                ? "a gateway that stops could not be started again (\(Self.list(bots)))"
                : "apply would fail to start \(Self.list(blocked))"
            return "the gateway command '\(command)' is neither beside fleet nor on PATH: \(what)"
        }

        /// How to fix it.
        public var fix: String {
            let file = fleetFile.map { " in \($0)" } ?? " in the Fleet manifest"
            return "install OpenClaw (npm install -g openclaw) so '\(command)' is on PATH, or set spec.gatewayCommand\(file) to a command that exists"
        }

        static func list(_ names: [String]) -> String {
            names.count <= 5 ? names.joined(separator: ", ") : names.prefix(5).joined(separator: ", ") + " and \(names.count - 5) more"
        }
    }

    /// The gateway commands of `context`'s running bots that cannot be found, with the bots they
    /// concern; fleet looks as it does when it spawns them (``GatewayProcess/resolveExecutable(_:path:)``).
    public static func missing(in context: ReconcileContext,
                               path: String? = ProcessInfo.processInfo.environment["PATH"]) -> [Missing] {
        let starting = Set(context.plan.actions.filter { [.create, .start, .restart].contains($0.kind) }.map(\.bot))
        var byCommand: [String: [String]] = [:]
        for bot in context.desired where bot.enabled && !bot.suspended {
            guard let command = bot.rendered.launch.arguments.first else { continue }
            byCommand[command, default: []].append(bot.name)
        }
        return byCommand.keys.sorted().compactMap { command in
            guard GatewayProcess.resolveExecutable(command, path: path) == nil, let bots = byCommand[command] else { return nil }
            return Missing(command: command, blocked: bots.filter(starting.contains).sorted(), bots: bots.sorted(),
                           fleetFile: context.set.fleet.origin?.file)
        }
    }
}
