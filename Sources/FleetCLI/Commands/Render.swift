import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc
import OpenClawConfig

/// `fleet render BOT`: print the OpenClaw config fleet would write for a bot.
struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the OpenClaw config fleet renders for a bot, or write every bot as Kubernetes objects.",
        discussion: """
            Secret values never appear: the config refers to per-bot secret files, listed after it.
            With --target kubernetes, every enabled bot (or BOT alone) becomes a ConfigMap, a Secret
            (or an ExternalSecret with --external-secrets), a StatefulSet and a Service, plus a
            kustomization.yaml; see docs/kubernetes.md.

            Examples:
              fleet render support
              fleet render support --ref v2 --json
              fleet render support --openclaw-version 2026.4.27   # as an older gateway takes it
              fleet render --target kubernetes --out deploy/ --external-secrets
            """)

    /// Where the rendering is meant to run.
    enum Target: String, ExpressibleByArgument, CaseIterable {
        case host, kubernetes
    }

    @Argument(help: "The bot's name (optional with --target kubernetes: every enabled bot).")
    var bot: String?

    @Option(name: .long, help: "host: the config fleet writes on this host; kubernetes: Kubernetes objects.")
    var target: Target = .host

    @Option(name: .long, help: "With --target kubernetes: the directory to write (default: every object to stdout).")
    var out: String?

    @Flag(name: .long, help: "With --target kubernetes: ExternalSecrets referring to a secret store instead of Secrets with the values.")
    var externalSecrets = false

    @OptionGroup var selector: SelectorOptions

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "The state root (default: OPENCLAW_BASE_PATH, the Fleet manifest, then /var/openclaw or ~/.local/state/fleet).")
    var stateRoot: String?

    @Flag(name: .long, help: "Print JSON: the config, its hash, the secret files and the launch command.")
    var json = false

    @Option(name: .long, help: ArgumentHelp(
        "Render for this OpenClaw release (e.g. 2026.9.6).",
        discussion: "Default: spec.openclawVersion; else, on a host, what `<gatewayCommand> --version` answers; for Kubernetes, the image tag when it is a release."))
    var openclawVersion: String?

    func validate() throws {
        if target == .host {
            if bot == nil { throw ValidationError("name a bot to render (or pass --target kubernetes to render them all)") }
            if out != nil || externalSecrets || selector.selector != nil {
                throw ValidationError("--out, --external-secrets and --selector go with --target kubernetes")
            }
        } else if json || stateRoot != nil {
            throw ValidationError("--json and --state-root go with --target host")
        }
    }

    func run() async throws {
        if target == .kubernetes { return renderKubernetes() }
        let set = source.loadOrExit()
        guard set.isValid else {
            Output.err(DiagnosticRenderer.human(set.diagnostics.filter { $0.severity == .error }, texts: set.texts,
                                                style: Output.style(for: STDERR_FILENO)))
            CLIError(message: "the manifests are invalid; run `fleet validate` for every diagnostic", exitCode: 1).exit()
        }
        let name = bot ?? ""
        guard let manifest = set.bot(named: name) else {
            let names = set.bots.map(\.name)
            let hint = Suggestion.closest(to: name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            CLIError(message: "no bot named '\(name)'\(hint); bots: \(names.joined(separator: ", "))", exitCode: 1).exit()
        }
        let host = HostSettings(fleet: set.fleet, stateRootFlag: stateRoot)
        let recorded = (try? FleetState.load(from: Applier.statePath(host.stateRoot)))?.openclaw
        let target: OpenClawTarget
        switch await OpenClawTarget.forHostRender(fleet: set.fleet, flag: openclawVersion, recorded: recorded) {
        case .success(let found): target = found
        case .failure(let error): CLIError(message: error.message, exitCode: 1).exit()
        }
        Self.refuseKeys(set, for: target)
        let rendered = try FleetSession.render(manifest, in: set, host: host, source: source.source, release: target.release)
        if json {
            let object: JSONValue = .object([
                "bot": .string(rendered.name),
                "configHash": .string(rendered.configHash),
                "configPath": .string(rendered.paths.config),
                "config": rendered.config,
                "secretFiles": .array(rendered.secretFiles.sorted { $0.field < $1.field }.map {
                    .object(["field": .string($0.field), "file": .string(rendered.paths.secrets + "/" + $0.name)])
                }),
                "workspaceFiles": .array(rendered.workspaceFiles.keys.sorted().map { .string($0) }),
                "command": .array(rendered.launch.arguments.map(JSONValue.string)),
                "openclawVersion": .string(target.release.description),
            ])
            Output.out(object.json(pretty: true) + "\n")
        } else {
            Output.out(rendered.fileText)
            if !rendered.secretFiles.isEmpty {
                Output.out("// secret files (values redacted):\n")
                for s in rendered.secretFiles.sorted(by: { $0.field < $1.field }) {
                    Output.out("//   \(s.field) -> \(rendered.paths.secrets)/\(s.name)\n")
                }
            }
        }
    }

    /// Prints the release's warning, and refuses raw keys that release would refuse (exit 1).
    static func refuseKeys(_ set: ManifestSet, for target: OpenClawTarget) {
        if let warning = target.warning { Output.err("warning: \(warning)\n") }
        let problems = set.openclawKeyProblems(for: target.release)
        guard problems.hasErrors else { return }
        Output.err(DiagnosticRenderer.human(problems.filter { $0.severity == .error }, texts: set.texts,
                                            style: Output.style(for: STDERR_FILENO)))
        CLIError(message: "OpenClaw \(target.release) refuses these keys in spec.openclaw; nothing was rendered", exitCode: 1).exit()
    }
}
