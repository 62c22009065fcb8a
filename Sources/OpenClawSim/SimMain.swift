/// Entry point: parses the command line and runs the chosen command, returning the exit code.
enum SimMain {
    static func run(_ arguments: [String]) -> Int32 {
        let parsed: (command: SimCommand, profile: String?, simVersion: String?)
        let persona: SimPersona
        do {
            parsed = try CommandLineParser.parse(arguments)
            persona = try SimPersona.resolve(flag: parsed.simVersion)
        } catch {
            printError("error: \(error.message)")
            return 1
        }
        let env = SimEnvironment.current()
        let paths = SimPaths.resolve(profile: parsed.profile)
        switch parsed.command {
        case .version:
            printOut(persona.versionLine)
            return 0
        case .help:
            printOut(CommandLineParser.helpText)
            return 0
        case .channelsLogin(_, let account, _):
            return WhatsAppLogin.run(account: account, paths: paths, persona: persona)
        case .gatewayRun(let options):
            if SimRespawn.applies(to: persona) { return SimRespawn.run() }
            do {
                let gateway = try Gateway(options: options, paths: paths, env: env, persona: persona)
                return gateway.run()
            } catch {
                printError("Gateway failed to start: \(error.message)")
                return error.configClass ? persona.configRefusalExitCode : 1
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
