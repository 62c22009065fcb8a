@testable import FleetConsole
import FleetCore
import FleetTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// One test per route and rule, through HummingbirdTesting's router client (no socket).
@Suite struct ConsoleRouteTests {
    @Test func pagesNeedALoginAndAssetsDoNot() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == "/login")
            let bot = try await client.execute(uri: "/bots/support/logs?level=WARN", method: .get)
            #expect(bot.headers[.location] == "/login?next=%2Fbots%2Fsupport%2Flogs%3Flevel%3DWARN")
            let css = try await client.execute(uri: "/assets/console.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            let js = try await client.execute(uri: "/assets/console.js", method: .get)
            #expect(String(buffer: js.body).contains("EventSource"))
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let post = try await client.execute(uri: "/reconcile", method: .post)
            #expect(post.status == .unauthorized)
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let page = try await client.execute(uri: "/login", method: .get)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[.cacheControl] == "no-store")
        }
    }

    @Test func aLoginSetsAStrictHttpOnlyCookieAndShowsTheDashboard() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (response, browser) = try await Browser.login(client, user: "alice", password: "alice-password")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("fleet_session=") } ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(!setCookie.contains("Secure"), "loopback without TLS: a Secure cookie would never be sent back")
            let page = String(buffer: try await browser.get(client, "/").body)
            #expect(page.contains("data-live=\"row:support\""))
            #expect(page.contains("data-live=\"row:ops\""))
            #expect(page.contains("Signed in as <strong>alice</strong>"))
            // The display name is escaped, never markup.
            #expect(page.contains("Support &lt;b&gt;&amp;&lt;/b&gt; Care"))
            #expect(!page.contains("<b>&</b>"))
        }
    }

    @Test func aWrongPasswordIsRefusedAndRepeatedFailuresAreRateLimited() async throws {
        let world = try await ConsoleWorld(loginAttempts: 3)
        try await world.app().test(.router) { client in
            for _ in 0..<3 {
                let (response, browser) = try await Browser.login(client, user: "alice", password: "wrong")
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("Wrong user name or password."))
                #expect(browser.cookie.isEmpty)
            }
            // Even the right password waits now.
            let (limited, _) = try await Browser.login(client, user: "alice", password: "alice-password")
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // An unknown user gets the same answer as a wrong password.
            let (unknown, _) = try await Browser.login(client, user: "mallory", password: "whatever-pass")
            #expect(unknown.status == .unauthorized || unknown.status == .tooManyRequests)
        }
    }

    @Test func loginRedirectsOnlyWithinTheSite() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (inside, _) = try await Browser.login(client, user: "alice", password: "alice-password", next: "/bots/ops")
            #expect(inside.headers[.location] == "/bots/ops")
            let (outside, _) = try await Browser.login(client, user: "alice", password: "alice-password", next: "//evil.example/")
            #expect(outside.headers[.location] == "/")
        }
    }

    @Test func aUserSeesOnlyTheBotsTheirSelectorMatches() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (_, carl) = try await Browser.login(client, user: "carl", password: "carl-password")
            let page = String(buffer: try await carl.get(client, "/").body)
            #expect(page.contains("row:support"))
            #expect(!page.contains("row:ops"))
            #expect(try await carl.get(client, "/bots/support").status == .ok)
            for uri in ["/bots/ops", "/bots/ops/logs", "/bots/ops/history", "/bots/ops/config", "/bots/ops/logs/download", "/bots/ops/logs/stream"] {
                let response = try await carl.get(client, uri)
                #expect(response.status == .notFound, "\(uri)")
                #expect(!String(buffer: response.body).contains("platform"))
            }
        }
    }

    @Test func theEventStreamCarriesOnlyVisibleBots() async throws {
        let world = try await ConsoleWorld()
        let snapshot = await world.services.store.snapshot
        var previous: [String: BotPhase] = [:]
        let carl = AccessPolicy(user: "carl", access: snapshot.access)
        let update = EventsController.update(snapshot, policy: carl, bot: nil, previous: &previous)
        #expect(update.fragments.keys.contains("row:support"))
        #expect(!update.fragments.keys.contains { $0.contains("ops") })
        #expect(update.phases.keys.sorted() == ["support"])
        // A bot page's stream for a bot the user may not see carries nothing.
        let hidden = EventsController.update(snapshot, policy: carl, bot: "ops", previous: &previous)
        #expect(hidden.fragments.isEmpty)
    }

    @Test func aViewersRestartIsRefusedWithAPageThatSaysWhy() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (_, vera) = try await Browser.login(client, user: "vera", password: "vera-password")
            let page = String(buffer: try await vera.get(client, "/bots/support").body)
            #expect(!page.contains("/bots/support/restart"), "no Restart button for a viewer")
            let token = Browser.csrf(page) ?? ""
            let confirm = try await vera.get(client, "/bots/support/restart")
            #expect(confirm.status == .forbidden)
            let refused = try await vera.post(client, "/bots/support/restart", ["csrf": token, "confirm": "yes"])
            #expect(refused.status == .forbidden)
            let text = String(buffer: refused.body)
            #expect(text.contains("vera may not restart bots: it needs the operator role"))
            #expect(text.contains("Your role for bot &#39;support&#39; is viewer"))
            let reconcile = try await vera.post(client, "/reconcile", ["csrf": token, "confirm": "yes"])
            #expect(reconcile.status == .forbidden)
        }
    }

    @Test func aTeamOperatorMayNotReconcileTheWholeFleet() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (_, carl) = try await Browser.login(client, user: "carl", password: "carl-password")
            let token = Browser.csrf(String(buffer: try await carl.get(client, "/").body)) ?? ""
            #expect(try await carl.post(client, "/reconcile", ["csrf": token, "confirm": "yes"]).status == .forbidden)
            // An operator of every bot may; with no daemon running there is nothing to ask.
            let (_, alice) = try await Browser.login(client, user: "alice", password: "alice-password")
            let page = String(buffer: try await alice.get(client, "/").body)
            #expect(page.contains("href=\"/reconcile\""))
            let answer = try await alice.post(client, "/reconcile", ["csrf": Browser.csrf(page) ?? "", "confirm": "yes"])
            #expect(answer.status == .conflict)
            #expect(String(buffer: answer.body).contains("No fleet daemon runs"))
        }
    }

    @Test func aPostWithoutTheCSRFTokenIsRefused() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (_, alice) = try await Browser.login(client, user: "alice", password: "alice-password")
            let missing = try await alice.post(client, "/bots/support/restart", ["confirm": "yes"])
            #expect(missing.status == .forbidden)
            #expect(String(buffer: missing.body).contains("security token (CSRF)"))
            // Another session's token is no good either.
            let (_, vera) = try await Browser.login(client, user: "vera", password: "vera-password")
            let veraToken = Browser.csrf(String(buffer: try await vera.get(client, "/").body)) ?? ""
            #expect(try await alice.post(client, "/bots/support/restart", ["csrf": veraToken, "confirm": "yes"]).status == .forbidden)
            // The login form needs its own token and cookie.
            let login = try await client.execute(uri: "/login", method: .post, headers: Browser.formHeaders,
                                                 body: Browser.form(["user": "alice", "password": "alice-password"]))
            #expect(login.status == .forbidden)
        }
    }

    @Test func logoutEndsTheSession() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (_, alice) = try await Browser.login(client, user: "alice", password: "alice-password")
            let token = Browser.csrf(String(buffer: try await alice.get(client, "/").body)) ?? ""
            let out = try await alice.post(client, "/logout", ["csrf": token])
            #expect(out.headers[.location] == "/login")
            #expect(try await alice.get(client, "/").status == .seeOther)
        }
    }

    @Test func everyBotTabRenders() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (_, alice) = try await Browser.login(client, user: "alice", password: "alice-password")
            for (uri, text) in [("/bots/support", "Restart history"), ("/bots/support/channels", "telegram/default"),
                                ("/bots/support/sessions", "No sessions."), ("/bots/support/config", "Manifest at the applied commit"),
                                ("/bots/support/logs", "Download the log"), ("/bots/support/history", "two bots")] {
                let response = try await alice.get(client, uri)
                #expect(response.status == .ok, "\(uri)")
                #expect(String(buffer: response.body).contains(text), "\(uri) lacks '\(text)'")
            }
            let confirm = String(buffer: try await alice.get(client, "/bots/support/restart").body)
            #expect(confirm.contains("Restart the gateway of bot &#39;support&#39; now?"))
            #expect(try await alice.get(client, "/bots/nope").status == .notFound)
        }
    }

    @Test func theDashboardFiltersAndSorts() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (_, alice) = try await Browser.login(client, user: "alice", password: "alice-password")
            let byLabel = String(buffer: try await alice.get(client, "/?selector=team%3Dplatform").body)
            #expect(byLabel.contains("row:ops") && !byLabel.contains("row:support"))
            let byName = String(buffer: try await alice.get(client, "/?q=supp").body)
            #expect(byName.contains("row:support") && !byName.contains("row:ops"))
            let bad = String(buffer: try await alice.get(client, "/?selector=team%3D%3D%3D").body)
            #expect(bad.contains("The label selector does not parse"))
            let sorted = String(buffer: try await alice.get(client, "/?sort=name&dir=desc").body)
            let s = try #require(sorted.range(of: "row:support")), o = try #require(sorted.range(of: "row:ops"))
            #expect(s.lowerBound < o.lowerBound)
            let cards = String(buffer: try await alice.get(client, "/?view=cards").body)
            #expect(cards.contains("card:support"))
        }
    }

    @Test func offLoopbackCookiesAreSecureAndTheLoginPageWarns() async throws {
        let world = try await ConsoleWorld(host: "0.0.0.0")
        try await world.app().test(.router) { client in
            let page = try await client.execute(uri: "/login", method: .get)
            #expect(String(buffer: page.body).contains("without TLS"))
            let (response, _) = try await Browser.login(client, user: "alice", password: "alice-password")
            let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("fleet_session=") } ?? ""
            #expect(setCookie.contains("; Secure"))
        }
    }

    @Test func aProxyHeaderIsTrustedOnlyFromLoopback() async throws {
        let world = try await ConsoleWorld(authHeader: "X-Forwarded-User")
        // The router client has no peer address: not loopback, so the header is ignored.
        try await world.app().test(.router) { client in
            var h = HTTPFields()
            h[HTTPField.Name("X-Forwarded-User")!] = "alice"
            let ignored = try await client.execute(uri: "/", method: .get, headers: h)
            #expect(ignored.status == .seeOther)
        }
        // Over a real loopback socket the proxy's header is the user.
        try await world.app().test(.live) { client in
            var h = HTTPFields()
            h[HTTPField.Name("X-Forwarded-User")!] = "carl"
            let page = try await client.execute(uri: "/", method: .get, headers: h)
            #expect(page.status == .ok)
            let text = String(buffer: page.body)
            #expect(text.contains("Signed in as <strong>carl</strong>"))
            #expect(text.contains("row:support") && !text.contains("row:ops"))
            let anonymous = try await client.execute(uri: "/", method: .get)
            #expect(anonymous.status == .seeOther)
        }
    }

    @Test func whatsAppPairingStreamsTheGatewaysLoginToTheOperator() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (_, vera) = try await Browser.login(client, user: "vera", password: "vera-password")
            let veraPage = String(buffer: try await vera.get(client, "/bots/wa/channels").body)
            #expect(!veraPage.contains("Pair WhatsApp"))
            let refused = try await vera.post(client, "/bots/wa/pair", ["csrf": Browser.csrf(veraPage) ?? "", "channel": "whatsapp", "account": "default"])
            #expect(refused.status == .forbidden)
            let (_, alice) = try await Browser.login(client, user: "alice", password: "alice-password")
            let page = String(buffer: try await alice.get(client, "/bots/wa/channels").body)
            #expect(page.contains("Pair WhatsApp"))
            let token = Browser.csrf(page) ?? ""
            let wrong = try await alice.post(client, "/bots/support/pair", ["csrf": token, "channel": "whatsapp", "account": "default"])
            #expect(wrong.status == .badRequest)
            let paired = try await alice.post(client, "/bots/wa/pair", ["csrf": token, "channel": "whatsapp", "account": "default"])
            #expect(paired.status == .ok)
            let text = String(buffer: paired.body)
            #expect(text.contains("Pairing WhatsApp account &quot;default&quot;."), "\(text)")
            #expect(text.contains("enter code: "))
            #expect(text.contains("Paired."))
        }
        let state = BotPaths(root: world.root, name: "wa").state
        let found = FileManager.default.enumerator(atPath: state)?.contains { ($0 as? String)?.hasSuffix("creds.json") == true } ?? false
        #expect(found, "the credentials land in the bot's state directory")
    }

    @Test func anOperatorOpensASessionAViewerSeesNoMessageText() async throws {
        let world = try await ConsoleWorld()
        let dir = SessionStoreReader.directory(BotPaths(root: world.root, name: "support"))
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try #"{"telegram:direct:42": {"sessionId": "s1", "updatedAt": \#(now), "channel": "telegram", "displayName": "Ada"}}"#
            .write(toFile: dir + "/sessions.json", atomically: true, encoding: .utf8)
        try #"{"type":"message","timestamp":"2026-11-30T10:00:00Z","message":{"role":"user","content":[{"type":"text","text":"my <secret> question"}]}}"#
            .appending("\n").write(toFile: dir + "/s1.jsonl", atomically: true, encoding: .utf8)
        await world.services.store.refresh(full: true)
        try await world.app().test(.router) { client in
            let (_, vera) = try await Browser.login(client, user: "vera", password: "vera-password")
            let list = String(buffer: try await vera.get(client, "/bots/support/sessions").body)
            #expect(list.contains("telegram:direct:42"))
            #expect(!list.contains("question"))
            #expect(!list.contains("/sessions/s1"))
            #expect(try await vera.get(client, "/bots/support/sessions/s1").status == .forbidden)
            let (_, alice) = try await Browser.login(client, user: "alice", password: "alice-password")
            #expect(String(buffer: try await alice.get(client, "/bots/support/sessions").body).contains("/bots/support/sessions/s1"))
            let opened = try await alice.get(client, "/bots/support/sessions/s1")
            #expect(opened.status == .ok)
            #expect(String(buffer: opened.body).contains("my &lt;secret&gt; question"))
            #expect(try await alice.get(client, "/bots/support/sessions/..%2Fsessions").status == .notFound)
            #expect(try await alice.get(client, "/bots/support/sessions/nope").status == .notFound)
        }
    }
}
