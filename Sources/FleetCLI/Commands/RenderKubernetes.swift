import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

extension Render {
    /// `fleet render --target kubernetes`: every enabled bot (or BOT) as Kubernetes objects.
    func renderKubernetes() {
        var set = source.loadOrExit()
        if externalSecrets {
            // The values stay in the external store, so a value no loaded key opens is not needed here.
            set.diagnostics.removeAll { $0.code == .secretUndecryptable }
        }
        guard set.isValid else {
            Output.err(DiagnosticRenderer.human(set.diagnostics.filter { $0.severity == .error }, texts: set.texts,
                                                style: Output.style(for: STDERR_FILENO)))
            CLIError(message: "the manifests are invalid; run `fleet validate` for every diagnostic", exitCode: 1).exit()
        }
        set = set.selecting(selector.labelSelector)
        if let bot {
            guard let manifest = set.bot(named: bot) else {
                let names = set.bots.map(\.name)
                let hint = Suggestion.closest(to: bot, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                CLIError(message: "no bot named '\(bot)'\(hint) (among the selected bots: \(names.joined(separator: ", ")))", exitCode: 1).exit()
            }
            guard manifest.enabled else { CLIError(message: "bot '\(bot)' is disabled (spec.enabled: false); nothing to render", exitCode: 1).exit() }
            set.bots = [manifest]
        }
        let target: OpenClawTarget
        switch OpenClawTarget.forKubernetes(fleet: set.fleet, flag: openclawVersion) {
        case .success(let found): target = found
        case .failure(let error): CLIError(message: error.message, exitCode: 1).exit()
        }
        Self.refuseKeys(set, for: target)
        let bundle: KubernetesBundle
        do {
            bundle = try FleetSession.kubernetes(set, source: source.source, externalSecrets: externalSecrets, release: target.release)
        } catch {
            CLIError(message: "\(error)", exitCode: 1).exit()
        }
        guard let out else {
            Output.out(bundle.objects.map(\.text).joined(separator: "---\n"))
            return
        }
        do {
            try KubernetesOutput.write(bundle, to: out)
        } catch {
            CLIError(message: "cannot write \(out): \(error)", exitCode: 2).exit()
        }
        let bots = Set(bundle.objects.map { $0.file.split(separator: "/").first ?? "" }).count
        let commit = set.commit.map { " at commit \($0.shortId)" } ?? ""
        Output.err("Wrote \(bundle.objects.count) objects for \(bots) bots\(commit) to \(out) (kustomization.yaml lists them).\n")
    }
}
