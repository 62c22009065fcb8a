/// An OpenClaw release number, as OpenClaw names its releases and as `openclaw --version` prints it.
///
/// The forms (OpenClaw: docs/reference/releasing/versioning.md): `YYYY.M.PATCH` (a regular or an
/// extended-stable release), `YYYY.M.PATCH-N` (a correction of that release), `YYYY.M.PATCH-beta.N`
/// and `YYYY.M.PATCH-alpha.N` (prereleases). Month and patch are never zero-padded, and `PATCH` is a
/// release-train number, not a day. A prerelease comes before its release, a correction after it.
///
/// Written short (`2026.4`, no patch) it means the first release of that month's line, which is
/// how the release table states where a rule starts.
public struct OpenClawRelease: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The year.
    public let year: Int
    /// The month (1-12).
    public let month: Int
    /// The release-train number in the month.
    public let patch: Int
    /// What follows the `-`, if anything.
    public let suffix: Suffix

    /// The part after the release number.
    public enum Suffix: Sendable, Hashable {
        /// A final release.
        case none
        /// `-alpha.N`.
        case alpha(Int)
        /// `-beta.N`.
        case beta(Int)
        /// `-N`: a correction of the final release.
        case correction(Int)

        /// Prereleases first, then the release, then its corrections.
        var rank: (Int, Int) {
            switch self {
            case .alpha(let n): return (0, n)
            case .beta(let n): return (1, n)
            case .none: return (2, 0)
            case .correction(let n): return (3, n)
            }
        }
    }

    /// A release from its parts.
    public init(year: Int, month: Int, patch: Int = 0, suffix: Suffix = .none) {
        self.year = year
        self.month = month
        self.patch = patch
        self.suffix = suffix
    }

    /// Parses `2026.9.6`, `2026.9.6-2`, `2026.9.6-beta.1`, `2026.9.6-alpha.3`, `v2026.9.6` (a git
    /// tag) or `2026.9` (the line's start); nil for anything else.
    public init?(_ text: String) {
        var rest = Substring(text)
        if rest.first == "v" { rest = rest.dropFirst() }
        var suffixText: Substring?
        if let dash = rest.firstIndex(of: "-") {
            suffixText = rest[rest.index(after: dash)...]
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy(Self.isNumber),
              let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month), year >= 2000, year < 10_000
        else { return nil }
        let patch = parts.count == 3 ? Int(parts[2]) : 0
        guard let patch else { return nil }
        var suffix = Suffix.none
        if let suffixText {
            guard parts.count == 3, let parsed = Self.suffix(suffixText) else { return nil }
            suffix = parsed
        }
        self.init(year: year, month: month, patch: patch, suffix: suffix)
    }

    private static func isNumber(_ s: Substring) -> Bool {
        !s.isEmpty && s.count <= 9 && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    private static func suffix(_ text: Substring) -> Suffix? {
        if isNumber(text), let n = Int(text) { return .correction(n) }
        for (prefix, make) in [("beta.", Suffix.beta), ("alpha.", Suffix.alpha)] where text.hasPrefix(prefix) {
            let number = text.dropFirst(prefix.count)
            guard isNumber(number), let n = Int(number) else { return nil }
            return make(n)
        }
        return nil
    }

    /// The release in `openclaw --version` output.
    ///
    /// The real CLI prints `OpenClaw 2026.9.6 (1a2b3c4)`, or `OpenClaw 2026.9.6` when it cannot
    /// tell its commit (OpenClaw: src/entry.ts, the root `--version` fast path). The first word
    /// that is a release number counts, so a wrapper's extra words around it do no harm.
    public static func fromVersionOutput(_ output: String) -> OpenClawRelease? {
        for line in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" || $0 == ")" || $0 == "," }) {
                // A full `YYYY.M.PATCH`: two dots before any suffix (a bare `2026.9` is not a release).
                let base = word.prefix { $0 != "-" }
                if base.filter({ $0 == "." }).count == 2, let release = OpenClawRelease(String(word)) {
                    return release
                }
            }
        }
        return nil
    }

    /// `2026.9.6`, `2026.9.6-beta.1`.
    public var description: String {
        let base = "\(year).\(month).\(patch)"
        switch suffix {
        case .none: return base
        case .alpha(let n): return base + "-alpha.\(n)"
        case .beta(let n): return base + "-beta.\(n)"
        case .correction(let n): return base + "-\(n)"
        }
    }

    /// `2026.9`: the monthly line.
    public var line: String { "\(year).\(month)" }

    public static func < (a: OpenClawRelease, b: OpenClawRelease) -> Bool {
        if (a.year, a.month, a.patch) != (b.year, b.month, b.patch) {
            return (a.year, a.month, a.patch) < (b.year, b.month, b.patch)
        }
        return a.suffix.rank < b.suffix.rank
    }

    /// Encoded as its text, `"2026.9.6"`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let release = OpenClawRelease(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an OpenClaw release: \(text)"))
        }
        self = release
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
