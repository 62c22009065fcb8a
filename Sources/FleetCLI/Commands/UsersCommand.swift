import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet users`: the web console's passwords on this host (roles are `spec.access` in git).
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Set, list and remove the web console's users on this host (passwords never go to git).",
        discussion: """
            Which user has which role for which bots is spec.access in the Fleet manifest, reviewed in \
            git. The passwords live only on this host: a salted scrypt hash per user in \
            <state root>/console-users.json (0600). A reverse proxy that logs people in can instead \
            pass the user name to fleet serve --auth-header X-Forwarded-User.

            Examples:
              printf '%s\\n' "$PASSWORD" | fleet users set alice --password-stdin
              fleet users set alice                 # asks twice, typing hidden
              fleet users list
              fleet users remove alice
            """,
        subcommands: [UsersSet.self, UsersList.self, UsersRemove.self])
}

/// `fleet users set NAME`.
struct UsersSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set (or replace) a user's console password.")

    @Argument(help: "The user name, as spec.access names it.")
    var name: String

    @Flag(name: .long, help: "Read the password from stdin (its first line) instead of asking.")
    var passwordStdin = false

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func validate() throws {
        guard AccessRule.isValidUserName(name) else {
            throw ValidationError("'\(name)' is not a valid user name: use 1 to 64 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit")
        }
    }

    func run() throws {
        let password: String
        if passwordStdin {
            guard let line = readLine(strippingNewline: true) else {
                CLIError(message: "no password on stdin; nothing was written", exitCode: 1).exit()
            }
            password = line
        } else {
            guard isatty(STDIN_FILENO) == 1 else {
                CLIError(message: "no terminal to ask on: pass --password-stdin", exitCode: 1).exit()
            }
            Interrupt.exitOnSIGINT { Prompter.restoreTerminal() }
            let prompter = Prompter()
            let first = prompter.secret("Password for \(name)")
            let second = prompter.secret("Again")
            guard first == second else { CLIError(message: "the two passwords differ; nothing was written", exitCode: 1).exit() }
            password = first
        }
        let root = resolveRoot(source: source, state: state)
        do {
            var users = try ConsoleUsers.load(root: root)
            try users.set(name, password: Array(password.utf8))
            try users.save()
            Output.out("password of \(name) set in \(users.path)\n")
        } catch {
            CLIError(message: error.description, exitCode: error.kind == .write ? 2 : 1).exit()
        }
        let fleet = (try? FleetSession.load(source.source))?.fleet
        if let fleet, !fleet.access.contains(where: { $0.user == name }) {
            Output.err("note: spec.access in the Fleet manifest gives \(name) no role yet, so the console shows them nothing; add {user: \(name), role: viewer} there\n")
        }
    }
}

/// `fleet users list`.
struct UsersList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the users: their roles from spec.access and whether a password is set here.")

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func run() throws {
        let root = resolveRoot(source: source, state: state)
        let users: ConsoleUsers
        do {
            users = try ConsoleUsers.load(root: root)
        } catch {
            CLIError(message: error.description, exitCode: 2).exit()
        }
        let access = (try? FleetSession.load(source.source))?.fleet.access ?? []
        let names = Set(users.users.keys).union(access.map(\.user)).sorted()
        guard !names.isEmpty else {
            Output.out("no users: add spec.access to the Fleet manifest and run fleet users set NAME\n")
            return
        }
        let style = Output.style()
        var rows = [["USER", "PASSWORD", "ACCESS"]]
        for name in names {
            let rules = access.filter { $0.user == name }
            let roles = rules.isEmpty ? "none (not in spec.access)"
                : rules.map { "\($0.role.rawValue) for \($0.bots ?? "every bot")" }.joined(separator: "; ")
            rows.append([name, users.users[name].map { "set \(ISOTime.utc($0.updatedAt).prefix(10))" } ?? "-", roles])
        }
        Output.out(TextTable.render(rows, style: style))
    }
}

/// `fleet users remove NAME`.
struct UsersRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a user's console password (their sessions end within a minute).")

    @Argument(help: "The user name.")
    var name: String

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions

    func run() throws {
        let root = resolveRoot(source: source, state: state)
        do {
            var users = try ConsoleUsers.load(root: root)
            guard users.remove(name) else {
                CLIError(message: "no user named '\(name)' in \(users.path)", exitCode: 1).exit()
            }
            try users.save()
            Output.out("removed \(name) from \(users.path)\n")
        } catch {
            CLIError(message: error.description, exitCode: 2).exit()
        }
    }
}
