import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet apply`: converge the gateways on this host to the manifests.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Converge this host's gateways to the manifests (or to a saved plan).",
        discussion: """
            Writes every bot's files atomically, starts, reloads, restarts and stops gateways, waits
            for /healthz, and records the state file and the journal. One bot's failure does not
            stop the others; the exit code is 1 if any failed.

            Examples:
              fleet apply
              fleet apply --ref v2
              fleet apply plan.json                  # refuses a stale plan
            """)

    @Argument(help: "A plan saved by `fleet plan --out`; apply refuses it if the commit or the host changed since.")
    var planFile: String?

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var selector: SelectorOptions

    @Flag(name: .long, help: "Allow destroying more than half of the fleet.")
    var allowMassDestroy = false

    @Option(name: .long, help: "The most gateways started at once (default: as many as the host takes, up to the Fleet's maxConcurrentStarts).")
    var parallelism: Int?

    @Flag(name: .long, help: "Print the results as JSON.")
    var json = false

    func validate() throws {
        if let parallelism, parallelism < 1 { throw ValidationError("--parallelism must be at least 1") }
    }

    func run() async throws {
        let saved: Plan?
        if let planFile {
            do {
                saved = try PlanPrinter.load(planFile)
            } catch {
                CLIError(message: "cannot read the plan \(planFile): \(error)", exitCode: 2).exit()
            }
        } else {
            saved = nil
        }
        // Validate before taking the lock: a bad commit changes nothing.
        // `selecting` keeps only this host's share of the bots (--selector; validation covers all).
        let set = source.loadOrExit().selecting(selector.labelSelector)
        guard set.isValid else { exitFor(.invalid(set)) }
        let root = HostSettings(fleet: set.fleet, stateRootFlag: state.stateRoot).stateRoot
        let lock = await state.lock(root: root)
        let context: ReconcileContext
        do {
            context = try await Reconciler.prepare(
                set: set, source: source.source, stateRootFlag: state.stateRoot,
                options: PlanOptions(allowMassDestroy: allowMassDestroy), createKey: true)
        } catch {
            exitFor(error)
        }
        if let saved {
            if saved.commit != context.plan.commit {
                CLIError(message: "the saved plan is for commit \(saved.commit ?? "none"), but the source is now at \(context.plan.commit ?? "none"); run `fleet plan --out` again", exitCode: 1).exit()
            }
            if saved.observedFingerprint != context.plan.observedFingerprint || saved.stateRoot != context.plan.stateRoot {
                CLIError(message: "the saved plan is stale: the gateways on this host changed since it was made; run `fleet plan --out` again", exitCode: 1).exit()
            }
        }
        let style = Output.style()
        if let refusal = context.plan.refusal {
            CLIError(message: "refused: \(refusal)", exitCode: 1).exit()
        }
        if !json { Output.out(PlanPrinter.human(context.plan, commit: context.set.commit?.shortId, style: style)) }
        // Gateways past the host's inotify instances never apply a config change.
        if let shortfall = InotifyInstances.shortfall(for: context.desired) {
            Output.warn(shortfall.description, fix: shortfall.fix)
        }
        guard !context.plan.changes.isEmpty else {
            _ = await Reconciler.apply(context, options: Reconciler.applyOptions(for: context.set.fleet)) { _ in }
            withExtendedLifetime(lock) {}
            if json { Output.out("{\"results\": []}\n") }
            return
        }
        var options = Reconciler.applyOptions(for: context.set.fleet)
        if let parallelism { options.parallelism = parallelism }
        let quiet = json
        let (report, _) = await Reconciler.apply(context, options: options) { line in
            if !quiet { Output.out("  \(line)\n") }
        }
        withExtendedLifetime(lock) {}
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Output.out(String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n")
        } else {
            Output.out("\n")
            let width = report.results.map(\.bot.count).max() ?? 0
            for r in report.results {
                let mark = r.ok ? style.green("ok    ") : style.red("FAILED")
                var line = "\(mark) \(r.kind.rawValue.padded(to: 8)) \(r.bot.padded(to: width))"
                if let pid = r.pid { line += "  pid \(pid)" }
                line += "  " + r.seconds.fixed(1) + "s"
                Output.out(line + "\n")
                if let message = r.message { Output.out("       \(r.code.map { "error[\($0)]: " } ?? "")\(message)\n") }
                if let fix = r.fix { Output.out("       \(style.cyan("fix:")) \(fix)\n") }
            }
            let failed = report.results.filter { !$0.ok }.count
            if let error = report.recordError { Output.out("\n\(style.red("FAILED")) \(error.description)\n") }
            Output.out("\nApply complete: \(report.results.count - failed) succeeded, \(failed) failed.\n")
        }
        if !report.ok { throw ExitCode(1) }
    }
}
