import FleetCore
import FleetCrypto
import FoundationEssentials
import HTTPTypes
import Hummingbird

/// `/login` and `/logout`: password logins against `fleet users set`'s file, rate-limited per
/// user name and per client address; sessions in an HttpOnly, SameSite=Strict cookie.
struct LoginController {
    let services: ConsoleServices

    func register(on router: Router<ConsoleContext>) {
        router.get("/login") { request, context in try await self.form(request, context, error: nil, status: .ok) }
        router.post("/login") { request, context in try await self.login(request, context) }
        router.post("/logout") { request, context in await self.logout(request, context) }
    }

    var cookieFlags: String { "; HttpOnly; SameSite=Strict" + (services.config.isLoopback ? "" : "; Secure") }

    var plainHTTPWarning: String? {
        services.config.isLoopback ? nil
            : "This console listens on \(services.config.host) without TLS. Its cookies are Secure, so browsers send them only over HTTPS: put a TLS reverse proxy in front (docs/console.md)."
    }

    func form(_ request: Request, _ context: ConsoleContext, error: String?, status: HTTPResponse.Status) async throws -> Response {
        if context.user != nil, error == nil { return redirect(to: "/") }
        // Keep the nonce a browser already has: a second login page (another tab, a redirected
        // sub-resource) must not invalidate the form of the first.
        let existing = request.cookies[AuthMiddleware.loginCookie]?.value
        let fresh = Hex.encode(try SecureRandom.bytes(16))
        let nonce = existing.flatMap { $0.utf8.count == 32 && Hex.decode($0) != nil ? $0 : nil } ?? fresh
        let next = Self.safeNext(FormData.parse(request.uri.query ?? "")["next"] ?? context.form["next"])
        let page = LoginPage.render(csrf: services.csrfToken(for: "login:" + nonce), next: next, error: error,
                                    proxyHeader: services.config.authHeader, warning: plainHTTPWarning)
        var headers = HTTPFields()
        headers[.setCookie] = "\(AuthMiddleware.loginCookie)=\(nonce); Path=/login; Max-Age=3600" + cookieFlags
        return htmlResponse(page, status: status, headers: headers)
    }

    func login(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard services.config.authHeader == nil else { return redirect(to: "/") }
        let name = context.form["user"] ?? ""
        let password = context.form["password"] ?? ""
        // Behind a reverse proxy on loopback every client has the proxy's address: the proxy's
        // X-Forwarded-For (its last entry, the one it added) tells them apart.
        var client = context.clientKey
        if context.isLoopbackClient, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!]?
            .split(separator: ",").last.map({ String($0).trimmed }), !forwarded.isEmpty {
            client = forwarded
        }
        let keys = ["user:" + name, "addr:" + client]
        if let wait = await services.limiter.retryAfter(keys) {
            let seconds = max(1, Int(wait.components.seconds) + 1)
            var response = try await form(request, context, error: "Too many failed logins. Wait \(seconds) seconds and try again.", status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        let root = services.config.root
        let ok = await Blocking.run { () -> Bool in
            guard AccessRule.isValidUserName(name), let users = try? ConsoleUsers.load(root: root) else {
                // The same scrypt work as a real check: timing does not tell names apart.
                _ = PasswordHash.verify(Array(password.utf8), against: "scrypt$32768$8$1$00$00")
                return false
            }
            return users.verify(name, password: Array(password.utf8))
        }
        guard ok else {
            await services.limiter.fail(keys)
            context.logger.notice("failed console login", metadata: ["user": .string(name), "client": .string(client)])
            return try await form(request, context, error: "Wrong user name or password.", status: .unauthorized)
        }
        await services.limiter.succeed("user:" + name)
        let token = try await services.sessions.create(user: name)
        context.logger.info("console login", metadata: ["user": .string(name)])
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: "\(AuthMiddleware.sessionCookie)=\(token); Path=/" + cookieFlags))
        headers.append(HTTPField(name: .setCookie, value: "\(AuthMiddleware.loginCookie)=; Path=/login; Max-Age=0" + cookieFlags))
        return redirect(to: Self.safeNext(context.form["next"]), headers: headers)
    }

    func logout(_ request: Request, _ context: ConsoleContext) async -> Response {
        if let token = context.sessionToken { await services.sessions.end(token) }
        var headers = HTTPFields()
        headers[.setCookie] = "\(AuthMiddleware.sessionCookie)=; Path=/; Max-Age=0" + cookieFlags
        return redirect(to: "/login", headers: headers)
    }

    /// Only paths of this site (never `//host` or a scheme): no open redirect.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/" }
        return next
    }
}
