/// Flags of `openclaw-sim gateway run`, as the real `openclaw gateway run` takes them.
struct GatewayOptions: Equatable {
    var port: Int?
    var bind: String?
    var auth: String?
    var token: String?
    var password: String?
    var allowUnconfigured = false
    var verbose = false
}

/// What the command line asks for.
enum SimCommand: Equatable {
    case version
    case help
    case gatewayRun(GatewayOptions)
    case channelsLogin(channel: String, account: String, verbose: Bool)
}

/// A command-line mistake: printed as `error: …` with exit code 1.
struct UsageError: Error, Equatable {
    var message: String
}

/// Parses `openclaw-sim` arguments (without the program name).
enum CommandLineParser {
    static let bindModes: Set<String> = ["loopback", "lan", "tailnet", "auto", "custom"]
    static let authModes: Set<String> = ["none", "token", "password", "trusted-proxy"]

    static func parse(_ arguments: [String]) throws(UsageError) -> (command: SimCommand, profile: String?, simVersion: String?) {
        var args = arguments[...]
        var profile: String?
        var simVersion: String?
        // Global options before the command.
        while let first = args.first, first.hasPrefix("-") {
            switch first {
            case "--version", "-V", "-v":
                return (.version, profile, simVersion)
            case "--help", "-h":
                return (.help, profile, simVersion)
            case "--sim-version":
                // Stand-in only: the OpenClaw release to behave as (OPENCLAW_SIM_VERSION does the same).
                args = args.dropFirst()
                guard let value = args.first else { throw UsageError(message: "option '--sim-version <release>' argument missing") }
                simVersion = value
                args = args.dropFirst()
            case "--profile":
                args = args.dropFirst()
                guard let value = args.first else { throw UsageError(message: "option '--profile <name>' argument missing") }
                profile = value
                args = args.dropFirst()
            default:
                if first.hasPrefix("--profile=") {
                    profile = String(first.dropFirst("--profile=".count))
                    args = args.dropFirst()
                } else if first.hasPrefix("--sim-version=") {
                    simVersion = String(first.dropFirst("--sim-version=".count))
                    args = args.dropFirst()
                } else {
                    throw UsageError(message: "unknown option '\(first)'")
                }
            }
        }
        guard let command = args.first else { return (.help, profile, simVersion) }
        args = args.dropFirst()
        switch command {
        case "gateway":
            if args.first == "run" { args = args.dropFirst() }
            return (try parseGateway(Array(args)), profile, simVersion)
        case "channels":
            guard args.first == "login" else {
                throw UsageError(message: "unknown command 'channels \(args.first ?? "")' (the stand-in supports 'channels login')")
            }
            return (try parseLogin(Array(args.dropFirst())), profile, simVersion)
        default:
            throw UsageError(message: "unknown command '\(command)'")
        }
    }

    /// Splits `--flag=value` and reads the value of a flag that needs one.
    private struct Cursor {
        var args: [String]
        var index = 0

        mutating func next() -> (flag: String, inline: String?)? {
            guard index < args.count else { return nil }
            let arg = args[index]
            index += 1
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
            }
            return (arg, nil)
        }

        mutating func value(for flag: String, inline: String?, placeholder: String) throws(UsageError) -> String {
            if let inline { return inline }
            guard index < args.count else {
                throw UsageError(message: "option '\(flag) <\(placeholder)>' argument missing")
            }
            index += 1
            return args[index - 1]
        }
    }

    private static func parseGateway(_ args: [String]) throws(UsageError) -> SimCommand {
        var options = GatewayOptions()
        var cursor = Cursor(args: args)
        while let (flag, inline) = cursor.next() {
            switch flag {
            case "--port":
                let raw = try cursor.value(for: flag, inline: inline, placeholder: "port")
                guard let port = Int(raw), (1...65_535).contains(port) else {
                    throw UsageError(message: "invalid --port '\(raw)' (expected 1-65535)")
                }
                options.port = port
            case "--bind":
                let raw = try cursor.value(for: flag, inline: inline, placeholder: "mode")
                guard bindModes.contains(raw) else {
                    throw UsageError(message: "invalid --bind '\(raw)' (use loopback|lan|tailnet|auto|custom)")
                }
                options.bind = raw
            case "--auth":
                let raw = try cursor.value(for: flag, inline: inline, placeholder: "mode")
                guard authModes.contains(raw) else {
                    throw UsageError(message: "invalid --auth '\(raw)' (use none|token|password|trusted-proxy)")
                }
                options.auth = raw
            case "--token":
                options.token = try cursor.value(for: flag, inline: inline, placeholder: "token")
            case "--password":
                options.password = try cursor.value(for: flag, inline: inline, placeholder: "password")
            case "--allow-unconfigured":
                options.allowUnconfigured = true
            case "--verbose":
                options.verbose = true
            case "--help", "-h":
                return .help
            default:
                throw UsageError(message: flag.hasPrefix("-") ? "unknown option '\(flag)'" : "too many arguments: '\(flag)'")
            }
        }
        return .gatewayRun(options)
    }

    private static func parseLogin(_ args: [String]) throws(UsageError) -> SimCommand {
        var channel = "whatsapp"
        var account = "default"
        var verbose = false
        var cursor = Cursor(args: args)
        while let (flag, inline) = cursor.next() {
            switch flag {
            case "--channel": channel = try cursor.value(for: flag, inline: inline, placeholder: "channel")
            case "--account": account = try cursor.value(for: flag, inline: inline, placeholder: "id")
            case "--verbose": verbose = true
            default: throw UsageError(message: "unknown option '\(flag)'")
            }
        }
        guard channel == "whatsapp" else {
            throw UsageError(message: "channels login: the stand-in supports only --channel whatsapp (got '\(channel)')")
        }
        return .channelsLogin(channel: channel, account: account, verbose: verbose)
    }

    static let helpText = """
    Usage: openclaw-sim [--profile <name>] [--sim-version <release>] <command> [options]

    A stand-in for the OpenClaw gateway (see docs/openclaw-sim.md).

    Commands:
      gateway [run]     Run the gateway in the foreground
                        --port <port> --bind <loopback|lan|tailnet|auto|custom>
                        --auth <none|token|password|trusted-proxy> --token <token> --password <password>
                        --allow-unconfigured --verbose
      channels login    Link a WhatsApp account: --channel whatsapp [--account <id>]

    Options:
      -V, --version     Print the version (OpenClaw <release> (openclaw-sim))
      --sim-version R   Behave as OpenClaw release R (stand-in only; also OPENCLAW_SIM_VERSION)
      -h, --help        Show this help
    """
}
