import FleetCore
import Dispatch
import FoundationEssentials
import Glibc

/// The state root and the state file, for the read commands (describe, logs, sessions, history).
struct HostView {
    let root: String
    let state: FleetState

    /// Loads the state file of the resolved root; an unreadable file exits 2.
    static func load(source: SourceOptions, state options: StateOptions) -> HostView {
        let root = resolveRoot(source: source, state: options)
        do {
            return HostView(root: root, state: try FleetState.load(from: Applier.statePath(root)))
        } catch {
            CLIError(message: "cannot read \(Applier.statePath(root)): \(error)", exitCode: 2).exit()
        }
    }

    /// The bots known on this host: in the state file or with a directory under `<root>/bots`.
    var botNames: [String] {
        var names = Set(state.bots.keys)
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: root + "/bots")) ?? [] where !entry.hasPrefix(".") {
            names.insert(entry)
        }
        return names.sorted()
    }

    /// Exits 1 unless `name` is a known bot (or in `extra`), suggesting the closest name.
    func require(_ name: String, extra: [String] = []) {
        let known = Array(Set(botNames + extra)).sorted()
        guard !known.contains(name) else { return }
        let hint = Suggestion.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
        let list = known.isEmpty ? "no bots under \(root); run fleet apply" : "bots: \(known.joined(separator: ", "))"
        CLIError(message: "no bot named '\(name)'\(hint); \(list)", exitCode: 1).exit()
    }
}

/// `10m`, `2h`, `30s`, `1d`, `500ms` (or a bare number of seconds) as seconds.
func parseSpan(_ text: String) -> TimeInterval? {
    if text.hasSuffix("d"), let days = Double(text.dropLast()), days >= 0 { return days * 86400 }
    if let seconds = Double(text), seconds >= 0 { return seconds }
    guard let d = Duration.parseFleetDuration(text) else { return nil }
    let (s, atto) = d.components
    return Double(s) + Double(atto) / 1e18
}

/// Exits with `code` (0 by default) on SIGINT, after `cleanup`, for the commands that run until
/// interrupted and the wizard (which restores the terminal first).
enum Interrupt {
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    static func exitOnSIGINT(code: Int32 = 0, _ cleanup: @escaping @Sendable () -> Void = {}) {
        signal(SIGINT, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setEventHandler {
            cleanup()
            Glibc.exit(code)
        }
        s.resume()
        source = s
    }
}
