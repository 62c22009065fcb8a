/// Why the gateway will not start (or a reload is rejected): one line, prefixed on stderr with
/// `Gateway failed to start: `. A refusal of the config itself exits with the release's config
/// refusal code (78, EX_CONFIG; OpenClaw: docs/gateway/embedding.md, src/cli/gateway-cli/run.ts);
/// anything else (the config file cannot be read) exits 1.
struct StartupRefusal: Error, Equatable {
    var message: String
    /// A configuration-class failure (exit 78) rather than an operational one (exit 1).
    var configClass: Bool

    init(_ message: String, configClass: Bool = true) {
        self.message = message
        self.configClass = configClass
    }
}
