import FleetCore
import FoundationEssentials
import Glibc

/// Questions on the terminal: plain answers, numbered choices, and secrets typed without echo.
struct Prompter {
    /// Saved terminal settings, restored on Ctrl-C while echo is off.
    nonisolated(unsafe) static var savedTermios: termios?

    let style = Output.style()

    /// Asks until `check` accepts the answer (nil: fine; else the problem, printed before asking again).
    func ask(_ question: String, default value: String? = nil, check: (String) -> String? = { _ in nil }) -> String {
        while true {
            Output.out(style.bold(question) + (value.map { " [\($0)]" } ?? "") + ": ")
            guard let line = readLine() else { CLIError(message: "input ended; nothing was written", exitCode: 1).exit() }
            var answer = line.trimmed
            if answer.isEmpty, let value { answer = value }
            if answer.isEmpty {
                Output.out("  an answer is needed\n")
                continue
            }
            if let problem = check(answer) {
                Output.out("  \(style.yellow(problem))\n")
                continue
            }
            return answer
        }
    }

    /// A numbered list; the answer is a number or an option's name (or, with `free`, anything `free` accepts).
    func choose(_ question: String, _ options: [(name: String, note: String)], default index: Int = 0,
                free: ((String) -> Bool)? = nil) -> String {
        let width = options.map(\.name.count).max() ?? 0
        Output.out(style.bold(question) + "\n")
        for (i, o) in options.enumerated() {
            let note = o.note.isEmpty ? "" : "  " + style.dim(o.note)
            let name = o.note.isEmpty ? o.name : o.name.padded(to: width)
            Output.out("  \(i + 1)) \(name)\(note)\n")
        }
        if free != nil { Output.out("  or type another one\n") }
        let answer = ask("Choice", default: String(index + 1)) { text in
            if let n = Int(text), (1...options.count).contains(n) { return nil }
            if options.contains(where: { $0.name == text }) { return nil }
            if let free, free(text) { return nil }
            return "type a number from 1 to \(options.count)" + (free != nil ? " or a valid value" : "")
        }
        if let n = Int(answer), (1...options.count).contains(n) { return options[n - 1].name }
        return answer
    }

    /// Reads a secret with echo off (termios); the typed text never appears on the terminal.
    /// With `optional`, an empty answer is accepted (returned as an empty string).
    func secret(_ question: String, optional: Bool = false) -> String {
        while true {
            // Echo goes off before the question shows, so nothing typed after it can be echoed.
            var old = termios()
            let isTerminal = tcgetattr(STDIN_FILENO, &old) == 0
            if isTerminal {
                Prompter.savedTermios = old
                var quiet = old
                quiet.c_lflag &= ~tcflag_t(ECHO)
                quiet.c_lflag |= tcflag_t(ECHONL)
                tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
            }
            Output.out(style.bold(question) + " (typing is hidden): ")
            let line = readLine()
            if isTerminal {
                tcsetattr(STDIN_FILENO, TCSANOW, &old)
                Prompter.savedTermios = nil
            } else {
                Output.out("\n")
            }
            guard let line else { CLIError(message: "input ended; nothing was written", exitCode: 1).exit() }
            let value = line.trimmed
            if !value.isEmpty || optional { return value }
            Output.out("  an answer is needed\n")
        }
    }

    /// Restores the terminal if Ctrl-C comes while echo is off.
    static func restoreTerminal() {
        if var saved = savedTermios { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    }
}
