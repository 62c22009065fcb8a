@testable import FleetConsole
import FleetCore
import FleetTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The hidden fields of a page's form (the first form after `marker`), unescaped.
func hiddenFields(_ html: String, after marker: String = "") -> [String: String] {
    var text = Substring(html)
    if !marker.isEmpty, let r = html.range(of: marker) { text = html[r.lowerBound...] }
    if let end = text.range(of: "</form>") { text = text[..<end.upperBound] }
    var out: [String: String] = [:]
    let pattern = #/<input type="hidden" name="([^"]*)" value="([^"]*)">/#
    for match in text.matches(of: pattern) {
        out[unescape(String(match.1))] = unescape(String(match.2))
    }
    return out
}

func unescape(_ s: String) -> String {
    s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
        .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
}

/// Changes made in the browser: the wizard, edit forms, conflicts, roll back and roles, through
/// HummingbirdTesting's router client against a real bare repository.
@Suite struct ConsoleChangeTests {
    static let token = "123456789:AAHfakeTelegramTokenForTheWizardTest_x"

    /// Walks the wizard for `name` as `browser`; returns the last page.
    static func wizard(_ client: some TestClientProtocol, _ browser: Browser, name: String, labels: String = "team=sales",
                       prompt: String = "You sell things.", avatar: [UInt8]? = nil) async throws -> String {
        var page = String(buffer: try await browser.get(client, "/bots/new").body)
        var fields = hiddenFields(page, after: "class=\"wizard\"")
        fields.merge(["csrf": Browser.csrf(page) ?? "", "go": "next", "displayName": "Sales Bot", "name": name, "systemPrompt": prompt,
                      "model": "anthropic/claude-sonnet-4-5", "labels": labels]) { $1 }
        if let avatar {
            page = String(buffer: try await multipart(client, browser, "/bots/new", fields, file: ("avatar", "me.png", avatar)).body)
        } else {
            page = String(buffer: try await browser.post(client, "/bots/new", fields).body)
        }
        guard page.contains("New bot: Model provider key") else { return page }
        fields = hiddenFields(page, after: "class=\"wizard\"")
        fields.merge(["csrf": Browser.csrf(page) ?? "", "go": "skipKey"]) { $1 }
        page = String(buffer: try await browser.post(client, "/bots/new", fields).body)
        guard page.contains("New bot: Channel") else { return page }
        fields = hiddenFields(page, after: "class=\"wizard\"")
        fields.merge(["csrf": Browser.csrf(page) ?? "", "go": "next", "channel": "telegram", "token": token]) { $1 }
        page = String(buffer: try await browser.post(client, "/bots/new", fields).body)
        guard page.contains("New bot: Access control") else { return page }
        fields = hiddenFields(page, after: "class=\"wizard\"")
        fields.merge(["csrf": Browser.csrf(page) ?? "", "go": "next", "dmPolicy": "allowlist", "allowFrom": "123456789", "groupPolicy": "disabled"]) { $1 }
        page = String(buffer: try await browser.post(client, "/bots/new", fields).body)
        guard page.contains("New bot: Advanced") else { return page }
        fields = hiddenFields(page, after: "class=\"wizard\"")
        fields.merge(["csrf": Browser.csrf(page) ?? "", "go": "next", "bind": "loopback"]) { $1 }
        return String(buffer: try await browser.post(client, "/bots/new", fields).body)
    }

    /// A multipart POST with one file, as a browser sends a form with a file input.
    static func multipart(_ client: some TestClientProtocol, _ browser: Browser, _ uri: String, _ fields: [String: String],
                          file: (name: String, filename: String, data: [UInt8])) async throws -> TestResponse {
        let boundary = "----fleet-test-boundary"
        var body: [UInt8] = []
        for (k, v) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += file.data + Array("\r\n--\(boundary)--\r\n".utf8)
        var h = HTTPFields()
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        h[.cookie] = browser.cookie
        return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(bytes: body))
    }

    /// Posts the review page's commit form.
    static func commit(_ client: some TestClientProtocol, _ browser: Browser, review: String, why: String = "", to: String = "target") async throws -> TestResponse {
        var fields = hiddenFields(review, after: "action=\"/changes/commit\"")
        fields["why"] = why
        fields["to"] = to
        return try await browser.post(client, "/changes/commit", fields)
    }

    @Test func theWizardCommitsTheBotWithTheUserAsAuthorAndTheTokenEncrypted() async throws {
        let world = try await ConsoleWorld(editable: true)
        let upstream = try #require(world.upstream)
        let before = try world.git.git("--git-dir", upstream, "rev-parse", "main")
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            let review = try await Self.wizard(client, sam, name: "sales")
            #expect(review.contains("New bot: Review"), "\(review)")
            // The plan is shown before anything is committed: fleet plan's own line.
            #expect(review.contains("id=\"plan\">Target: OpenClaw"))
            #expect(review.contains(#/\+ +create +sales +new bot on port \d+/#), "\(review)")
            #expect(!review.contains(Self.token))
            #expect(review.contains("ENC[…] (encrypted)"))
            #expect(try world.git.git("--git-dir", upstream, "rev-parse", "main") == before, "nothing is written before Create")
            let done = try await Self.commit(client, sam, review: review, why: "the sales team asked for it")
            #expect(done.status == .ok)
            #expect(String(buffer: done.body).contains("Committed"))
        }
        #expect(try world.git.git("--git-dir", upstream, "log", "-1", "--format=%an <%ae>", "main") == "Sam Admin <sam@example.com>")
        let message = try world.git.git("--git-dir", upstream, "log", "-1", "--format=%B", "main")
        #expect(message.hasPrefix("Add bot sales (telegram)"))
        #expect(message.contains("the sales team asked for it"))
        let file = try world.git.git("--git-dir", upstream, "show", "main:fleet/bots/sales.yaml")
        #expect(file.contains("botToken: \"ENC[AES256_GCM"))
        #expect(file.contains("team: sales"))
        // The plaintext token is in no object of the repository.
        let objects = try world.git.git("--git-dir", upstream, "cat-file", "--batch-all-objects", "--batch")
        #expect(!objects.contains(Self.token))
        #expect(!objects.contains("AAHfakeTelegramToken"))
        // The console's own clone never had it either.
        let own = try world.git.run("git", ["--git-dir", world.root + "/console/repo.git", "cat-file", "--batch-all-objects", "--batch"])
        #expect(!own.contains(Self.token))
    }

    @Test func anAvatarIsStoredNextToTheManifest() async throws {
        let world = try await ConsoleWorld(editable: true)
        let upstream = try #require(world.upstream)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 64)
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            let review = try await Self.wizard(client, sam, name: "pictured", avatar: png)
            #expect(review.contains("fleet/bots/pictured.png"), "\(review)")
            #expect(try await Self.commit(client, sam, review: review).status == .ok)
            // Not an image: refused at the field, whatever its name says.
            var fields = hiddenFields(String(buffer: try await sam.get(client, "/bots/new").body), after: "class=\"wizard\"")
            fields.merge(["csrf": Browser.csrf(review) ?? "", "go": "next", "displayName": "X", "name": "fake-image", "labels": "team=sales"]) { $1 }
            let page = String(buffer: try await Self.multipart(client, sam, "/bots/new", fields, file: ("avatar", "evil.png", Array("<script>".utf8))).body)
            #expect(page.contains("New bot: Basics"))
            #expect(page.contains("&#39;evil.png&#39; is not a PNG, JPEG, WebP or GIF image"))
        }
        #expect(try world.git.git("--git-dir", upstream, "show", "main:fleet/bots/pictured.yaml").contains("avatar: fleet/bots/pictured.png"))
        let stored = try world.git.run("sh", ["-c", "git --git-dir '\(upstream)' cat-file blob main:fleet/bots/pictured.png | od -An -tx1 | head -1"])
        #expect(stored.hasPrefix("89 50 4e 47"))
    }

    @Test func aBadNameShowsTheValidatorsDiagnosticAtTheFieldAndCommitsNothing() async throws {
        let world = try await ConsoleWorld(editable: true)
        let upstream = try #require(world.upstream)
        let before = try world.git.git("--git-dir", upstream, "rev-parse", "main")
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            let page = try await Self.wizard(client, sam, name: "Bad Name!")
            #expect(page.contains("New bot: Basics"), "stays on the first page")
            let error = try #require(page.range(of: "id=\"f-name-error\""))
            let at = String(page[error.lowerBound...].prefix(600))
            #expect(at.contains("error[E024]"), "\(at)")
            #expect(at.contains("metadata.name") || at.contains("slug"), "\(at)")
            #expect(page.contains("aria-describedby=\"f-name-help f-name-error\""))
        }
        #expect(try world.git.git("--git-dir", upstream, "rev-parse", "main") == before)
    }

    @Test func aTokenPastedIntoTheSystemPromptIsRefused() async throws {
        let world = try await ConsoleWorld(editable: true)
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            let page = try await Self.wizard(client, sam, name: "leaky", prompt: "Use the token 987654321:AAHsomeOtherTelegramBotTokenValue_12 when asked.")
            #expect(page.contains("New bot: Basics"))
            let error = try #require(page.range(of: "id=\"f-systemPrompt-error\""))
            #expect(page[error.lowerBound...].prefix(500).contains("error[E054]"))
        }
    }

    @Test func anEditOnAStaleFormIsRefusedWithTheConflictPage() async throws {
        let world = try await ConsoleWorld(editable: true)
        let upstream = try #require(world.upstream)
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            // Two forms loaded from the same commit.
            let form1 = String(buffer: try await sam.get(client, "/bots/support/edit").body)
            let form2 = String(buffer: try await sam.get(client, "/bots/support/edit").body)
            func submit(_ form: String, display: String) async throws -> String {
                var fields = hiddenFields(form, after: "class=\"edit\"")
                fields["displayName"] = display
                return String(buffer: try await sam.post(client, "/bots/support/edit", fields).body)
            }
            let review1 = try await submit(form1, display: "Support One")
            #expect(review1.contains("Review: Edit bot support: displayName"), "\(review1)")
            #expect(try await Self.commit(client, sam, review: review1).status == .ok)
            let review2 = try await submit(form2, display: "Support Two")
            let refused = try await Self.commit(client, sam, review: review2)
            #expect(refused.status == .conflict)
            let page = String(buffer: refused.body)
            #expect(page.contains("Conflict"))
            #expect(page.contains("Support Two"), "yours")
            #expect(page.contains("Support One"), "theirs")
            #expect(page.contains("Nothing was committed"))
        }
        let file = try world.git.git("--git-dir", upstream, "show", "main:fleet/bots/support.yaml")
        #expect(file.contains("Support One") && !file.contains("Support Two"))
    }

    @Test func aRollBackProducesTheEarlierFilesInANewCommit() async throws {
        let world = try await ConsoleWorld(editable: true)
        let upstream = try #require(world.upstream)
        let original = try world.git.git("--git-dir", upstream, "show", "main:fleet/bots/support.yaml")
        let first = try world.git.git("--git-dir", upstream, "rev-parse", "main")
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            let form = String(buffer: try await sam.get(client, "/bots/support/edit").body)
            var fields = hiddenFields(form, after: "class=\"edit\"")
            fields["displayName"] = "Changed Name"
            let review = String(buffer: try await sam.post(client, "/bots/support/edit", fields).body)
            #expect(try await Self.commit(client, sam, review: review).status == .ok)
            // The History tab shows what each commit changed, and offers the roll back.
            await world.services.store.refresh(full: false)
            let history = String(buffer: try await sam.get(client, "/bots/support/history").body)
            #expect(history.contains("Roll support back to"))
            let page = String(buffer: try await sam.post(client, "/bots/support/rollback", ["csrf": Browser.csrf(history) ?? "", "commit": first]).body)
            #expect(page.contains("Review: Roll bot support back to \(first.prefix(7))"), "\(page)")
            #expect(page.contains("<del>- "), "the diff")
            #expect(try await Self.commit(client, sam, review: page, why: "the new name confused people").status == .ok)
        }
        #expect(try world.git.git("--git-dir", upstream, "show", "main:fleet/bots/support.yaml") == original)
        #expect(try world.git.git("--git-dir", upstream, "rev-list", "--count", "main") == "3", "a new commit, not a reset")
        #expect(try world.git.git("--git-dir", upstream, "log", "-1", "--format=%s", "main") == "Roll bot support back to \(first.prefix(7))")
    }

    @Test func theHistoryTabShowsWhatEachCommitChanged() async throws {
        let world = try await ConsoleWorld(editable: true)
        try await world.app().test(.router) { client in
            let (_, alice) = try await Browser.login(client, user: "alice", password: "alice-password")
            let page = String(buffer: try await alice.get(client, "/bots/support/history").body)
            #expect(page.contains("fleet/bots/support.yaml"))
            #expect(page.contains("status-added"))
            #expect(page.contains("<ins>+ "))
            #expect(!page.contains("Roll support back"), "operators do not roll back")
            #expect(page.contains("rolling support back needs the admin role"))
        }
    }

    @Test func aViewerAnOperatorAndAnOutOfSelectorAdminAreRefused() async throws {
        let world = try await ConsoleWorld(editable: true)
        let upstream = try #require(world.upstream)
        let before = try world.git.git("--git-dir", upstream, "rev-parse", "main")
        try await world.app().test(.router) { client in
            let (_, vera) = try await Browser.login(client, user: "vera", password: "vera-password")
            let form = String(buffer: try await vera.get(client, "/bots/new").body)
            #expect(form.contains("Read-only:"))
            #expect(form.contains("only admins create bots"))
            #expect(!form.contains("name=\"go\" value=\"next\""))
            #expect(try await vera.post(client, "/bots/new", ["csrf": Browser.csrf(form) ?? "", "step": "1", "name": "x"]).status == .forbidden)
            let (_, alice) = try await Browser.login(client, user: "alice", password: "alice-password")
            let edit = String(buffer: try await alice.get(client, "/bots/support/edit").body)
            #expect(edit.contains("Read-only:") && edit.contains("only admins change manifests"))
            var fields = hiddenFields(edit, after: "class=\"edit\"")
            fields["displayName"] = "Hijacked"
            #expect(try await alice.post(client, "/bots/support/edit", fields).status == .forbidden)
            // An admin for team in (customer-care, platform) cannot create a bot outside it ...
            let (_, adele) = try await Browser.login(client, user: "adele", password: "adele-password")
            let page = try await Self.wizard(client, adele, name: "outside", labels: "team=sales")
            #expect(page.contains("New bot: Basics"))
            #expect(page.contains("does not cover a bot with these labels"))
            // ... not even with a hand-made commit form.
            let text = ManifestText.bot("outside").replacingOccurrences(of: "  name: outside", with: "  name: outside\n  labels: {team: sales}")
            let forged = try await adele.post(client, "/changes/commit", [
                "csrf": Browser.csrf(page) ?? "", "title": "Add bot outside", "base": before, "file.0.path": "fleet/bots/outside.yaml", "file.0.text": text,
            ])
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains("adele may not change bot &#39;outside&#39;"))
            // ... nor change a bot they cannot see (its existence not disclosed).
            #expect(try await adele.get(client, "/bots/wa/edit").status == .notFound)
        }
        #expect(try world.git.git("--git-dir", upstream, "rev-parse", "main") == before)
    }

    @Test func disablingDeletingAndRotatingAreReviewedCommits() async throws {
        let world = try await ConsoleWorld(editable: true)
        let upstream = try #require(world.upstream)
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            let bot = String(buffer: try await sam.get(client, "/bots/ops").body)
            let token = Browser.csrf(bot) ?? ""
            let disable = String(buffer: try await sam.post(client, "/bots/ops/lifecycle", ["csrf": token, "action": "disable"]).body)
            #expect(disable.contains("<ins>+ "), "the diff")
            #expect(disable.contains("enabled: false"))
            #expect(try await Self.commit(client, sam, review: disable).status == .ok)
            #expect(try world.git.git("--git-dir", upstream, "show", "main:fleet/bots/ops.yaml").contains("enabled: false"))
            let rotate = String(buffer: try await sam.post(client, "/bots/ops/rotate", ["csrf": token, "field": "channels.telegram.default.botToken", "value": "new-secret-value-123"]).body)
            #expect(rotate.contains("Review: Rotate channels.telegram.default.botToken of bot ops"), "\(rotate)")
            #expect(!rotate.contains("new-secret-value-123"))
            #expect(try await Self.commit(client, sam, review: rotate).status == .ok)
            let wrong = try await sam.post(client, "/bots/ops/delete", ["csrf": token, "confirm": "opz"])
            #expect(wrong.status == .badRequest)
            let delete = String(buffer: try await sam.post(client, "/bots/ops/delete", ["csrf": token, "confirm": "ops"]).body)
            #expect(delete.contains("deleted"))
            let deleted = try await Self.commit(client, sam, review: delete)
            #expect(deleted.status == .ok, "\(String(buffer: deleted.body))")
        }
        #expect((try? world.git.git("--git-dir", upstream, "show", "main:fleet/bots/ops.yaml")) == nil)
        let objects = try world.git.git("--git-dir", upstream, "cat-file", "--batch-all-objects", "--batch")
        #expect(!objects.contains("new-secret-value-123"))
    }

    @Test func withCommitToBranchEachChangeGoesOnABranchOfItsOwn() async throws {
        let world = try await ConsoleWorld(editable: true, commitTo: .branch)
        let upstream = try #require(world.upstream)
        let before = try world.git.git("--git-dir", upstream, "rev-parse", "main")
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            let bot = String(buffer: try await sam.get(client, "/bots/ops").body)
            let review = String(buffer: try await sam.post(client, "/bots/ops/lifecycle", ["csrf": Browser.csrf(bot) ?? "", "action": "suspend"]).body)
            #expect(review.contains("Commit to a new branch"))
            let done = String(buffer: try await Self.commit(client, sam, review: review).body)
            #expect(done.contains("fleet/sam/suspend-ops"))
            #expect(done.contains("open a pull request"))
        }
        #expect(try world.git.git("--git-dir", upstream, "rev-parse", "main") == before)
        #expect(try world.git.git("--git-dir", upstream, "show", "fleet/sam/suspend-ops:fleet/bots/ops.yaml").contains("suspend: true"))
    }

    @Test func aWorkingCopyIsNeverWrittenTo() async throws {
        let world = try await ConsoleWorld()
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            let page = String(buffer: try await sam.get(client, "/bots/new").body)
            #expect(page.contains("is a working copy"))
            #expect(page.contains("Read-only:"))
        }
    }

    @Test func aTokenInTheWhyIsRefusedAndAPagesSlugCannotNameARef() async throws {
        let world = try await ConsoleWorld(editable: true)
        let upstream = try #require(world.upstream)
        let before = try world.git.git("--git-dir", upstream, "rev-parse", "main")
        try await world.app().test(.router) { client in
            let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
            let bot = String(buffer: try await sam.get(client, "/bots/ops").body)
            let review = String(buffer: try await sam.post(client, "/bots/ops/lifecycle", ["csrf": Browser.csrf(bot) ?? "", "action": "suspend"]).body)
            let refused = try await Self.commit(client, sam, review: review, why: "token is xoxb-1234567890-abcdefghij for the record")
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("looks like a Slack token"))
        }
        #expect(try world.git.git("--git-dir", upstream, "rev-parse", "main") == before)
        let change = try #require(ManifestChange(form: ["title": "a\nb", "slug": "../../x y", "base": "abc", "file.0.path": "fleet/a.yaml", "file.0.text": "x"]))
        #expect(change.slug == "x-y")
        #expect(change.title == "a b")
    }

    @Test func forgeLinksForABranch() {
        #expect(ChangeViews.reviewLink(remote: "git@github.com:acme/bots.git", branch: "fleet/sam/add-x", base: "main")
            == "https://github.com/acme/bots/compare/main...fleet/sam/add-x?expand=1")
        #expect(ChangeViews.reviewLink(remote: "https://gitlab.com/acme/bots", branch: "fleet/sam/add-x", base: "main")?.hasPrefix("https://gitlab.com/acme/bots/-/merge_requests/new") == true)
        #expect(ChangeViews.reviewLink(remote: "/srv/git/bots.git", branch: "b", base: "main") == nil)
    }
}

/// The wizard's Test connection against a stand-in Telegram Bot API on loopback (a Hummingbird
/// app answering getMe), so no request leaves the host.
@Suite struct WizardTestConnectionTests {
    @Test func testConnectionAsksTelegramWithTheTypedTokenAndStoresNothing() async throws {
        let world = try await ConsoleWorld(editable: true)
        let upstream = try #require(world.upstream)
        let before = try world.git.git("--git-dir", upstream, "rev-parse", "main")
        let seen = Seen()
        let telegram = Router()
        telegram.get("/:path/getMe") { request, context -> Response in
            let path = context.parameters.get("path") ?? ""
            await seen.add(path)
            let ok = path == "bot" + ConsoleChangeTests.token
            var h = HTTPFields()
            h[.contentType] = "application/json"
            return Response(status: ok ? .ok : .unauthorized, headers: h, body: .init(byteBuffer: ByteBuffer(string: ok
                ? #"{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Sales","username":"sales_test_bot"}}"#
                : #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#)))
        }
        try await Application(router: telegram, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { fake in
            var config = world.services.config
            config.checkEndpoints = ProviderEndpoints(telegram: "http://127.0.0.1:\(fake.port ?? 0)", discord: "http://127.0.0.1:1", slack: "http://127.0.0.1:1")
            let services = try ConsoleServices(config: config)
            await services.store.refresh(full: false)
            try await Application(router: buildConsoleRouter(services)).test(.router) { client in
                let (_, sam) = try await Browser.login(client, user: "sam", password: "sam-password")
                var page = String(buffer: try await sam.get(client, "/bots/new").body)
                var fields = hiddenFields(page, after: "class=\"wizard\"")
                fields.merge(["csrf": Browser.csrf(page) ?? "", "go": "next", "displayName": "Sales", "name": "sales", "labels": "team=sales"]) { $1 }
                page = String(buffer: try await sam.post(client, "/bots/new", fields).body)
                if page.contains("Model provider key") {
                    fields = hiddenFields(page, after: "class=\"wizard\"")
                    fields.merge(["csrf": Browser.csrf(page) ?? "", "go": "skipKey"]) { $1 }
                    page = String(buffer: try await sam.post(client, "/bots/new", fields).body)
                }
                fields = hiddenFields(page, after: "class=\"wizard\"")
                fields.merge(["csrf": Browser.csrf(page) ?? "", "go": "test", "channel": "telegram", "token": ConsoleChangeTests.token]) { $1 }
                page = String(buffer: try await sam.post(client, "/bots/new", fields).body)
                #expect(page.contains("New bot: Channel"), "Test connection stays on the page")
                #expect(page.contains("Test connection: ok"), "\(page)")
                #expect(page.contains("@sales_test_bot"))
                #expect(page.contains("Nothing was stored."))
                #expect(!page.contains(ConsoleChangeTests.token))
                #expect(page.contains("A token is set (encrypted)."))
            }
        }
        #expect(await seen.paths == ["bot" + ConsoleChangeTests.token])
        #expect(try world.git.git("--git-dir", upstream, "rev-parse", "main") == before)
    }
}

actor Seen {
    var paths: [String] = []
    func add(_ path: String) { paths.append(path) }
}
