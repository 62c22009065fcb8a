import FleetCore
import FleetGit
import FoundationEssentials
import Hummingbird
import OpenClawConfig

/// `/bots/new`: the setup wizard, five pages that work without JavaScript (basics, channel,
/// access control, advanced, review). Every page's values go through `fleet new bot`'s writer and
/// `fleet validate`'s checks before the next page; the review shows the manifest, every
/// diagnostic at its field, and `fleet plan`'s plan, then commits (or saves a draft branch).
struct WizardController {
    let services: ConsoleServices
    var flow: ChangeFlow { ChangeFlow(services: services) }

    enum Step: String, CaseIterable {
        case basics = "1", key = "1k", channel = "2", access = "3", advanced = "4", review = "5"

        var title: String {
            switch self {
            case .basics: return "Basics"
            case .key: return "Model provider key"
            case .channel: return "Channel"
            case .access: return "Access control"
            case .advanced: return "Advanced"
            case .review: return "Review"
            }
        }

        var number: Int {
            switch self {
            case .basics, .key: return 1
            case .channel: return 2
            case .access: return 3
            case .advanced: return 4
            case .review: return 5
            }
        }

        /// The form fields each page has as controls.
        var fields: [String] {
            switch self {
            case .basics: return ["displayName", "name", "systemPrompt", "model", "labels", "avatar"]
            case .key: return ["providerKey"]
            case .channel: return ["channel", "token"]
            case .access: return ["dmPolicy", "allowFrom", "groupPolicy"]
            case .advanced: return ["sessionScope", "resetMode", "resetAtHour", "bash", "browser", "port", "bind"]
            case .review: return []
            }
        }
    }

    /// Form fields and the YAML paths of the manifest they write.
    static let paths: [String: String] = [
        "displayName": "spec.displayName", "name": "metadata.name", "systemPrompt": "spec.systemPrompt", "model": "spec.model",
        "labels": "metadata.labels", "avatar": "spec.avatar", "providerKey": "spec.providers", "channel": "spec.channels.0", "token": "spec.channels.0.credentials",
        "dmPolicy": "spec.channels.0.dmPolicy", "allowFrom": "spec.channels.0.allowFrom", "groupPolicy": "spec.channels.0.groupPolicy",
        "sessionScope": "spec.session", "bash": "spec.tools.bash", "browser": "spec.tools.browser", "port": "spec.gateway.port", "bind": "spec.gateway.bind",
    ]

    func register(on router: Router<ConsoleContext>) {
        router.get("/bots/new") { request, context in await self.begin(context) }
        router.post("/bots/new") { request, context in await self.step(context) }
    }

    /// The first page (read-only, with the reason, for anyone but an admin).
    func begin(_ context: ConsoleContext) async -> Response {
        let start = await flow.start(context)
        var state = WizardState()
        state.base = start.tip?.id ?? ""
        state.labels = Self.suggestedLabels(start.policy)
        let readOnly = Self.readOnlyReason(start)
        return page(.basics, state: state, fields: FormFields(readOnly: readOnly != nil), context: context, start: start, readOnly: readOnly)
    }

    static func readOnlyReason(_ start: ChangeFlow.Start) -> String? {
        if let reason = start.notWritable { return "nothing can be committed from here: \(reason)." }
        guard start.policy.isListed, start.policy.rulesAllowAdmin else {
            let has = start.policy.summaries.isEmpty ? "spec.access does not name you" : "your access: " + start.policy.summaries.joined(separator: "; ")
            return "only admins create bots (\(has)). Roles are granted in git, in spec.access of the Fleet manifest."
        }
        return nil
    }

    /// Labels that satisfy the user's admin rule when it is one `key=value`.
    static func suggestedLabels(_ policy: AccessPolicy) -> String {
        guard policy.fleetWideRole != .admin, let selector = policy.adminSelectors.first,
              selector.split(separator: ",").count == 1, selector.contains("="), !selector.contains("!") else { return "" }
        return selector.replacing(" ", with: "")
    }

    /// A page was submitted: take its values, check them, and show the next page (or this one
    /// again with the problems at their fields).
    func step(_ context: ConsoleContext) async -> Response {
        let form = context.form
        let current = Step(rawValue: form["step"] ?? "") ?? .basics
        var state = WizardState(form: form)
        let start = await flow.start(context)
        if let readOnly = Self.readOnlyReason(start) {
            return flow.forbidden("\(context.user ?? "") may not create bots: \(readOnly)", context, policy: start.policy)
        }
        if state.base.isEmpty { state.base = start.tip?.id ?? "" }
        let opener: SecretOpener
        do {
            opener = SecretOpener(keys: try FleetSession.secretKeys(for: services.config.source, keyFiles: services.config.keyFiles))
        } catch {
            return flow.failure(.failed("the fleet's keys cannot be loaded, so no credential can be encrypted: \(error)"), context)
        }
        guard opener.keys.primary != nil else {
            return flow.failure(.failed("no encryption key is loaded (fleet serve --key-file, or FLEET_KEY_FILE), so no credential can be encrypted."), context)
        }
        var notes: [String: [String]] = [:]
        // Typed credentials are sealed at once; only their envelopes go on.
        do throws(SecretError) {
            if let field = state.tokenField, let token = form["token"]?.trimmed, !token.isEmpty {
                try state.seal(token, field: field, opener: opener, into: \.tokenEnc, binding: \.tokenFor)
            }
            if state.channel == "slack", let app = form["appToken"]?.trimmed, !app.isEmpty {
                try state.seal(app, field: "channels.slack.default.appToken", opener: opener, into: \.appTokenEnc, binding: \.appTokenFor)
            }
            if let provider = state.provider, let key = form["providerKey"]?.trimmed, !key.isEmpty {
                try state.seal(key, field: "providers.\(provider.id).apiKey", opener: opener, into: \.providerKeyEnc, binding: \.providerKeyFor)
            }
        } catch {
            return flow.failure(.failed("a credential could not be encrypted: \(error)"), context)
        }
        state.reseal(opener: opener)
        var avatarProblem: String?
        if let upload = context.uploads["avatar"] {
            if upload.data.count > AvatarImage.maxBytes {
                avatarProblem = "the image is \(upload.data.count / 1024) KiB; at most \(AvatarImage.maxBytes / 1024) KiB"
            } else if let kind = AvatarImage.kind(upload.data) {
                state.avatarData = Data(upload.data).base64EncodedString()
                state.avatarExt = kind
            } else {
                avatarProblem = "'\(upload.filename)' is not a PNG, JPEG, WebP or GIF image"
            }
        }
        if form["removeAvatar"] == "yes" { state.avatarData = ""; state.avatarExt = "" }
        let go = form["go"] ?? "next"
        if go == "back" { return page(previous(current, state: state, start: start), state: state, fields: FormFields(), context: context, start: start) }
        if go == "skipKey" { state.skipKey = true }

        // The manifest as it stands, through the same checks as fleet validate.
        guard let tip = start.tip else { return flow.failure(.failed(start.notWritable ?? "no commit"), context) }
        let file = NewBot.file(for: state.slug, path: start.upstream.path) ?? "\(start.upstream.path)/bots/_invalid-name_.yaml"
        let text: String
        do {
            text = try state.manifest(path: start.upstream.path)
        } catch {
            return flow.failure(.failed("the manifest could not be written: \(error)"), context)
        }
        var change = ManifestChange(title: "Add bot \(state.slug) (\(state.channel))", slug: "add-\(state.slug)", base: state.base.isEmpty ? tip.id : state.base,
                                    files: [file: text], bot: state.slug, returnTo: "/bots/new")
        if let path = state.avatarPath(under: start.upstream.path), let data = state.avatar { change.binaries[path] = data }
        let preview: ChangePreview
        switch await ChangePreviewer.preview(change, services: services, upstream: start.upstream, plan: current == .advanced || current == .review) {
        case .failure(let f): return flow.failure(f, context)
        case .success(let p): preview = p
        }
        // What the validator cannot know: a file of that name, the user's selector, ids.
        if preview.before[file] != nil { notes["name", default: []].append("\(file) exists already: pick another name") }
        let labels = BotFormText.labels(state.labels)
        if let problem = labels.problem { notes["labels", default: []].append(problem) }
        if start.policy.role(forLabels: labels.labels) != .admin {
            notes["labels", default: []].append("your access (\(start.policy.summaries.joined(separator: "; "))) does not cover a bot with these labels: give it labels your admin rule matches")
        }
        notes["allowFrom", default: []] += BotFormText.allowListProblems(BotFormText.list(state.allowFrom), channel: state.channel)
        if let avatarProblem { notes["avatar", default: []].append(avatarProblem) }
        if let path = state.avatarPath(under: start.upstream.path), await services.git.exists(path, at: change.base) {
            notes["avatar", default: []].append("\(path) exists already: pick another name, or remove the file first")
        }
        if !state.port.isEmpty, state.port != "auto", Int(state.port) == nil { notes["port", default: []].append("write a port number, or leave it empty for auto") }
        notes = notes.filter { !$0.value.isEmpty }
        let byField = FieldLocator.byField(preview.diagnostics, file: file, text: text, fields: Array(Self.paths.values))
        var problems: [String: [Diagnostic]] = [:]
        for (field, path) in Self.paths { if let list = byField[path] { problems[field] = list } }
        problems[""] = byField[""]
        var fields = FormFields(problems: problems, notes: notes)

        if go == "test", current == .channel {
            let result = await testConnection(preview, bot: state.slug)
            return page(.channel, state: state, fields: fields, context: context, start: start, check: result)
        }
        // Errors at this page's fields keep the user here.
        let mine = Set(current.fields)
        let blocking = mine.contains { field in
            (problems[field] ?? []).contains { $0.severity == .error } || notes[field]?.isEmpty == false
        }
        if blocking, current != .review { return page(current, state: state, fields: fields, context: context, start: start) }
        let next = self.next(current, state: state, preview: preview, start: start)
        if next == .review {
            // The review plans (the same planner as fleet plan) when nothing is wrong.
            var reviewed = preview
            if preview.plan == nil, preview.errors.isEmpty, notes.isEmpty,
               case .success(let planned) = await ChangePreviewer.preview(change, services: services, upstream: start.upstream) {
                reviewed = planned
            }
            fields.readOnly = true
            return review(state, preview: reviewed, fields: fields, notes: notes, file: file, text: text, context: context, start: start)
        }
        return page(next, state: state, fields: FormFields(problems: problems.filter { next.fields.contains($0.key) }, notes: [:]), context: context, start: start)
    }

    func needsKey(_ state: WizardState, start: ChangeFlow.Start, preview: ChangePreview?) -> Bool {
        guard let provider = state.provider, state.providerKeyEnc.isEmpty, !state.skipKey else { return false }
        let fleet = preview?.afterSet.fleet ?? start.snapshot.manifests?.fleet
        return fleet?.providerKeys[provider.id] == nil
    }

    func next(_ step: Step, state: WizardState, preview: ChangePreview, start: ChangeFlow.Start) -> Step {
        switch step {
        case .basics: return needsKey(state, start: start, preview: preview) ? .key : .channel
        case .key: return .channel
        case .channel: return .access
        case .access: return .advanced
        case .advanced, .review: return .review
        }
    }

    func previous(_ step: Step, state: WizardState, start: ChangeFlow.Start) -> Step {
        switch step {
        case .basics, .key: return .basics
        case .channel: return .basics
        case .access: return .channel
        case .advanced: return .access
        case .review: return .advanced
        }
    }

    /// Test connection: `fleet check` for the typed token (sealed in the manifest being made);
    /// nothing is stored.
    func testConnection(_ preview: ChangePreview, bot: String) async -> CheckOutcome? {
        guard let manifest = preview.afterSet.bot(named: bot), let spec = manifest.channels.first else { return nil }
        let secrets = preview.afterSet.secrets
        let endpoints = services.config.checkEndpoints
        return await Blocking.run {
            let checker = ChannelChecker(endpoints: endpoints, opener: { b, field, raw in try secrets.open(bot: b, field: field, raw: raw) })
            let r = checker.check(manifest, spec)
            return CheckOutcome(channel: r.channel, accountId: r.accountId, ok: r.status == .ok, status: r.status.rawValue, message: r.message, identity: r.identity)
        }
    }

    // MARK: pages

    func frame(_ step: Step, _ body: String, state: WizardState, fields: FormFields, context: ConsoleContext, readOnly: String?) -> Response {
        var main = "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Dashboard</a> › <span aria-current=\"page\">New bot</span></nav>"
        main += "<h1>New bot: \(esc(step.title))</h1><ol class=\"steps\" aria-label=\"Steps\">"
        for s in Step.allCases where s != .key {
            main += "<li\(s.number == step.number ? " aria-current=\"step\"" : "")>\(s.number). \(esc(s.title))</li>"
        }
        main += "</ol>"
        if let readOnly { main += ChangeViews.readOnlyReason(readOnly) }
        if let general = fields.problems[""], !general.isEmpty, step == .review {
            main += "<section class=\"problems\" role=\"alert\"><h2>Other problems</h2>" + ChangeViews.diagnostics(general) + "</section>"
        }
        let shown = Set(step.fields + ["step", "go", "csrf"])
        let multipart = step == .basics ? " enctype=\"multipart/form-data\"" : ""
        main += "<form method=\"post\" action=\"/bots/new\" class=\"wizard\" novalidate\(multipart)><input type=\"hidden\" name=\"csrf\" value=\"\(esc(context.csrfToken))\">"
        main += FormFields.hidden("step", step.rawValue) + state.hidden(except: shown) + body
        if readOnly == nil {
            main += "<p class=\"buttons\">"
            if step != .basics { main += "<button type=\"submit\" name=\"go\" value=\"back\" class=\"secondary\">Back</button> " }
            main += "<button type=\"submit\" name=\"go\" value=\"next\">\(step == .advanced ? "Review" : "Next")</button></p>"
        }
        main += "</form>"
        return htmlResponse(Layout(title: "New bot: \(step.title)", user: context.user, csrf: context.csrfToken).render(main))
    }

    func page(_ step: Step, state: WizardState, fields: FormFields, context: ConsoleContext, start: ChangeFlow.Start,
              readOnly: String? = nil, check: CheckOutcome? = nil) -> Response {
        var f = fields
        f.readOnly = readOnly != nil
        var body = ""
        switch step {
        case .basics:
            body += f.text("displayName", "Display name", value: state.displayName, help: "The name people see in the chat.")
            body += f.text("name", "Name (slug)", value: state.name, help: "Lowercase letters, digits and -, at most 63: the bot's id and file name. Left empty, it is made from the display name (\(state.slug.isEmpty ? "e.g. Sales Bot → sales-bot" : state.slug)).")
            body += f.textarea("systemPrompt", "System prompt", value: state.systemPrompt,
                               help: "What the bot is and how it answers. Examples: " + BotFormText.promptExamples.map { "“\($0)”" }.joined(separator: " · ") + " Never paste a token or key here.")
            var models = NewBot.modelChoices.map { (value: $0.id, label: $0.id, help: $0.description) }
            let known = NewBot.models.contains(state.model)
            models.append((value: "other", label: "another provider/model", help: "any model OpenClaw knows, written provider/model"))
            body += f.radios("model", "Model", options: models, selected: known ? state.model : "other")
            body += f.text("modelOther", "Other model (provider/model)", value: known ? "" : state.model, help: "Only when you chose another model above.")
            body += f.text("labels", "Labels", value: state.labels, help: "key=value, separated by commas. They decide who may see and change the bot (spec.access) and which host runs it.")
            let has = state.avatar.map { "An image of \($0.count) bytes is chosen; choose another to replace it." }
            body += f.text("avatar", "Avatar (optional)", value: "", help: has ?? "A PNG, JPEG, WebP or GIF image of at most \(AvatarImage.maxBytes / 1024) KiB, stored in the repository next to the manifest.",
                           type: "file", extra: " accept=\"image/png,image/jpeg,image/webp,image/gif\"")
            if state.avatar != nil, !f.readOnly { body += f.checkbox("removeAvatar", "Remove the chosen avatar", checked: false) }
        case .key:
            let name = state.provider?.displayName ?? "the provider"
            body += "<p>The fleet has no \(esc(name)) API key yet (<code>spec.providers</code> of the Fleet manifest), and the bot cannot answer without one. Type it here: it is encrypted with the fleet's key before it touches disk and stored in this bot's manifest (later, <code>fleet secrets set --fleet providers.\(esc(state.provider?.id ?? "ID")).apiKey</code> sets one for every bot).</p>"
            body += f.text("providerKey", "\(name) API key", value: "", help: "Typed once, never shown again.", type: "password", extra: " autocomplete=\"off\"")
            body += "<p><button type=\"submit\" name=\"go\" value=\"skipKey\" class=\"secondary\">Skip: set it later</button></p>"
        case .channel:
            body += f.radios("channel", "Channel", options: NewBot.channels.map { c in
                (value: c, label: c.capitalized, help: c == "whatsapp" ? "paired with a phone after the first apply (Channels tab › Pair WhatsApp)" : "needs a bot token from \(NewBot.tokenHelp(c))")
            }, selected: state.channel, cards: true)
            let set = !state.tokenEnc.isEmpty
            body += f.text("token", "Bot token (Telegram, Discord or Slack)", value: "",
                           help: set ? "A token is set (encrypted). Type a new one only to replace it." : "Typed once and never shown again: it is encrypted with the fleet's key before anything is written. \(NewBot.tokenHelp(state.channel)).",
                           type: "password", extra: " autocomplete=\"off\"")
            if state.channel == "slack" {
                body += f.text("appToken", "Slack app-level token (xapp-…)", value: "", help: state.appTokenEnc.isEmpty ? "For socket mode." : "Set (encrypted).", type: "password", extra: " autocomplete=\"off\"")
            }
            if f.readOnly == false, state.channel != "whatsapp" {
                body += "<p><button type=\"submit\" name=\"go\" value=\"test\" class=\"secondary\">Test connection</button> <span class=\"muted\">asks \(esc(state.channel.capitalized)) whether the token works (fleet check); nothing is stored</span></p>"
            }
            if let check {
                body += "<p class=\"check check-\(check.ok ? "ok" : "bad")\" role=\"\(check.ok ? "status" : "alert")\"><strong>Test connection: \(esc(check.status))</strong> — \(esc(check.message))\(check.identity.map { " (\(esc($0)))" } ?? "")<br><span class=\"muted\">Nothing was stored.</span></p>"
            }
        case .access:
            body += f.radios("dmPolicy", "Who may message the bot directly (DM policy)", options: NewBot.dmPolicies.map { (value: $0.name, label: $0.name, help: $0.explanation) }, selected: state.dmPolicy)
            body += f.textarea("allowFrom", "Allowed sender ids", value: state.allowFrom, help: "One per line or comma-separated; used by the allowlist policy. \(state.channel == "telegram" ? "Telegram: numeric user ids." : state.channel == "discord" ? "Discord: user ids (17-20 digits)." : "")", rows: 3)
            body += f.radios("groupPolicy", "Groups (group policy)", options: BotFormText.groupPolicies, selected: state.groupPolicy)
        case .advanced:
            body += "<details\(fields.problems.keys.contains(where: { Step.advanced.fields.contains($0) }) ? " open" : "")><summary>Advanced settings (the defaults suit most bots)</summary>"
            body += f.radios("sessionScope", "Conversations (session scope)", options: BotFormText.sessionScopes, selected: state.sessionScope)
            body += f.radios("resetMode", "Start conversations afresh (session reset)", options: BotFormText.resetModes, selected: state.resetMode)
            body += f.text("resetAtHour", "Hour of the daily reset (0-23)", value: state.resetAtHour)
            body += f.checkbox("bash", "Shell commands (bash)", checked: state.bash, help: "Warning: " + BotFormText.bashWarning)
            body += f.checkbox("browser", "Browser", checked: state.browser, help: "Warning: " + BotFormText.browserWarning)
            body += f.text("port", "Gateway port", value: state.port, help: "Empty: allocated by fleet from the Fleet's basePort.")
            body += f.select("bind", "Listen on (bind)", options: ManifestSchemas.binds.map { ($0, $0) }, selected: state.bind,
                             help: "loopback keeps the gateway on this host; anything else exposes it (W001).")
            body += "</details>"
        case .review:
            body += ""
        }
        return frame(step, body, state: state, fields: f, context: context, readOnly: readOnly)
    }

    /// Step 5: the manifest as it will be committed, each value with its diagnostics, the plan,
    /// then Create (commit) or Save draft (a branch).
    func review(_ state: WizardState, preview: ChangePreview, fields: FormFields, notes: [String: [String]], file: String, text: String,
                context: ConsoleContext, start: ChangeFlow.Start) -> Response {
        var main = "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Dashboard</a> › <span aria-current=\"page\">New bot</span></nav>"
        main += "<h1>New bot: Review</h1><ol class=\"steps\" aria-label=\"Steps\">"
        for s in Step.allCases where s != .key { main += "<li\(s == .review ? " aria-current=\"step\"" : "")>\(s.number). \(esc(s.title))</li>" }
        main += "</ol>"
        let rows: [(String, String, String, Step)] = [
            ("name", "Name", state.slug, .basics), ("displayName", "Display name", state.displayName, .basics), ("model", "Model", state.model, .basics),
            ("labels", "Labels", state.labels, .basics), ("systemPrompt", "System prompt", state.systemPrompt, .basics),
            ("avatar", "Avatar", state.avatarPath(under: start.upstream.path) ?? "none", .basics),
            ("providerKey", "Provider key", state.providerKeyEnc.isEmpty ? "(the fleet's)" : "encrypted", .key),
            ("channel", "Channel", state.channel, .channel), ("token", "Token", state.tokenEnc.isEmpty ? "none" : "encrypted", .channel),
            ("dmPolicy", "DM policy", state.dmPolicy, .access), ("allowFrom", "Allowed senders", BotFormText.list(state.allowFrom).joined(separator: ", "), .access),
            ("groupPolicy", "Group policy", state.groupPolicy, .access),
            ("sessionScope", "Session scope", state.sessionScope.isEmpty ? "the fleet's default" : state.sessionScope, .advanced),
            ("bash", "Shell commands", state.bash ? "on" : "off", .advanced), ("browser", "Browser", state.browser ? "on" : "off", .advanced),
            ("port", "Port", state.port.isEmpty ? "auto" : state.port, .advanced), ("bind", "Bind", state.bind, .advanced),
        ]
        main += "<table class=\"review\"><caption>Your answers</caption><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Value</th><th scope=\"col\">fleet validate</th></tr></thead><tbody>"
        for (field, label, value, _) in rows {
            let problems = fields.errors(field)
            main += "<tr data-field=\"\(field)\"><th scope=\"row\">\(esc(label))</th><td>\(esc(value))</td><td>\(problems.isEmpty ? "<span class=\"ok\">✓</span>" : problems)</td></tr>"
        }
        main += "</tbody></table>"
        if let general = fields.problems[""], !general.isEmpty {
            main += "<section class=\"problems\" role=\"alert\"><h2>Other problems</h2>" + ChangeViews.diagnostics(general) + "</section>"
        }
        main += "<form method=\"post\" action=\"/bots/new\"><input type=\"hidden\" name=\"csrf\" value=\"\(esc(context.csrfToken))\">" + FormFields.hidden("step", Step.review.rawValue)
            + state.hidden(except: ["step", "go", "csrf"]) + "<p><button type=\"submit\" name=\"go\" value=\"back\" class=\"secondary\">Back</button></p></form>"
        main += "<h2>The manifest as it will be committed</h2><p class=\"muted\"><code>\(esc(file))</code>; credentials are shown as encrypted.</p><pre class=\"code\" id=\"manifest\">\(esc(ChangeViews.maskEnvelopes(text)))</pre>"
        main += ChangeViews.plan(preview)
        var committable = preview
        if !notes.isEmpty { committable.planError = committable.planError ?? "fix the problems above first" }
        main += ChangeViews.commitForm(committable, csrf: context.csrfToken, target: flow.targetName(start.upstream), draft: true)
        return htmlResponse(Layout(title: "New bot: Review", user: context.user, csrf: context.csrfToken).render(main))
    }
}
