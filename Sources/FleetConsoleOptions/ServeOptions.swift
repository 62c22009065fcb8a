import ArgumentParser

/// The options of `fleet serve` (and of `fleet-console`, which it execs): one definition, so the
/// two never disagree.
public struct ServeOptions: ParsableArguments, Sendable {
    /// Creates the defaults.
    public init() {}

    /// Where to listen.
    @Option(name: .long, help: "HOST:PORT to listen on. Off loopback, put a TLS reverse proxy in front (docs/console.md).")
    public var listen: String = "127.0.0.1:8790"

    /// The state root.
    @Option(name: .long, help: "The state root (default: OPENCLAW_BASE_PATH, the Fleet manifest, then /var/openclaw for root or ~/.local/state/fleet).")
    public var stateRoot: String?

    /// The repository.
    @Option(name: .long, help: "The git repository when no daemon has recorded one (a daemon's own source wins).")
    public var repo: String = "."

    /// The ref read when nothing was applied yet.
    @Option(name: .long, help: "The ref read when nothing was applied yet (otherwise: the applied commit).")
    public var ref: String = "HEAD"

    /// The manifests' directory.
    @Option(name: .long, help: "The directory of manifests inside the repository.")
    public var path: String = "fleet"

    /// Key files.
    @Option(name: .long, help: "A key file for the encrypted credentials (restart and Test connection need them); repeatable.")
    public var keyFile: [String] = []

    /// The trusted proxy header.
    @Option(name: .long, help: "Trust this header (e.g. X-Forwarded-User) for the user name, from a reverse proxy on loopback that has logged the user in; passwords are not used then.")
    public var authHeader: String?

    /// The snapshot interval.
    @Option(name: .long, help: "Seconds between full refreshes of channels, sessions and figures (state.json changes are picked up at once).")
    public var refresh: Double = 10

    /// Where changes made in the browser go.
    @Option(name: .long, help: "Where changes made in the browser are committed: main (the branch the daemon follows) or branch (a new branch fleet/USER/WHAT per change, pushed for a pull request).")
    public var commitTo: String = "main"

    /// The log level.
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    public var logLevel: String = "info"

    /// Checks the values.
    public mutating func validate() throws {
        guard Self.split(listen) != nil else {
            throw ValidationError("--listen must be HOST:PORT, like 127.0.0.1:8790 or [::1]:8790")
        }
        if commitTo != "main" && commitTo != "branch" {
            throw ValidationError("--commit-to must be main or branch")
        }
        if refresh < 1 { throw ValidationError("--refresh must be at least 1 second") }
        if let authHeader, authHeader.isEmpty || authHeader.contains(where: { $0 == ":" || $0 == " " }) {
            throw ValidationError("--auth-header must be a header name, like X-Forwarded-User")
        }
    }

    /// `host:port` split; `[::1]:8790` gives `::1`.
    public static func split(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }

    /// The options as arguments again (for `fleet serve`'s exec).
    public var arguments: [String] {
        var out = ["--listen", listen, "--repo", repo, "--ref", ref, "--path", path, "--refresh", String(refresh), "--log-level", logLevel, "--commit-to", commitTo]
        if let stateRoot { out += ["--state-root", stateRoot] }
        for file in keyFile { out += ["--key-file", file] }
        if let authHeader { out += ["--auth-header", authHeader] }
        return out
    }
}
