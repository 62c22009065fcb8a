/// Why the gateway will not start (or a reload is rejected): one line, prefixed on stderr with
/// `Gateway failed to start: ` and followed by exit code 1.
struct StartupRefusal: Error, Equatable {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}
