import FleetCore
import FoundationEssentials
import Hummingbird

/// The imperative actions that are not desired state: restart a bot, reconcile now. Each is a
/// confirmation page (GET) and a POST with the CSRF token, needs the operator role, and goes
/// through the same FleetCore code as `fleet restart` and `fleet reconcile`, journaled with the
/// user's name.
struct ActionController {
    let services: ConsoleServices

    func register(on router: Router<ConsoleContext>) {
        router.get("/bots/:name/restart") { request, context in try await self.confirmRestart(context) }
        router.post("/bots/:name/restart") { request, context in try await self.restart(context) }
        router.get("/reconcile") { request, context in await self.confirmReconcile(context) }
        router.post("/reconcile") { request, context in await self.reconcile(context) }
    }

    func allowedRestart(_ context: ConsoleContext) async throws -> Allowed {
        let name = try context.parameters.require("name")
        let snapshot = await services.store.snapshot
        let policy = services.policy(context.user, snapshot)
        guard let bot = snapshot.bots[name], let role = policy.role(forLabels: bot.labels) else {
            return .refused(htmlResponse(ErrorPage.render(title: "No such bot", status: 404, message: "There is no bot '\(name)' on this host that you may see.", user: context.user, csrf: context.csrfToken), status: .notFound))
        }
        guard role >= .operator else {
            return .refused(htmlResponse(ErrorPage.forbidden(action: "restart bots", bot: name, policy: policy, role: role, needed: .operator, csrf: context.csrfToken), status: .forbidden))
        }
        return .allowed(bot)
    }

    enum Allowed {
        case allowed(BotSnapshot)
        case refused(Response)
    }

    func confirmRestart(_ context: ConsoleContext) async throws -> Response {
        switch try await allowedRestart(context) {
        case .refused(let response): return response
        case .allowed(let bot):
            return htmlResponse(ConfirmPage.render(
                title: "Restart \(bot.name)?", question: "Restart the gateway of bot '\(bot.name)' now? Its sessions are kept; it is unavailable for a few seconds.",
                action: "/bots/\(urlPart(bot.name))/restart", button: "Restart \(bot.name)", user: context.user ?? "", csrf: context.csrfToken,
                cancel: "/bots/\(urlPart(bot.name))"))
        }
    }

    func restart(_ context: ConsoleContext) async throws -> Response {
        let bot: BotSnapshot
        switch try await allowedRestart(context) {
        case .refused(let response): return response
        case .allowed(let b): bot = b
        }
        guard context.form["confirm"] == "yes" else { return redirect(to: "/bots/\(urlPart(bot.name))/restart") }
        let user = context.user ?? "unknown"
        let source = await services.store.manifestSource()
        let keyFiles = services.config.keyFiles
        let loaded = await Blocking.run { () -> (ManifestSet?, String?) in
            do {
                return (try FleetSession.load(source, keys: try FleetSession.secretKeys(for: source, keyFiles: keyFiles)), nil)
            } catch {
                return (nil, "\(error)")
            }
        }
        guard let set = loaded.0 else {
            return htmlResponse(ErrorPage.render(title: "Restart failed", status: 500, message: "The manifests at \(source.ref) cannot be read: \(loaded.1 ?? "")", user: context.user, csrf: context.csrfToken), status: .internalServerError)
        }
        context.logger.notice("restart asked", metadata: ["user": .string(user), "bot": .string(bot.name)])
        let report: ApplyReport
        do {
            report = try await BotRestart.run(
                bot: bot.name, set: set, source: source, stateRootFlag: services.config.root,
                lockTimeout: .seconds(30), command: "fleet-console (restart \(bot.name) for \(user))", user: user) { _ in }
        } catch {
            return htmlResponse(ErrorPage.render(title: "Restart failed", status: 409, message: error.description, user: context.user, csrf: context.csrfToken), status: .conflict)
        }
        await services.store.refresh(full: true)
        guard report.ok else {
            let messages = report.results.filter { !$0.ok }.map { "\($0.message ?? "failed")\($0.fix.map { " (fix: \($0))" } ?? "")" }
            return htmlResponse(ErrorPage.render(title: "Restart failed", status: 502, message: "The gateway of '\(bot.name)' did not come back.", user: context.user, detail: messages, csrf: context.csrfToken), status: .badGateway)
        }
        return redirect(to: "/bots/\(urlPart(bot.name))?done=restart")
    }

    func allowedReconcile(_ context: ConsoleContext) async -> Response? {
        let snapshot = await services.store.snapshot
        let policy = services.policy(context.user, snapshot)
        guard let role = policy.fleetWideRole, role >= .operator else {
            return htmlResponse(ErrorPage.forbidden(action: "ask the daemon to reconcile the whole fleet", bot: nil, policy: policy, role: policy.fleetWideRole, needed: .operator, csrf: context.csrfToken), status: .forbidden)
        }
        return nil
    }

    func confirmReconcile(_ context: ConsoleContext) async -> Response {
        if let refused = await allowedReconcile(context) { return refused }
        return htmlResponse(ConfirmPage.render(
            title: "Reconcile now?", question: "Ask the daemon to reconcile every bot on this host with git now (as fleet reconcile does: SIGHUP)?",
            action: "/reconcile", button: "Reconcile now", user: context.user ?? "", csrf: context.csrfToken, cancel: "/"))
    }

    func reconcile(_ context: ConsoleContext) async -> Response {
        if let refused = await allowedReconcile(context) { return refused }
        guard context.form["confirm"] == "yes" else { return redirect(to: "/reconcile") }
        let root = services.config.root
        let user = context.user ?? "unknown"
        let outcome = await Blocking.run { () -> (Int32?, String?) in
            do {
                return (try DaemonControl.requestReconcile(root: root, askedBy: user), nil)
            } catch {
                return (DaemonControl.runningPid(root: root), "\(error)")
            }
        }
        guard let pid = outcome.0 else {
            return htmlResponse(ErrorPage.render(
                title: "No daemon", status: 409,
                message: "No fleet daemon runs for \(root), so there is nothing to ask. Start it (systemctl start fleet-daemon, or fleet daemon --state-root \(root)); the console never applies by itself.",
                user: context.user, csrf: context.csrfToken), status: .conflict)
        }
        context.logger.notice("reconcile asked", metadata: ["user": .string(user), "daemon": .stringConvertible(pid)])
        if let journalError = outcome.1 {
            context.logger.error("journal write failed", metadata: ["error": .string(journalError)])
            return htmlResponse(ErrorPage.render(
                title: "Asked, not journaled", status: 500,
                message: "The daemon (pid \(pid)) was asked to reconcile, but the journal could not be written: \(journalError)",
                user: context.user, csrf: context.csrfToken), status: .internalServerError)
        }
        return redirect(to: "/?done=reconcile")
    }
}
