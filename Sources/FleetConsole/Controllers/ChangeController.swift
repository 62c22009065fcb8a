import FleetCore
import FleetGit
import FoundationEssentials
import Hummingbird

/// What every form that changes manifests shares: who may (admins, within their selectors), the
/// commit the form is made on, the review page, and the commit itself.
struct ChangeFlow {
    let services: ConsoleServices

    /// A form's starting point: the upstream and its current commit, fetched now.
    struct Start: Sendable {
        var snapshot: FleetSnapshot
        var policy: AccessPolicy
        var upstream: Upstream
        var tip: GitCommitInfo?
        /// Why nothing can be committed from here, nil when it can.
        var notWritable: String?
    }

    func start(_ context: ConsoleContext) async -> Start {
        let snapshot = await services.store.snapshot
        let policy = services.policy(context.user, snapshot)
        let upstream = ConsoleRepository.upstream(state: snapshot.state, config: services.config)
        if let reason = upstream.notWritable {
            return Start(snapshot: snapshot, policy: policy, upstream: upstream, tip: nil, notWritable: reason)
        }
        switch await services.git.sync(upstream) {
        case .success(let tip): return Start(snapshot: snapshot, policy: policy, upstream: upstream, tip: tip, notWritable: nil)
        case .failure(let error):
            return Start(snapshot: snapshot, policy: policy, upstream: upstream, tip: nil,
                         notWritable: "the console cannot fetch \(upstream.branch ?? "the branch") from \(upstream.location): \(error.message)")
        }
    }

    /// Why `policy` may not change a bot with `labels` (nil: they may).
    static func refusal(_ policy: AccessPolicy, labels: [String: String], bot: String) -> String? {
        let role = policy.role(forLabels: labels)
        guard role != .admin else { return nil }
        let has = role.map { "your role for it is \($0.rawValue)" } ?? "spec.access gives you no role for a bot with its labels"
        return "\(policy.user) may not change bot '\(bot)': only admins change manifests, and \(has). Roles are granted in git, in spec.access of the Fleet manifest."
    }

    /// Why `policy` may not make the change of `preview` (every bot it touches, before and after,
    /// must be one the user is an admin for; other files need an admin of every bot).
    static func refusal(_ policy: AccessPolicy, _ preview: ChangePreview) -> String? {
        for bot in preview.touchedBots {
            if let why = refusal(policy, labels: bot.labels, bot: bot.name) { return why }
        }
        if preview.touchesFleetFiles, policy.fleetWideRole != .admin {
            return "\(policy.user) may not change files other than their bots' manifests (the Fleet manifest, ...): that needs the admin role for every bot."
        }
        return nil
    }

    /// A refusal page.
    func forbidden(_ message: String, _ context: ConsoleContext, policy: AccessPolicy) -> Response {
        htmlResponse(ErrorPage.render(title: "Not allowed", status: 403, message: message, user: context.user,
                                      detail: policy.summaries.map { "spec.access: \($0)" }, csrf: context.csrfToken), status: .forbidden)
    }

    func failure(_ failure: ChangeFailure, _ context: ConsoleContext) -> Response {
        switch failure {
        case .refused(let message):
            return htmlResponse(ErrorPage.render(title: "Change refused", status: 400, message: message, user: context.user, csrf: context.csrfToken), status: .badRequest)
        case .failed(let message):
            return htmlResponse(ErrorPage.render(title: "Change failed", status: 500, message: message + " Nothing was committed.", user: context.user, csrf: context.csrfToken), status: .internalServerError)
        }
    }

    /// The target branch's name for pages.
    func targetName(_ upstream: Upstream) -> String {
        services.config.commitTo == .branch ? "a new branch fleet/…" : (upstream.branch ?? "the branch")
    }

    /// The review page of a change (or a refusal).
    func review(_ change: ManifestChange, _ context: ConsoleContext) async -> Response {
        let start = await start(context)
        if let reason = start.notWritable { return htmlResponse(ErrorPage.render(title: "Cannot commit", status: 409, message: reason, user: context.user, csrf: context.csrfToken), status: .conflict) }
        let preview: ChangePreview
        switch await ChangePreviewer.preview(change, services: services, upstream: start.upstream) {
        case .failure(let f): return failure(f, context)
        case .success(let p): preview = p
        }
        if let why = Self.refusal(start.policy, preview) { return forbidden(why, context, policy: start.policy) }
        return htmlResponse(ChangeViews.review(preview, user: context.user ?? "", csrf: context.csrfToken, target: targetName(start.upstream)))
    }
}

/// `/changes/commit` (every form's last step), `/history` and the fleet's roll back.
struct ChangeController {
    let services: ConsoleServices
    var flow: ChangeFlow { ChangeFlow(services: services) }

    func register(on router: Router<ConsoleContext>) {
        router.post("/changes/commit") { request, context in await self.commit(context) }
        router.get("/history") { request, context in await self.history(context) }
        router.post("/rollback") { request, context in await self.rollback(context) }
    }

    /// Validates the change again (the page's copy is never trusted), checks the roles, commits
    /// and pushes, and asks the daemon to reconcile now.
    func commit(_ context: ConsoleContext) async -> Response {
        guard let change = ManifestChange(form: context.form) else {
            return flow.failure(.refused("The form did not carry a complete change; go back and try again."), context)
        }
        let start = await flow.start(context)
        if let reason = start.notWritable { return htmlResponse(ErrorPage.render(title: "Cannot commit", status: 409, message: reason, user: context.user, csrf: context.csrfToken), status: .conflict) }
        let preview: ChangePreview
        switch await ChangePreviewer.preview(change, services: services, upstream: start.upstream) {
        case .failure(let f): return flow.failure(f, context)
        case .success(let p): preview = p
        }
        if let why = ChangeFlow.refusal(start.policy, preview) { return flow.forbidden(why, context, policy: start.policy) }
        guard preview.isValid else { return htmlResponse(ChangeViews.review(preview, user: context.user ?? "", csrf: context.csrfToken, target: flow.targetName(start.upstream)), status: .unprocessableContent) }
        let user = context.user ?? "unknown"
        let author = services.author(user, proxyEmail: context.proxyEmail, start.snapshot)
        let why = (context.form["why"] ?? "").trimmed
        if let shape = SecretLeakCheck.tokenShape(in: why + " " + change.title) {
            return flow.failure(.refused("The commit message would hold what looks like \(shape); git keeps messages forever. Remove it and commit again."), context)
        }
        var message = change.title + "\n"
        if !why.isEmpty { message += "\n" + why + "\n" }
        message += "\nMade in the fleet web console by \(user).\n"
        let draft = context.form["to"] == "draft"
        let branch: String? = draft || services.config.commitTo == .branch
            ? "fleet/\(ManifestChange.slug(user))/\(draft ? "draft-" : "")\(change.slug)" : nil
        let outcome = await services.git.commit(change, author: author, message: message, upstream: start.upstream, branch: branch)
        switch outcome {
        case .failed(let reason):
            context.logger.error("commit failed", metadata: ["user": .string(user), "change": .string(change.title), "error": .string(reason)])
            return flow.failure(.failed(reason), context)
        case .conflict(let conflicts):
            context.logger.notice("commit refused: conflict", metadata: ["user": .string(user), "change": .string(change.title)])
            return htmlResponse(ChangeViews.conflict(change, conflicts: conflicts, user: user, csrf: context.csrfToken, branch: start.upstream.branch ?? "the branch"), status: .conflict)
        case .committed(let commit, let onBranch, let remote):
            context.logger.notice("committed", metadata: ["user": .string(user), "commit": .string(commit), "branch": .string(onBranch), "change": .string(change.title)])
            let onTarget = branch == nil
            var daemon: String?
            if onTarget, services.config.reconcileAfterCommit {
                let root = services.config.root
                let pid = await Blocking.run { try? DaemonControl.requestReconcile(root: root, askedBy: user) }
                daemon = (pid ?? nil).map { "The daemon (pid \($0)) was asked to apply it now; the dashboard shows the result as it happens." }
                    ?? "No daemon runs for this host: it is applied when the daemon next runs (or by fleet apply)."
            }
            return htmlResponse(ChangeViews.committed(
                change, commit: commit, branch: onBranch, onTarget: onTarget,
                reviewLink: onTarget ? nil : ChangeViews.reviewLink(remote: remote, branch: onBranch, base: start.upstream.branch ?? "main"),
                daemon: daemon, user: user, csrf: context.csrfToken))
        }
    }

    /// The fleet's history: every commit below the manifest directory, what it changed, and (for
    /// admins of every bot) a roll back to it.
    func history(_ context: ConsoleContext) async -> Response {
        let start = await flow.start(context)
        let admin = start.policy.fleetWideRole == .admin
        var main = "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Dashboard</a> › <span aria-current=\"page\">History</span></nav><h1>History of the manifests</h1>"
        guard let tip = start.tip else {
            main += "<p class=\"muted\">\(esc(start.notWritable ?? "The history cannot be read."))</p>"
            return htmlResponse(Layout(title: "History", user: context.user, csrf: context.csrfToken).render(main))
        }
        if !admin { main += ChangeViews.readOnlyReason("rolling the whole fleet back needs the admin role for every bot (spec.access); a bot's own roll back is on its History tab.") }
        let visible = Set(start.snapshot.visibleBots(start.policy).map(\.name))
        switch await services.git.history(file: nil, path: start.upstream.path, from: tip.id, limit: 30) {
        case .failure(let error):
            main += "<p class=\"error\">The history cannot be read: \(esc(error.message))</p>"
        case .success(let commits):
            main += HistoryView.commits(commits, diffs: [:], rollback: admin ? { c in
                HistoryView.rollbackForm(action: "/rollback", commit: c, label: "Roll the fleet back to \(c.shortId)", csrf: context.csrfToken)
            } : nil, hideFile: { path in
                // A file of a bot the user may not see is not named.
                let name = path.split(separator: "/").last.map { String($0.split(separator: ".").first ?? "") } ?? ""
                return start.snapshot.bots[name] != nil && !visible.contains(name)
            })
        }
        return htmlResponse(Layout(title: "History", user: context.user, csrf: context.csrfToken).render(main))
    }

    /// Rolls the whole manifest directory back to a commit: a new commit whose files there are
    /// those of the old one (files added since are deleted), reviewed first.
    func rollback(_ context: ConsoleContext) async -> Response {
        let start = await flow.start(context)
        guard start.policy.fleetWideRole == .admin else {
            return flow.forbidden("\(start.policy.user) may not roll the whole fleet back: it needs the admin role for every bot.", context, policy: start.policy)
        }
        guard let tip = start.tip, let target = context.form["commit"], !target.isEmpty else {
            return flow.failure(.refused(start.notWritable ?? "No commit was named."), context)
        }
        let path = start.upstream.path
        async let old = services.git.files(at: target, under: path)
        async let now = services.git.files(at: tip.id, under: path)
        guard case .success(let then) = await old, case .success(let current) = await now else {
            return flow.failure(.refused("Commit \(target) cannot be read."), context)
        }
        var files: [String: String?] = [:]
        for (file, text) in then where current[file] != text { files[file] = text }
        for file in current.keys where then[file] == nil { files[file] = .some(nil) }
        guard !files.isEmpty else { return flow.failure(.refused("The manifests are already as they were at \(target.prefix(12))."), context) }
        let short = String(target.prefix(7))
        let change = ManifestChange(title: "Roll the fleet back to \(short)", slug: "rollback-\(short)", base: tip.id, files: files, bot: nil, returnTo: "/history")
        return await flow.review(change, context)
    }
}
