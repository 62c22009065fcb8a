import OpenClawConfig

/// Resolves secret values: plain strings, `tokenFile`-style paths and SecretRef objects
/// `{source: "file"|"env"|"exec", provider, id}`.
///
/// As in OpenClaw, a `file` SecretRef names a provider registered under `secrets.providers` with
/// `source: "file"` and a `path`: in `mode: "singleValue"` the id must be `value` and the secret
/// is the file's contents (trailing line break dropped); in `mode: "json"` (the default) the id is
/// a JSON pointer into the file. An `env` SecretRef's `id` names an environment variable; `exec`
/// is not supported by the stand-in and refuses start-up.
///
/// A SecretRef that does not resolve stops start-up with exit 1, not the config refusal code:
/// the secrets preflight throws and run.ts prints "Gateway failed to start: ..." and exits 1
/// (OpenClaw: src/gateway/server.impl.ts, src/cli/gateway-cli/run.ts).
enum SecretResolver {
    /// The secret at config path `path`, or `nil` when `value` is absent.
    static func resolve(_ value: JSONValue?, path: String, providers: JSONValue? = nil) throws(StartupRefusal) -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let s):
            return s.isEmpty ? nil : s
        case .object:
            let source = value["source"]?.stringValue ?? ""
            let id = value["id"]?.stringValue ?? ""
            switch source {
            case "file":
                let name = value["provider"]?.stringValue ?? ""
                guard let provider = providers?[name], provider["source"]?.stringValue == "file",
                      let file = provider["path"]?.stringValue else {
                    throw StartupRefusal("\(path): SecretRef provider \"\(name)\" is not registered under secrets.providers with source \"file\"", configClass: false)
                }
                if provider["mode"]?.stringValue == "singleValue" {
                    guard id == "value" else {
                        throw StartupRefusal("\(path): a singleValue file provider needs id \"value\" (got \"\(id)\")", configClass: false)
                    }
                    return try readFile(file, path: path)
                }
                guard id.hasPrefix("/") else {
                    throw StartupRefusal("\(path): file SecretRef id must be an absolute JSON pointer (got \"\(id)\")", configClass: false)
                }
                let text = try readFile(file, path: path)
                var node: JSONValue? = try? JSON5.parse(text)
                for segment in id.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
                    let key = unescapePointerSegment(segment)
                    node = node?[key]
                }
                guard let secret = node?.stringValue, !secret.isEmpty else {
                    throw StartupRefusal("\(path): \(id) not found in secret file \(file)", configClass: false)
                }
                return secret
            case "env":
                guard let v = FileSystem.env(id), !v.isEmpty else {
                    throw StartupRefusal("\(path): SecretRef environment variable \(id) is not set", configClass: false)
                }
                return v
            case "exec":
                throw StartupRefusal("\(path): exec SecretRefs are not supported by openclaw-sim", configClass: false)
            default:
                throw StartupRefusal("\(path): SecretRef has unknown source \"\(source)\"", configClass: false)
            }
        default:
            return nil
        }
    }

    /// Reads a secret file (e.g. `tokenFile`), dropping trailing whitespace.
    static func readFile(_ file: String, path: String) throws(StartupRefusal) -> String {
        switch FileSystem.read(file) {
        case .success(let bytes):
            let secret = String(decoding: bytes, as: UTF8.self).trimmed
            guard !secret.isEmpty else { throw StartupRefusal("\(path): secret file \(file) is empty", configClass: false) }
            return secret
        case .failure(let error):
            throw StartupRefusal("\(path): cannot read secret file \(file) (\(error.message))", configClass: false)
        }
    }

    /// A JSON-pointer segment with `~1` → `/` and `~0` → `~` (RFC 6901), without Foundation.
    static func unescapePointerSegment(_ segment: Substring) -> String {
        var out = ""
        var chars = segment.makeIterator()
        while let c = chars.next() {
            guard c == "~" else {
                out.append(c)
                continue
            }
            switch chars.next() {
            case "1": out.append("/")
            case "0": out.append("~")
            case let other?: out.append("~"); out.append(other)
            case nil: out.append("~")
            }
        }
        return out
    }
}
