import OpenClawConfig

/// Resolves secret values: plain strings, `tokenFile`-style paths and SecretRef objects
/// `{source: "file"|"env"|"exec", provider, id}`.
///
/// In the stand-in, a `file` SecretRef's `id` is an absolute path to a file holding the secret
/// (trailing line breaks dropped); an `env` SecretRef's `id` names an environment variable;
/// `exec` is not supported and refuses start-up.
enum SecretResolver {
    /// The secret at config path `path`, or `nil` when `value` is absent.
    static func resolve(_ value: JSONValue?, path: String) throws(StartupRefusal) -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let s):
            return s.isEmpty ? nil : s
        case .object:
            let source = value["source"]?.stringValue ?? ""
            let id = value["id"]?.stringValue ?? ""
            switch source {
            case "file":
                guard id.hasPrefix("/") else {
                    throw StartupRefusal("\(path): file SecretRef id must be an absolute path (got \"\(id)\")")
                }
                return try readFile(id, path: path)
            case "env":
                guard let v = FileSystem.env(id), !v.isEmpty else {
                    throw StartupRefusal("\(path): SecretRef environment variable \(id) is not set")
                }
                return v
            case "exec":
                throw StartupRefusal("\(path): exec SecretRefs are not supported by openclaw-sim")
            default:
                throw StartupRefusal("\(path): SecretRef has unknown source \"\(source)\"")
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
            guard !secret.isEmpty else { throw StartupRefusal("\(path): secret file \(file) is empty") }
            return secret
        case .failure(let error):
            throw StartupRefusal("\(path): cannot read secret file \(file) (\(error.message))")
        }
    }
}
