/// Writing scalars back as YAML text (fleet's writers: `fleet secrets` editing manifests in place,
/// Kubernetes output).
public enum YAMLQuoting {
    /// DEL, and what YAML 1.1 readers take as line breaks or a byte-order mark: escaped in
    /// double-quoted scalars and never written plain.
    public static func isSpecial(_ u: Unicode.Scalar) -> Bool {
        [0x7F, 0x85, 0x2028, 0x2029, 0xFEFF].contains(u.value)
    }

    /// `s` as a double-quoted scalar: `"` and `\` escaped, tab, CR and LF as `\t \r \n`, other
    /// control characters and the special scalars as `\uXXXX`. Any YAML reader gives `s` back.
    public static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || isSpecial(u) {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
