import Glibc

/// Signal names and numbers.
enum SignalNames {
    static let table: [(String, Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("ILL", SIGILL), ("TRAP", SIGTRAP),
        ("ABRT", SIGABRT), ("BUS", SIGBUS), ("FPE", SIGFPE), ("KILL", SIGKILL), ("USR1", SIGUSR1),
        ("SEGV", SIGSEGV), ("USR2", SIGUSR2), ("PIPE", SIGPIPE), ("ALRM", SIGALRM), ("TERM", SIGTERM),
    ]

    /// `SEGV`, `SIGSEGV` or `11` → 11.
    static func number(_ text: String) -> Int32? {
        if let n = Int32(text) { return n }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name = String(name.dropFirst(3)) }
        return table.first { $0.0 == name }?.1
    }

    /// 15 → `SIGTERM`.
    static func name(_ number: Int32) -> String {
        table.first { $0.1 == number }.map { "SIG" + $0.0 } ?? "signal \(number)"
    }
}
