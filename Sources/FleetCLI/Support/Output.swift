import FleetCore
import Foundation

/// Where the CLI writes, and whether it may use colour.
enum Output {
    /// Colour only on a terminal, and never when NO_COLOR is set.
    static func style(for fd: Int32 = STDOUT_FILENO) -> TextStyle {
        let env = ProcessInfo.processInfo.environment
        let noColor = env["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TextStyle(color: !noColor && isatty(fd) == 1 && env["TERM"] != "dumb")
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
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
        Foundation.exit(exitCode)
    }
}
