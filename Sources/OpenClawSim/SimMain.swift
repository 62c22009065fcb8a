/// Entry point: parses the command line and runs the chosen command, returning the exit code.
enum SimMain {
    static func run(_ arguments: [String]) -> Int32 {
        let parsed: (command: SimCommand, profile: String?)
        do {
            parsed = try CommandLineParser.parse(arguments)
        } catch {
            printError("error: \(error.message)")
            return 1
        }
        let env = SimEnvironment.current()
        let paths = SimPaths.resolve(profile: parsed.profile)
        switch parsed.command {
        case .version:
            printOut("openclaw-sim \(env.version) (stand-in)")
            return 0
        case .help:
            printOut(CommandLineParser.helpText)
            return 0
        case .channelsLogin(_, let account, _):
            return WhatsAppLogin.run(account: account, paths: paths)
        case .gatewayRun(let options):
            do {
                let gateway = try Gateway(options: options, paths: paths, env: env)
                return gateway.run()
            } catch {
                printError("Gateway failed to start: \(error.message)")
                return 1
            }
        }
    }

    static func printOut(_ line: String) {
        FileSystem.writeAll(1, Array((line + "\n").utf8))
    }

    static func printError(_ line: String) {
        FileSystem.writeAll(2, Array((line + "\n").utf8))
    }
}
