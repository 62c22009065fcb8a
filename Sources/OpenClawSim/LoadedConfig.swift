import OpenClawConfig

/// A config file read, parsed, validated against OpenClaw's strict schema and with `${VAR}`
/// references substituted.
struct LoadedConfig {
    /// The config as the gateway uses it (after `${VAR}` substitution).
    var value: JSONValue
    /// SHA-256 of the file bytes (`""` when there was no file).
    var hash: String
    /// Whether the file existed.
    var exists: Bool

    /// Loads `path` as `release` checks it. A missing file gives an empty config with `exists == false`.
    static func load(path: String, release: OpenClawRelease) throws(StartupRefusal) -> LoadedConfig {
        let bytes: [UInt8]
        switch FileSystem.read(path) {
        case .success(let b): bytes = b
        case .failure(let error):
            if error.code == 2 { return LoadedConfig(value: .object([:]), hash: "", exists: false) }
            throw StartupRefusal("cannot read config at \(path): \(error.message)", configClass: false)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let parsed: JSONValue
        do {
            parsed = try JSON5.parse(text)
        } catch {
            throw StartupRefusal("Invalid config at \(path): \(error.description)")
        }
        guard case .object = parsed else {
            throw StartupRefusal("Invalid config at \(path): the top level must be an object")
        }
        // The release's strict schema, and from 2026.8 its legacy keys, which stop start-up with a
        // pointer to `openclaw doctor --fix` (OpenClaw: docs/gateway/doctor.md, src/config/legacy.roster.ts).
        var issues = OpenClawConfigCheck.issues(parsed, release: release)
        let legacy = issues.filter { if case .legacyKey = $0.kind { return true } else { return false } }
        if !legacy.isEmpty {
            throw StartupRefusal("start blocked by legacy config keys \(legacy.map(\.path).joined(separator: ", ")) in \(path); run \"openclaw doctor --fix\" (\(legacy.map(\.message).joined(separator: "; ")))")
        }
        issues = issues.filter { if case .legacyKey = $0.kind { return false } else { return true } }
        if let first = issues.first {
            let more = issues.count > 1 ? " (and \(issues.count - 1) more: \(issues.dropFirst().prefix(3).map(\.message).joined(separator: "; ")))" : ""
            throw StartupRefusal("Invalid config at \(path): \(first.message)\(more)")
        }
        let substituted = try substitute(parsed, path: [])
        return LoadedConfig(value: substituted, hash: ConfigDigest.sha256Hex(bytes), exists: true)
    }

    /// Replaces `${UPPER_CASE}` in every string with the environment variable's value.
    private static func substitute(_ value: JSONValue, path: [String]) throws(StartupRefusal) -> JSONValue {
        switch value {
        case .string(let s):
            guard s.contains("${") else { return value }
            return .string(try expand(s, path: path))
        case .array(let elements):
            var out: [JSONValue] = []
            for (i, e) in elements.enumerated() { out.append(try substitute(e, path: path + [String(i)])) }
            return .array(out)
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (k, v) in members { out[k] = try substitute(v, path: path + [k]) }
            return .object(out)
        default:
            return value
        }
    }

    private static func expand(_ s: String, path: [String]) throws(StartupRefusal) -> String {
        var out = ""
        var rest = Substring(s)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let close = after.firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let name = String(after[..<close])
            let isEnvName = !name.isEmpty && name.utf8.allSatisfy {
                ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95
            }
            if isEnvName {
                guard let v = FileSystem.env(name) else {
                    throw StartupRefusal("Missing env var \"\(name)\" referenced at config path: \(path.joined(separator: "."))")
                }
                out += v
            } else {
                out += "${" + name + "}"
            }
            rest = after[after.index(after: close)...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func range(of needle: String) -> Range<Index>? {
        let n = Array(needle.utf8)
        var i = startIndex
        while i < endIndex {
            if self[i...].utf8.starts(with: n) {
                return i..<(utf8.index(i, offsetBy: n.count))
            }
            i = index(after: i)
        }
        return nil
    }
}
