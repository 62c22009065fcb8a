import FleetCore
import FoundationEssentials
import Hummingbird

/// WhatsApp pairing from the Channels tab: runs FleetCore's `ChannelPairing` (the gateway's own
/// `channels login`, as `fleet login` does) and streams what it prints (the QR code or pairing
/// code) into the page as it comes, without JavaScript. Operators only.
struct PairingController {
    let services: ConsoleServices
    /// How long a pairing may wait for the phone.
    let timeout: Duration = .seconds(180)

    func register(on router: Router<ConsoleContext>) {
        router.post("/bots/:name/pair") { request, context in try await self.pair(context) }
    }

    enum Event: Sendable {
        case line(String)
        case exit(Int32)
    }

    func pair(_ context: ConsoleContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let snapshot = await services.store.snapshot
        let policy = services.policy(context.user, snapshot)
        guard let bot = snapshot.bots[name], let role = policy.role(forLabels: bot.labels) else {
            return htmlResponse(ErrorPage.render(title: "No such bot", status: 404, message: "There is no bot '\(name)' on this host that you may see.", user: context.user, csrf: context.csrfToken), status: .notFound)
        }
        guard role >= .operator else {
            return htmlResponse(ErrorPage.forbidden(action: "pair a channel", bot: name, policy: policy, role: role, needed: .operator, csrf: context.csrfToken), status: .forbidden)
        }
        let channel = context.form["channel"] ?? ""
        let account = context.form["account"] ?? "default"
        guard channel == "whatsapp", snapshot.manifest(name)?.channels.contains(where: { $0.type == channel && $0.accountId == account }) == true else {
            return htmlResponse(ErrorPage.render(title: "Nothing to pair", status: 400, message: "Bot '\(name)' has no WhatsApp account '\(account)' in its manifest; only WhatsApp pairs interactively.", user: context.user, csrf: context.csrfToken), status: .badRequest)
        }
        let paths = BotPaths(root: services.config.root, name: name)
        let gateway = snapshot.manifests?.fleet.gatewayCommand ?? bot.state.applied?.launch.arguments ?? FleetSettings().gatewayCommand
        let launch = bot.state.applied?.launch.environment ?? [:]
        let port = bot.state.port
        let user = context.user ?? "unknown"
        context.logger.notice("pairing asked", metadata: ["user": .string(user), "bot": .string(name), "account": .string(account)])
        let marker = "<!--pairing-output-->"
        let page = Layout(title: "Pair WhatsApp for \(name)", user: context.user, csrf: context.csrfToken).render(
            "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Dashboard</a> › <a href=\"/bots/\(urlPart(name))/channels\">\(esc(name))</a> › <span aria-current=\"page\">Pair WhatsApp</span></nav>"
                + "<h1>Pair WhatsApp account \(esc(account)) of \(esc(name))</h1>"
                + "<p>Scan the QR code (or enter the pairing code) in WhatsApp › Linked devices. The gateway's own login writes the credentials into this bot's state directory; a running gateway notices them.</p>"
                + "<pre class=\"code pairing\" aria-live=\"polite\">" + marker)
        let parts = page.components(separatedBy: marker)
        let head = parts.first ?? page, tail = parts.count > 1 ? parts[1] : ""
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let timeout = self.timeout
        guard HostFiles.exists(paths.config) else {
            return htmlResponse(ErrorPage.render(title: "Not applied yet", status: 409, message: "Bot '\(name)' has no rendered config on this host yet; apply it first.", user: context.user, csrf: context.csrfToken), status: .conflict)
        }
        Blocking.queue.async {
            let status = ChannelPairing.run(paths, gateway: gateway, channel: channel, account: account, launch: launch, port: port, timeout: timeout) {
                continuation.yield(.line($0))
            }
            continuation.yield(.exit(status))
            continuation.finish()
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: head))
            var code: Int32 = 127
            for await event in events {
                switch event {
                case .line(let text): try await writer.write(ByteBuffer(string: esc(text) + "\n"))
                case .exit(let status): code = status
                }
            }
            let result = code == 0
                ? "<p class=\"check check-ok\" role=\"status\">Paired. The gateway picks the account up; its Channels tab shows it connected.</p>"
                : "<p class=\"check check-bad\" role=\"alert\">The pairing ended without linking (exit \(code)\(code == 124 ? ": no phone linked in time" : "")). Try again.</p>"
            try await writer.write(ByteBuffer(string: "</pre>" + result + "<p><a href=\"/bots/\(urlPart(name))/channels\">Back to the channels</a></p>" + tail))
            try await writer.finish(nil)
        })
    }
}
