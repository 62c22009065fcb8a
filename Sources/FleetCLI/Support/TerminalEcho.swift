import Glibc

/// Reads a line from the terminal with echo off, and turns echo back on however the read ends:
/// a line, end of input, or a signal (Ctrl-C, Ctrl-\, SIGTERM, SIGHUP), after which the process
/// ends as that signal would have ended it. Without this, Ctrl-C while a secret is typed left the
/// shell without echo.
enum TerminalEcho {
    /// The signals that end a prompt; each restores the terminal first.
    static let signals: [Int32] = [SIGINT, SIGQUIT, SIGTERM, SIGHUP]

    /// One line from standard input typed without echo (nil at end of input); when standard input
    /// is not a terminal, an ordinary read.
    static func readHiddenLine() -> String? {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return readLine(strippingNewline: true) }
        hiddenSaved = saved
        // The handlers go in before echo goes off, so no signal can find echo off and no handler.
        let previous = signals.map { signal($0, restoreTerminalAndDie) }
        // A parent may have started fleet with these blocked (harnesses do): Ctrl-C must reach it.
        var wanted = sigset_t()
        var oldMask = sigset_t()
        sigemptyset(&wanted)
        for sig in signals { sigaddset(&wanted, sig) }
        pthread_sigmask(SIG_UNBLOCK, &wanted, &oldMask)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        let line = readLine(strippingNewline: true)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        pthread_sigmask(SIG_SETMASK, &oldMask, nil)
        for (sig, handler) in zip(signals, previous) { signal(sig, handler) }
        return line
    }
}

/// The terminal settings to restore from a signal handler (set before the handler is installed).
nonisolated(unsafe) private var hiddenSaved = termios()

/// Restores the terminal, ends the prompt's line, then dies of `sig` (the default action), so the
/// exit status says what happened and nothing after the prompt runs. Only async-signal-safe calls.
private func restoreTerminalAndDie(_ sig: Int32) {
    tcsetattr(STDIN_FILENO, TCSANOW, &hiddenSaved)
    var newline: UInt8 = 0x0A
    _ = write(STDERR_FILENO, &newline, 1)
    signal(sig, SIG_DFL)
    raise(sig)
}
