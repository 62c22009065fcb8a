import FleetCore
import FleetGit
import FoundationEssentials
import Hummingbird
import OpenClawConfig

/// Changing an existing bot: the edit form (the wizard's fields), the YAML tab, enable/disable,
/// suspend/resume, delete (typed confirmation; its data is kept), rotate a credential, roll back.
/// Each builds a change of the manifest at the branch's current commit with the shared writers
/// (``ManifestEditor``, ``SecretFileEditor``), then goes through the review page.
struct EditController {
    let services: ConsoleServices
    var flow: ChangeFlow { ChangeFlow(services: services) }

    func register(on router: Router<ConsoleContext>) {
        router.get("/bots/:name/edit") { request, context in await self.editForm(context) }
        router.post("/bots/:name/edit") { request, context in await self.edit(context) }
        router.get("/bots/:name/yaml") { request, context in await self.yamlForm(context) }
        router.post("/bots/:name/yaml") { request, context in await self.yaml(context) }
        router.post("/bots/:name/lifecycle") { request, context in await self.lifecycle(context) }
        router.get("/bots/:name/delete") { request, context in await self.deleteForm(context) }
        router.post("/bots/:name/delete") { request, context in await self.delete(context) }
        router.get("/bots/:name/rotate") { request, context in await self.rotateForm(context) }
        router.post("/bots/:name/rotate") { request, context in await self.rotate(context) }
        router.post("/bots/:name/rollback") { request, context in await self.rollback(context) }
    }

    /// The bot as the branch has it now, and what the user may do with it.
    struct Target: Sendable {
        var start: ChangeFlow.Start
        var tip: GitCommitInfo
        var bot: BotManifest
        var file: String
        var text: String
        /// Why the user sees the forms read-only, nil for an admin of this bot.
        var readOnly: String?
    }

    enum Lookup {
        case found(Target)
        case page(Response)

        /// The page to answer when there is no target.
        var response: Response {
            if case .page(let r) = self { return r }
            return htmlResponse("", status: .internalServerError)
        }
    }

    func target(_ context: ConsoleContext) async -> Lookup {
        let name = context.parameters.get("name") ?? ""
        let start = await flow.start(context)
        let notFound = htmlResponse(ErrorPage.render(title: "No such bot", status: 404, message: "There is no bot '\(name)' that you may see.", user: context.user, csrf: context.csrfToken), status: .notFound)
        guard let tip = start.tip else {
            if let bot = start.snapshot.bots[name], start.policy.role(forLabels: bot.labels) != nil {
                return .page(htmlResponse(ErrorPage.render(title: "Cannot change manifests here", status: 409, message: start.notWritable ?? "", user: context.user, csrf: context.csrfToken), status: .conflict))
            }
            return .page(notFound)
        }
        guard case .success(let files) = await services.git.files(at: tip.id, under: start.upstream.path) else { return .page(notFound) }
        let snapshot = SourceSnapshot(commit: tip, files: files.keys.sorted().map { SourceFile(path: $0, bytes: Array((files[$0] ?? "").utf8)) },
                                      diagnostics: [], source: ManifestSource(repository: services.git.directory, ref: tip.id, path: start.upstream.path))
        let set = await Blocking.run { ManifestLoader.load(snapshot) }
        guard let bot = set.bot(named: name), start.policy.role(forLabels: bot.labels) != nil, let text = files[bot.origin.file] else { return .page(notFound) }
        return .found(Target(start: start, tip: tip, bot: bot, file: bot.origin.file, text: text,
                             readOnly: ChangeFlow.refusal(start.policy, labels: bot.labels, bot: name)))
    }

    func page(_ title: String, _ bot: String, _ body: String, _ context: ConsoleContext) -> Response {
        let main = "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Dashboard</a> › <a href=\"/bots/\(urlPart(bot))\">\(esc(bot))</a> › <span aria-current=\"page\">\(esc(title))</span></nav><h1>\(esc(title))</h1>" + body
        return htmlResponse(Layout(title: title, user: context.user, csrf: context.csrfToken).render(main))
    }

    func formStart(_ action: String, _ target: Target, _ context: ConsoleContext) -> String {
        "<form method=\"post\" action=\"\(esc(action))\" class=\"edit\"><input type=\"hidden\" name=\"csrf\" value=\"\(esc(context.csrfToken))\">" + FormFields.hidden("base", target.tip.id)
    }

    func submit(_ label: String, _ target: Target) -> String {
        target.readOnly == nil ? "<p class=\"buttons\"><button type=\"submit\">\(esc(label))</button> <a href=\"/bots/\(urlPart(target.bot.name))\">Cancel</a></p>" : ""
    }

    func refused(_ target: Target, _ context: ConsoleContext) -> Response? {
        target.readOnly.map { flow.forbidden($0, context, policy: target.start.policy) }
    }

    /// The base a form was made on (kept, so a change made on a stale form is detected).
    func base(_ context: ConsoleContext, _ target: Target) -> String {
        let b = context.form["base"] ?? ""
        return b.isEmpty ? target.tip.id : b
    }

    // MARK: the edit form

    func editForm(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        let b = t.bot
        let f = FormFields(readOnly: t.readOnly != nil)
        var body = t.readOnly.map(ChangeViews.readOnlyReason) ?? ""
        body += "<p><a href=\"/bots/\(urlPart(b.name))/yaml\">YAML</a> · <a href=\"/bots/\(urlPart(b.name))/rotate\">Rotate a credential</a> · <a href=\"/bots/\(urlPart(b.name))/delete\">Delete…</a></p>"
        body += formStart("/bots/\(urlPart(b.name))/edit", t, context)
        body += "<h2>Basics</h2>" + f.text("displayName", "Display name", value: b.displayName ?? "")
        body += f.text("model", "Model (provider/model)", value: b.model ?? "", help: "Offered: " + NewBot.modelChoices.map { "\($0.id) — \($0.description)" }.joined(separator: "; ") + ". Empty: the Fleet's default.")
        body += f.textarea("systemPrompt", "System prompt", value: b.systemPrompt ?? "", help: "Never paste a token or key here.")
        body += f.text("labels", "Labels", value: BotFormText.labelsText(b.labels), help: "key=value, separated by commas; removing a label is done in the YAML tab.")
        body += "<h2>Channels and access control</h2>"
        for c in b.channels {
            body += "<fieldset class=\"channel\"><legend>\(esc(c.key))</legend>"
            body += f.radios("dmPolicy.\(c.index)", "Who may message the bot directly (DM policy)", options: NewBot.dmPolicies.map { (value: $0.name, label: $0.name, help: $0.explanation) }, selected: c.dmPolicy ?? "pairing")
            body += f.textarea("allowFrom.\(c.index)", "Allowed sender ids", value: (c.allowFrom ?? []).joined(separator: "\n"), rows: 3)
            body += f.radios("groupPolicy.\(c.index)", "Groups (group policy)", options: BotFormText.groupPolicies, selected: c.groupPolicy ?? "allowlist")
            body += "</fieldset>"
        }
        body += "<details><summary>Advanced settings</summary>"
        body += f.radios("sessionScope", "Conversations (session scope)", options: BotFormText.sessionScopes, selected: b.session?.scope ?? "")
        body += f.checkbox("bash", "Shell commands (bash)", checked: b.tools?.bash ?? false, help: "Warning: " + BotFormText.bashWarning)
        body += f.checkbox("browser", "Browser", checked: b.tools?.browser ?? false, help: "Warning: " + BotFormText.browserWarning)
        let port: String
        if case .fixed(let p) = b.gateway.port { port = String(p) } else { port = "" }
        body += f.text("port", "Gateway port", value: port, help: "Empty: allocated by fleet.")
        body += f.select("bind", "Listen on (bind)", options: ManifestSchemas.binds.map { ($0, $0) }, selected: b.gateway.bind)
        body += "</details>" + submit("Review the change", t) + "</form>"
        return page("Edit \(b.name)", b.name, body, context)
    }

    func edit(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        if let refused = refused(t, context) { return refused }
        let form = context.form, b = t.bot
        var editor: ManifestEditor
        var changed: [String] = []
        do {
            editor = try ManifestEditor(text: t.text, file: t.file)
            func set(_ path: [String], _ value: ManifestValue, _ what: String) throws(SecretEditError) {
                try editor.set(bot: b.name, path: path, value: value)
                if !changed.contains(what) { changed.append(what) }
            }
            func text(_ key: String) -> String? { form[key].map { $0.replacing("\r\n", with: "\n") } }
            if let v = text("displayName")?.trimmed, v != (b.displayName ?? ""), !v.isEmpty { try set(["spec", "displayName"], .string(v), "displayName") }
            if let v = text("model")?.trimmed, v != (b.model ?? ""), !v.isEmpty { try set(["spec", "model"], .string(v), "model") }
            if var v = text("systemPrompt"), v.trimmed != (b.systemPrompt ?? "").trimmed, !v.trimmed.isEmpty {
                if !v.hasSuffix("\n") { v += "\n" }
                try set(["spec", "systemPrompt"], .string(v), "systemPrompt")
            }
            if let v = text("labels") {
                let parsed = BotFormText.labels(v)
                if let problem = parsed.problem { return flow.failure(.refused("Labels: \(problem)."), context) }
                for key in b.labels.keys where parsed.labels[key] == nil {
                    return flow.failure(.refused("Label \(key) was removed: remove labels in the YAML tab."), context)
                }
                for key in parsed.labels.keys.sorted() where parsed.labels[key] != b.labels[key] {
                    try set(["metadata", "labels", key], .string(parsed.labels[key] ?? ""), "labels")
                }
            }
            for c in b.channels {
                let i = String(c.index)
                if let v = form["dmPolicy.\(i)"], v != (c.dmPolicy ?? "pairing") { try set(["spec", "channels", i, "dmPolicy"], .string(v), "\(c.key) dmPolicy") }
                if let v = text("allowFrom.\(i)") {
                    let ids = BotFormText.list(v)
                    let problems = BotFormText.allowListProblems(ids, channel: c.type)
                    if !problems.isEmpty { return flow.failure(.refused("Allowed senders of \(c.key): " + problems.joined(separator: "; ")), context) }
                    if ids != (c.allowFrom ?? []) { try set(["spec", "channels", i, "allowFrom"], .strings(ids), "\(c.key) allowFrom") }
                }
                if let v = form["groupPolicy.\(i)"], v != (c.groupPolicy ?? "allowlist") { try set(["spec", "channels", i, "groupPolicy"], .string(v), "\(c.key) groupPolicy") }
            }
            if let v = form["sessionScope"], !v.isEmpty, v != (b.session?.scope ?? "") { try set(["spec", "session", "scope"], .string(v), "session") }
            let bash = form["bash"] == "yes", browser = form["browser"] == "yes"
            if bash != (b.tools?.bash ?? false) { try set(["spec", "tools", "bash"], .bool(bash), "tools") }
            if browser != (b.tools?.browser ?? false) { try set(["spec", "tools", "browser"], .bool(browser), "tools") }
            let portText = (form["port"] ?? "").trimmed
            var current: String = ""
            if case .fixed(let p) = b.gateway.port { current = String(p) }
            if portText != current {
                if portText.isEmpty || portText == "auto" { try set(["spec", "gateway", "port"], .string("auto"), "port") }
                else if let p = Int(portText) { try set(["spec", "gateway", "port"], .int(p), "port") }
                else { return flow.failure(.refused("The port must be a number, or empty for auto."), context) }
            }
            if let v = form["bind"], v != b.gateway.bind { try set(["spec", "gateway", "bind"], .string(v), "bind") }
        } catch {
            return flow.failure(.refused("\(error.message)\(error.fix.map { " (\($0))" } ?? "")"), context)
        }
        guard !changed.isEmpty else { return redirect(to: "/bots/\(urlPart(b.name))/edit") }
        let change = ManifestChange(title: "Edit bot \(b.name): \(changed.joined(separator: ", "))", slug: "edit-\(b.name)", base: base(context, t),
                                    files: [t.file: editor.text], bot: b.name, returnTo: "/bots/\(urlPart(b.name))/edit")
        return await flow.review(change, context)
    }

    // MARK: YAML

    func yamlForm(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        var body = t.readOnly.map(ChangeViews.readOnlyReason) ?? ""
        body += formStart("/bots/\(urlPart(t.bot.name))/yaml", t, context)
        body += "<div class=\"yaml-editor\"><div><label for=\"f-text\"><code>\(esc(t.file))</code></label>"
        body += "<textarea id=\"f-text\" name=\"text\" rows=\"30\" spellcheck=\"false\" class=\"code\"\(t.readOnly == nil ? "" : " readonly") aria-describedby=\"schema-ref\">\(esc(t.text))</textarea></div>"
        body += "<aside id=\"schema-ref\" aria-label=\"Fields of a Bot manifest\"><h2>Fields (schemas/bot.schema.json)</h2><dl class=\"schema\">" + Self.schemaReference(ManifestSchemas.bot, prefix: "") + "</dl></aside></div>"
        body += submit("Check and review", t) + "</form>"
        return page("\(t.bot.name): YAML", t.bot.name, body, context)
    }

    /// The schema's fields with their descriptions: what an editor would complete.
    static func schemaReference(_ schema: ObjectSchema, prefix: String) -> String {
        var out = ""
        for field in schema.fields {
            let path = prefix.isEmpty ? field.name : prefix + "." + field.name
            out += "<dt><code>\(esc(path))</code>\(field.required ? " (required)" : "")</dt><dd>\(esc(field.description))\(field.defaultValue.map { " Default: \(esc($0))." } ?? "")</dd>"
            switch field.schema {
            case .object(let inner): out += schemaReference(inner, prefix: path)
            case .array(.object(let inner)): out += schemaReference(inner, prefix: path + "[]")
            default: break
            }
        }
        return out
    }

    func yaml(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        if let refused = refused(t, context) { return refused }
        var text = (context.form["text"] ?? "").replacing("\r\n", with: "\n")
        if !text.hasSuffix("\n") { text += "\n" }
        guard text != t.text else { return redirect(to: "/bots/\(urlPart(t.bot.name))/yaml") }
        let change = ManifestChange(title: "Edit bot \(t.bot.name) (YAML)", slug: "edit-\(t.bot.name)", base: base(context, t),
                                    files: [t.file: text], bot: t.bot.name, returnTo: "/bots/\(urlPart(t.bot.name))/yaml")
        return await flow.review(change, context)
    }

    // MARK: enable, disable, suspend, resume

    func lifecycle(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        if let refused = refused(t, context) { return refused }
        let action = context.form["action"] ?? ""
        let (path, value, title): ([String], Bool, String)
        switch action {
        case "enable": (path, value, title) = (["spec", "enabled"], true, "Enable bot \(t.bot.name)")
        case "disable": (path, value, title) = (["spec", "enabled"], false, "Disable bot \(t.bot.name) (its gateway stops; data kept)")
        case "suspend": (path, value, title) = (["spec", "suspend"], true, "Suspend bot \(t.bot.name) (fleet leaves its gateway alone)")
        case "resume": (path, value, title) = (["spec", "suspend"], false, "Resume bot \(t.bot.name)")
        default: return flow.failure(.refused("Unknown action '\(action)'."), context)
        }
        do {
            var editor = try ManifestEditor(text: t.text, file: t.file)
            try editor.set(bot: t.bot.name, path: path, value: .bool(value))
            let change = ManifestChange(title: title, slug: "\(action)-\(t.bot.name)", base: base(context, t), files: [t.file: editor.text],
                                        bot: t.bot.name, returnTo: "/bots/\(urlPart(t.bot.name))")
            return await flow.review(change, context)
        } catch {
            return flow.failure(.refused(error.message), context)
        }
    }

    // MARK: delete

    func deleteForm(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        var body = t.readOnly.map(ChangeViews.readOnlyReason) ?? ""
        body += "<p>Deleting removes <code>\(esc(t.file))</code> from git. fleet then stops the gateway and keeps its data (sessions, credentials, logs) under the state root, as <code>fleet destroy</code> does; a roll back brings the bot back.</p>"
        body += formStart("/bots/\(urlPart(t.bot.name))/delete", t, context)
        body += FormFields(readOnly: t.readOnly != nil).text("confirm", "Type the bot's name, \(t.bot.name), to confirm", value: "", extra: " autocomplete=\"off\"")
        body += t.readOnly == nil ? "<p class=\"buttons\"><button type=\"submit\" class=\"danger\">Review the deletion</button> <a href=\"/bots/\(urlPart(t.bot.name))\">Cancel</a></p>" : ""
        body += "</form>"
        return page("Delete \(t.bot.name)?", t.bot.name, body, context)
    }

    func delete(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        if let refused = refused(t, context) { return refused }
        guard context.form["confirm"]?.trimmed == t.bot.name else {
            return flow.failure(.refused("The confirmation did not match the bot's name '\(t.bot.name)'; nothing was changed."), context)
        }
        let others = (try? ManifestEditor(text: t.text, file: t.file))?.botNames.filter { $0 != t.bot.name } ?? []
        guard others.isEmpty, !t.text.contains("kind: Fleet") else {
            return flow.failure(.refused("\(t.file) holds more than this bot; remove its document in the YAML tab."), context)
        }
        let change = ManifestChange(title: "Delete bot \(t.bot.name) (its data is kept)", slug: "delete-\(t.bot.name)", base: base(context, t),
                                    files: [t.file: nil], bot: t.bot.name, returnTo: "/bots/\(urlPart(t.bot.name))")
        return await flow.review(change, context)
    }

    // MARK: rotate a credential

    /// The credential fields of the bot: each channel's token fields and its provider keys.
    static func credentialFields(_ b: BotManifest) -> [String] {
        var out: [String] = []
        for c in b.channels {
            var keys = Set(c.credentials.keys)
            if let k = NewBot.tokenKey(c.type) { keys.insert(k) }
            if c.type == "slack" { keys.insert("appToken") }
            out += keys.sorted().map { "channels.\(c.type).\(c.accountId).\($0)" }
        }
        let providers = Set(b.providers.keys).union(b.model.flatMap { ModelProviders.providerId(ofModel: $0) }.map { [$0] } ?? [])
        out += providers.sorted().map { "providers.\($0).apiKey" }
        return out
    }

    func rotateForm(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        let f = FormFields(readOnly: t.readOnly != nil)
        var body = t.readOnly.map(ChangeViews.readOnlyReason) ?? ""
        body += "<p>The new value is encrypted with the fleet's key before anything is written, exactly as <code>fleet secrets set \(esc(t.bot.name)) FIELD</code> does; it is never shown again.</p>"
        body += formStart("/bots/\(urlPart(t.bot.name))/rotate", t, context)
        body += f.select("field", "Credential", options: Self.credentialFields(t.bot).map { ($0, $0) }, selected: "")
        body += f.text("value", "New value", value: "", type: "password", extra: " autocomplete=\"off\"")
        body += submit("Review the change", t) + "</form>"
        return page("Rotate a credential of \(t.bot.name)", t.bot.name, body, context)
    }

    func rotate(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        if let refused = refused(t, context) { return refused }
        let field = context.form["field"] ?? ""
        let value = (context.form["value"] ?? "").trimmed
        guard Self.credentialFields(t.bot).contains(field) else { return flow.failure(.refused("'\(field)' is not a credential of \(t.bot.name)."), context) }
        guard !value.isEmpty else { return flow.failure(.refused("The new value is empty; nothing was changed."), context) }
        do {
            let opener = SecretOpener(keys: try FleetSession.secretKeys(for: services.config.source, keyFiles: services.config.keyFiles))
            let sealed = try opener.seal(value, bot: t.bot.name, field: field)
            var editor = try SecretFileEditor(text: t.text, file: t.file)
            try editor.set(bot: t.bot.name, field: field, value: sealed)
            let change = ManifestChange(title: "Rotate \(field) of bot \(t.bot.name)", slug: "rotate-\(t.bot.name)", base: base(context, t),
                                        files: [t.file: editor.text], bot: t.bot.name, returnTo: "/bots/\(urlPart(t.bot.name))/rotate")
            return await flow.review(change, context)
        } catch let error as SecretEditError {
            return flow.failure(.refused(error.description), context)
        } catch {
            return flow.failure(.failed("the value could not be encrypted: \(error)"), context)
        }
    }

    // MARK: roll back

    /// A new commit that restores the bot's manifest file as it was at an earlier commit.
    func rollback(_ context: ConsoleContext) async -> Response {
        let lookup = await target(context)
        guard case .found(let t) = lookup else { return lookup.response }
        if let refused = refused(t, context) { return refused }
        guard let commit = context.form["commit"], !commit.isEmpty else { return flow.failure(.refused("No commit was named."), context) }
        guard case .success(let then) = await services.git.files(at: commit, under: t.start.upstream.path) else {
            return flow.failure(.refused("Commit \(commit.prefix(12)) cannot be read in the branch's history."), context)
        }
        let old = then[t.file]
        guard old != t.text else { return flow.failure(.refused("\(t.file) is already as it was at \(commit.prefix(12))."), context) }
        let short = String(commit.prefix(7))
        let change = ManifestChange(title: "Roll bot \(t.bot.name) back to \(short)", slug: "rollback-\(t.bot.name)-\(short)", base: t.tip.id,
                                    files: [t.file: old], bot: t.bot.name, returnTo: "/bots/\(urlPart(t.bot.name))/history")
        return await flow.review(change, context)
    }
}
