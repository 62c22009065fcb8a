import FleetCore
import FoundationEssentials
import Glibc

/// Where the CLI writes, and whether it may use colour.
enum Output {
    /// Colour only on a terminal, and never when NO_COLOR is set.
    static func style(for fd: Int32 = STDOUT_FILENO) -> TextStyle {
        let env = ProcessInfo.processInfo.environment
        let noColor = env["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TextStyle(color: !noColor && isatty(fd) == 1 && env["TERM"] != "dumb")
    }

    static func out(_ text: String) { write(text, to: 1) }

    static func err(_ text: String) { write(text, to: 2) }

    /// A warning on stderr: `fleet: warning: <what>` and its fix on the next line.
    static func warn(_ what: String, fix: String) {
        let colors = style(for: STDERR_FILENO)
        err("fleet: " + colors.yellow("warning: ") + what + "\n  fix: " + fix + "\n")
    }

    /// Writes all of `text` to `fd` (retrying short writes and interruptions; gives up quietly
    /// when the reader has gone, as a pipe into `head` does).
    static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 { bytes = bytes.dropFirst(n); continue }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            return
        }
    }

    /// Everything on standard input up to end of file.
    static func readStandardInput() -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n > 0 { out += buffer[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            return out
        }
    }
}

/// An error the CLI reports in one message and maps to an exit code.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32

    var description: String { message }

    /// Prints the message and exits.
    func exit() -> Never {
        Output.err("fleet: \(message)\n")
        Glibc.exit(exitCode)
    }
}
