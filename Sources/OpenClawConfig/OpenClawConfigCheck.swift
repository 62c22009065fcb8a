/// OpenClaw's start-up check of a config, as a given release makes it: the strict schema of that
/// release (unknown keys, wrong types) and, from 2026.8, the legacy keys it refuses.
///
/// The schema is the 2026.4 config-path baseline (``ConfigPathTable/openClaw``), adjusted by the
/// release table: releases with keyed agents also take `agents.entries.<id>` (the fields of an
/// `agents.list` element, without `id` and `default`), releases with `tools.exec.mode` take it,
/// and reload options follow ``ReloadOptions``.
public enum OpenClawConfigCheck {
    /// Every problem the release finds in `config`: legacy keys first, then schema issues (a
    /// legacy key is not reported twice).
    public static func issues(_ config: JSONValue, release: OpenClawRelease) -> [ConfigIssue] {
        let legacy = OpenClawReleaseTable.value(.legacyKeys, for: release)
        var issues: [ConfigIssue] = LegacyKey.find(in: config, legacy).map { found in
            ConfigIssue(
                path: found.path, kind: .legacyKey(replacement: found.key.replacement),
                message: "legacy config key \(found.path) (use \(found.key.replacement); `openclaw doctor --fix` migrates it)")
        }
        let legacyPaths = issues.map(\.path)
        let table = ConfigPathTable.openClaw(for: release)
        for issue in table.validate(config) where !legacyPaths.contains(where: { issue.path == $0 || issue.path.hasPrefix($0 + ".") }) {
            issues.append(issue)
        }
        let reload = OpenClawReleaseTable.value(.reloadModes, for: release)
        if let mode = config["gateway"]?["reload"]?["mode"]?.stringValue, !reload.modes.contains(mode) {
            issues.append(ConfigIssue(
                path: "gateway.reload.mode", kind: .unsupportedValue(allowed: reload.modes),
                message: "Invalid option: expected one of \(reload.modes.map { "\"\($0)\"" }.joined(separator: "|")) at gateway.reload.mode"))
        }
        return issues
    }
}

extension ConfigPathTable {
    private static let entriesTable = ConfigPathTable(rows: entriesRows(openClawRows))

    /// The strict schema of `release` (see ``OpenClawConfigCheck``).
    public static func openClaw(for release: OpenClawRelease) -> ConfigPathTable {
        let agents = OpenClawReleaseTable.value(.agentsShape, for: release)
        let exec = OpenClawReleaseTable.value(.execPolicy, for: release)
        let reload = OpenClawReleaseTable.value(.reloadModes, for: release)
        // The two shapes change together in every known release; a table with one and not the
        // other would need its own rows.
        precondition((agents == .entries) == (exec == .mode) && (agents == .entries) == !reload.debounceMs,
                     "release table: agents, exec policy and reload options changed apart")
        return agents == .entries ? entriesTable : openClaw
    }

    /// The 2026.8 rows: the baseline, with `agents.entries.*` copied from `agents.list.*` (no `id`,
    /// no `default`), `tools.exec.mode`, and no `gateway.reload.debounceMs`.
    static func entriesRows(_ rows: String) -> String {
        var out: [Substring] = []
        let listPrefix = "agents.list.*."
        for line in rows.split(separator: "\n") where !line.hasPrefix("gateway.reload.debounceMs") {
            out.append(line)
            guard line.hasPrefix(listPrefix) else { continue }
            let rest = line.dropFirst(listPrefix.count)
            let field = rest.prefix { $0 != "." && $0 != " " }
            if field == "id" || field == "default" { continue }
            out.append(Substring("agents.entries.*." + rest))
        }
        out.append("agents.entries object")
        out.append("agents.entries.* object")
        out.append("tools.exec.mode string")
        return out.joined(separator: "\n")
    }
}
