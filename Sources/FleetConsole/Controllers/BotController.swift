import FleetCore
import FleetGit
import FoundationEssentials
import Hummingbird

/// `/bots/NAME` and its tabs, the log download, and Test connection.
struct BotController {
    let services: ConsoleServices

    func register(on router: Router<ConsoleContext>) {
        router.get("/bots/:name") { request, context in try await self.page(request, context, tab: .overview) }
        for tab in BotTab.allCases where tab != .overview {
            router.get("/bots/:name/\(tab.rawValue)") { request, context in try await self.page(request, context, tab: tab) }
        }
        router.get("/bots/:name/logs/download") { request, context in try await self.download(request, context) }
        router.post("/bots/:name/check") { request, context in try await self.check(request, context) }
        router.get("/bots/:name/sessions/:session") { request, context in try await self.session(context) }
    }

    /// The bot and the user's role for it, or the page to answer instead (404 for a bot the
    /// user may not see: its existence is not disclosed).
    func lookup(_ context: ConsoleContext) async throws -> (FleetSnapshot, BotSnapshot, ConsoleRole, AccessPolicy)? {
        let name = try context.parameters.require("name")
        let snapshot = await services.store.snapshot
        let policy = services.policy(context.user, snapshot)
        guard let bot = snapshot.bots[name], let role = policy.role(forLabels: bot.labels) else { return nil }
        return (snapshot, bot, role, policy)
    }

    func notFound(_ context: ConsoleContext) -> Response {
        let name = context.parameters.get("name") ?? ""
        return htmlResponse(ErrorPage.render(
            title: "No such bot", status: 404,
            message: "There is no bot '\(name)' on this host that you may see.", user: context.user, csrf: context.csrfToken), status: .notFound)
    }

    func page(_ request: Request, _ context: ConsoleContext, tab: BotTab, checks: [CheckOutcome] = []) async throws -> Response {
        guard let (snapshot, bot, role, _) = try await lookup(context) else { return notFound(context) }
        let query = FormData.parse(request.uri.query ?? "")
        let root = services.config.root
        let content: String
        switch tab {
        case .overview:
            let journal = await Blocking.run { Journal.read(Applier.journalPath(root)).filter { $0.bot == bot.name } }
            content = BotPage.overview(bot, journal: journal)
        case .channels:
            content = BotPage.channels(bot, manifest: snapshot.manifest(bot.name), role: role, csrf: context.csrfToken, results: checks)
        case .sessions:
            content = BotPage.sessions(bot, role: role)
        case .config:
            content = BotPage.config(await configView(bot, snapshot: snapshot))
        case .logs:
            let level = query["level"] ?? ""
            let text = query["q"] ?? ""
            let entries = await Blocking.run {
                LogTail.entries(BotPaths(root: root, name: bot.name), level: level, text: text, limit: 200)
            }
            content = BotPage.logs(bot, entries: entries, level: level, text: text)
        case .history:
            let source = await services.store.manifestSource()
            let file = snapshot.manifest(bot.name)?.origin.file ?? bot.state.manifest
            let applied = snapshot.state.appliedCommit
            let path = source.path
            let history = await Blocking.run { () -> ([JournalEntry], [(GitCommitInfo, [GitChangedFile])], [String: HistoryView.FileChange], String?) in
                let journal = Journal.read(Applier.journalPath(root)).filter { $0.bot == bot.name }
                guard let file else { return (journal, [], [:], "The manifest file is not known.") }
                do throws(GitError) {
                    let repo = try GitRepository(path: source.repository)
                    var commits: [(GitCommitInfo, [GitChangedFile])] = []
                    var diffs: [String: HistoryView.FileChange] = [:]
                    for c in try repo.log(from: applied ?? source.ref, limit: 30, touching: file) {
                        commits.append((c, try repo.changedFiles(in: c.id, under: path)))
                        var before: [UInt8]?
                        if let parent = try repo.parent(of: c.id) { before = try repo.blob(at: parent.id, path: file) }
                        let after = try repo.blob(at: c.id, path: file)
                        diffs[c.id] = HistoryView.FileChange(path: file, before: before.map { String(decoding: $0, as: UTF8.self) },
                                                             after: after.map { String(decoding: $0, as: UTF8.self) })
                    }
                    return (journal, commits, diffs, nil)
                } catch {
                    return (journal, [], [:], "Git history not readable: \(error)")
                }
            }
            let csrf = context.csrfToken
            let rollback: ((GitCommitInfo) -> String)? = role == .admin ? { c in
                HistoryView.rollbackForm(action: "/bots/\(urlPart(bot.name))/rollback", commit: c, label: "Roll \(bot.name) back to \(c.shortId)", csrf: csrf)
            } : nil
            content = (role == .admin ? "" : ChangeViews.readOnlyReason("rolling \(bot.name) back needs the admin role for it (spec.access); you are \(role.rawValue)."))
                + BotPage.history(bot, journal: history.0, commits: history.1, diffs: history.2, commitsError: history.3, rollback: rollback)
        }
        let notice = Notices.text(query["done"])
        let body = BotPage.render(bot, tab: tab, role: role, content: content, csrf: context.csrfToken)
        return htmlResponse(Layout(title: "\(bot.name): \(tab.title)", user: context.user, csrf: context.csrfToken,
                                   events: "/events?bot=\(urlPart(bot.name))", notice: notice).render(body))
    }

    func configView(_ bot: BotSnapshot, snapshot: FleetSnapshot) async -> BotPage.ConfigView {
        let root = services.config.root
        let source = await services.store.manifestSource()
        let keyFiles = services.config.keyFiles
        let manifest = snapshot.manifest(bot.name)
        let manifestText = manifest.flatMap { snapshot.manifests?.texts[$0.origin.file] }
        let ports = snapshot.state.bots.mapValues(\.port)
        return await Blocking.run {
            let paths = BotPaths(root: root, name: bot.name)
            let disk = HostFiles.read(paths.config).map { String(decoding: $0, as: UTF8.self) }
            var view = BotPage.ConfigView(
                manifestFile: manifest?.origin.file, manifestText: manifestText, diskText: disk,
                appliedHash: bot.state.applied?.configHash ?? bot.state.configHash,
                diskHash: Observer.readConfig(paths.config)?.hash,
                fingerprints: bot.state.applied?.secretFingerprints ?? [:])
            do {
                let keys = try FleetSession.secretKeys(for: source, keyFiles: keyFiles)
                let set = try FleetSession.load(source, keys: keys)
                guard let m = set.bot(named: bot.name) else {
                    view.renderError = "the bot is not in the manifests at \(source.ref)"
                    return view
                }
                let host = HostSettings(fleet: set.fleet, stateRootFlag: root)
                let rendered = try FleetSession.render(m, in: set, host: host, source: source, previous: ports)
                view.renderedText = rendered.fileText
                view.renderedHash = rendered.configHash
            } catch {
                view.renderError = "\(error)"
            }
            return view
        }
    }

    /// One session's messages: operators only (the Sessions tab never shows message text).
    func session(_ context: ConsoleContext) async throws -> Response {
        guard let (_, bot, role, policy) = try await lookup(context) else { return notFound(context) }
        guard role >= .operator else {
            return htmlResponse(ErrorPage.forbidden(action: "read a session's messages", bot: bot.name, policy: policy, role: role, needed: .operator, csrf: context.csrfToken), status: .forbidden)
        }
        let id = try context.parameters.require("session")
        let paths = BotPaths(root: services.config.root, name: bot.name)
        guard let messages = await Blocking.run({ SessionTranscript.messages(paths, id: id) }) else {
            return htmlResponse(ErrorPage.render(title: "No such session", status: 404, message: "Bot '\(bot.name)' has no session '\(id)' on disk.", user: context.user, csrf: context.csrfToken), status: .notFound)
        }
        context.logger.notice("session opened", metadata: ["user": .string(context.user ?? ""), "bot": .string(bot.name), "session": .string(id)])
        return htmlResponse(Layout(title: "\(bot.name): session", user: context.user, csrf: context.csrfToken).render(SessionTranscript.render(bot, id: id, messages: messages)))
    }

    func download(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (_, bot, _, _) = try await lookup(context) else { return notFound(context) }
        let path = BotPaths(root: services.config.root, name: bot.name).logFile
        let bytes = await Blocking.run { HostFiles.read(path) ?? [] }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(bot.name).log\""
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Test connection: FleetCore's `fleet check` for one channel account; nothing is stored.
    func check(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (_, bot, role, policy) = try await lookup(context) else { return notFound(context) }
        guard role >= .operator else {
            return htmlResponse(ErrorPage.forbidden(action: "test a channel's connection", bot: bot.name, policy: policy, role: role, needed: .operator, csrf: context.csrfToken), status: .forbidden)
        }
        let channel = context.form["channel"] ?? ""
        let account = context.form["account"] ?? ""
        let source = await services.store.manifestSource()
        let keyFiles = services.config.keyFiles
        let result = await Blocking.run { () -> CheckOutcome in
            let set: ManifestSet
            do {
                set = try FleetSession.load(source, keys: try FleetSession.secretKeys(for: source, keyFiles: keyFiles))
            } catch {
                return CheckOutcome(channel: channel, accountId: account, ok: false, status: "error", message: "the manifests cannot be read: \(error)", identity: nil)
            }
            guard let manifest = set.bot(named: bot.name), let spec = manifest.channels.first(where: { $0.type == channel && $0.accountId == account }) else {
                return CheckOutcome(channel: channel, accountId: account, ok: false, status: "error", message: "no such channel account in the manifest", identity: nil)
            }
            let secrets = set.secrets
            let checker = ChannelChecker(opener: { b, field, raw in try secrets.open(bot: b, field: field, raw: raw) })
            let r = checker.check(manifest, spec)
            return CheckOutcome(channel: r.channel, accountId: r.accountId, ok: r.status == .ok, status: r.status.rawValue, message: r.message, identity: r.identity)
        }
        return try await page(request, context, tab: .channels, checks: [result])
    }
}

/// The last lines of a bot's log, filtered by level and text.
enum LogTail {
    static func entries(_ paths: BotPaths, level: String, text: String, limit: Int) -> [LogEntry] {
        let minimum = LogLevelName.parse(level) ?? 0
        let all = LogFollower(path: paths.logFile).backlog(maxBytes: 1 << 20)
            .compactMap { OpenClawLog.parse(Substring($0), bot: paths.name) }
        return Array(all.filter { matches($0, minimum: minimum, text: text) }.suffix(limit))
    }

    static func matches(_ e: LogEntry, minimum: Int, text: String) -> Bool {
        e.rank >= minimum && (text.isEmpty || e.message.lowercased().contains(text.lowercased()))
    }
}

/// What Test connection found (shown once, stored nowhere).
struct CheckOutcome: Sendable {
    var channel: String
    var accountId: String
    var ok: Bool
    var status: String
    var message: String
    var identity: String?
}
