import ArgumentParser
import FleetCore
import FoundationEssentials
import Glibc

/// `fleet plan`: what apply would do, and why.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change on this host, and why.",
        discussion: """
            Each action says why and how disruptive it is: + create, - destroy, ~ reload (the
            gateway applies the new config live), -/+ restart, > start, . stop.

            Examples:
              fleet plan
              fleet plan --detailed-exitcode        # 0 no changes, 2 changes, 1 error
              fleet plan --out plan.json && fleet apply plan.json
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var selector: SelectorOptions

    @Flag(name: .long, help: "Print the plan as JSON.")
    var json = false

    @Flag(name: .long, help: "Exit 0 when there is nothing to do, 2 when there are changes, 1 on error.")
    var detailedExitcode = false

    @Option(name: .long, help: "Save the plan (bound to the commit and to what was observed) for `fleet apply FILE`.")
    var out: String?

    @Flag(name: .long, help: "Allow a plan that destroys more than half of the fleet.")
    var allowMassDestroy = false

    func run() async throws {
        ProcessLifetime.growHeapsInLargeSteps()
        let context: ReconcileContext
        do {
            // loadOrExit opens the secrets with --key-file / the environment (E050-E053 make the set invalid);
            // `selecting` keeps only this host's share of the bots (--selector; validation covers all).
            context = try await Reconciler.prepare(
                set: source.loadOrExit().selecting(selector.labelSelector), source: source.source, stateRootFlag: state.stateRoot,
                options: PlanOptions(allowMassDestroy: allowMassDestroy))
        } catch {
            exitFor(error)
        }
        defer { ProcessLifetime.keep(context) }  // freed by the exit, not one allocation at a time
        let plan = context.plan
        if json {
            Output.out(PlanPrinter.json(plan) + "\n")
        } else {
            Output.out(PlanPrinter.human(plan, commit: context.set.commit?.shortId, style: Output.style()))
        }
        // A gateway command that is not installed fails every start of the apply: say so now.
        for missing in GatewayCommandCheck.missing(in: context) {
            Output.warn(missing.description, fix: missing.fix)
        }
        // Gateways past the host's inotify instances never apply a config change.
        if let shortfall = InotifyInstances.shortfall(for: context.desired) {
            Output.warn(shortfall.description, fix: shortfall.fix)
        }
        if let out {
            do {
                try HostFiles.writeAtomically(out, text: PlanPrinter.json(plan) + "\n", mode: 0o644)
            } catch {
                CLIError(message: "cannot save the plan: \(error)", exitCode: 1).exit()
            }
            if !json { Output.out("Saved the plan to \(out); `fleet apply \(out)` applies exactly this.\n") }
        }
        if plan.refusal != nil { throw ExitCode(1) }
        if detailedExitcode && !plan.changes.isEmpty { throw ExitCode(2) }
    }
}
