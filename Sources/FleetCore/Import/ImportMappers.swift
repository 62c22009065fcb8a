import OpenClawConfig

/// A mapped block: the manifest fields made, the input leaves they consumed (relative paths),
/// and what is left for `spec.openclaw`.
struct MappedBlock {
    var fields: [(String, YAMLText)] = []
    var consumed: [[String]] = []
    var remainder: JSONValue?
}

/// Maps OpenClaw `tools` and `session` objects to the manifest's `tools` and `session` fields.
enum ImportMappers {
    /// `tools` → `profile`, `bash` (exec.security full/deny), `web` (search and fetch alike),
    /// `media` (image, audio and video alike), `allow`, `deny`.
    static func tools(_ tools: JSONValue) -> MappedBlock {
        var block = MappedBlock()
        if let p = tools["profile"]?.stringValue, ["minimal", "coding", "messaging", "full"].contains(p) {
            block.fields.append(("profile", .string(p)))
            block.consumed.append(["profile"])
        }
        if let security = tools["exec"]?["security"]?.stringValue, security == "full" || security == "deny" {
            block.fields.append(("bash", .bool(security == "full")))
            block.consumed.append(["exec", "security"])
        }
        if let search = tools["web"]?["search"]?["enabled"]?.boolValue, search == tools["web"]?["fetch"]?["enabled"]?.boolValue {
            block.fields.append(("web", .bool(search)))
            block.consumed += [["web", "search", "enabled"], ["web", "fetch", "enabled"]]
        }
        let media = ["image", "audio", "video"].map { tools["media"]?[$0]?["enabled"]?.boolValue }
        if let first = media[0], media.allSatisfy({ $0 == first }) {
            block.fields.append(("media", .bool(first)))
            block.consumed += ["image", "audio", "video"].map { ["media", $0, "enabled"] }
        }
        for key in ["allow", "deny"] {
            if let items = tools[key]?.arrayValue, let strings = Optional(items.compactMap(\.stringValue)), strings.count == items.count {
                block.fields.append((key, .strings(strings)))
                block.consumed.append([key])
            }
        }
        block.remainder = remove(block.consumed, from: tools)
        return block
    }

    /// `session` → `scope`, `dmScope`, `reset{mode, atHour, idleMinutes}`.
    static func session(_ session: JSONValue) -> MappedBlock {
        var block = MappedBlock()
        if let s = session["scope"]?.stringValue, ["per-sender", "global"].contains(s) {
            block.fields.append(("scope", .string(s)))
            block.consumed.append(["scope"])
        }
        if let s = session["dmScope"]?.stringValue, ["main", "per-peer", "per-channel-peer", "per-account-channel-peer"].contains(s) {
            block.fields.append(("dmScope", .string(s)))
            block.consumed.append(["dmScope"])
        }
        var reset: [(String, YAMLText)] = []
        if let m = session["reset"]?["mode"]?.stringValue, ["daily", "idle"].contains(m) {
            reset.append(("mode", .string(m)))
            block.consumed.append(["reset", "mode"])
        }
        if let h = session["reset"]?["atHour"]?.intValue, (0...23).contains(h) {
            reset.append(("atHour", .int(Int(h))))
            block.consumed.append(["reset", "atHour"])
        }
        if let i = session["reset"]?["idleMinutes"]?.intValue, (1...525_600).contains(i) {
            reset.append(("idleMinutes", .int(Int(i))))
            block.consumed.append(["reset", "idleMinutes"])
        }
        if !reset.isEmpty { block.fields.append(("reset", .mapping(reset))) }
        block.remainder = remove(block.consumed, from: session)
        return block
    }

    static func remove(_ paths: [[String]], from value: JSONValue) -> JSONValue? {
        var rest: JSONValue? = value
        for path in paths { rest = rest?.removing(path[...]) }
        if case .object(let m)? = rest, m.isEmpty { return nil }
        return rest
    }

    /// Dotted display of a config path: `a.b[0].c`.
    static func display(_ base: String, _ rel: [String]) -> String {
        rel.reduce(base) { path, key in
            if Int(key) != nil { return path + "[\(key)]" }
            return path.isEmpty ? key : path + "." + key
        }
    }
}
