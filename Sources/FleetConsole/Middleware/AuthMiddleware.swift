import FoundationEssentials
import HTTPTypes
import Hummingbird

/// Who is asking: the login session's cookie, or (with `--auth-header`) the header a reverse
/// proxy on loopback sets. Pages need a user; without one a GET goes to the login page and
/// anything else is refused (401).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ConsoleContext
    let services: ConsoleServices

    /// Paths anyone may fetch.
    static func isPublic(_ path: String) -> Bool {
        path == "/login" || path == "/healthz" || path == "/favicon.ico" || path.hasPrefix("/assets/")
    }

    static let sessionCookie = "fleet_session"
    static let loginCookie = "fleet_login"

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = services.config.authHeader {
            // Only a proxy on this host may vouch for a user; anyone else could send the header.
            if let name = request.headers[values: HTTPField.Name(header) ?? .authorization].first, context.isLoopbackClient,
               !name.isEmpty {
                context.user = name
                context.proxyEmail = request.headers[HTTPField.Name("X-Forwarded-Email")!]
                context.csrfToken = services.csrfToken(for: "user:" + name)
            }
        } else if let token = request.cookies[Self.sessionCookie]?.value, let user = await services.sessions.user(for: token) {
            let snapshot = await services.store.snapshot
            if snapshot.passwordUsers.contains(user) {
                context.user = user
                context.sessionToken = token
                context.csrfToken = services.csrfToken(for: "session:" + token)
            } else if snapshot.version > 0 {
                // The password was removed (fleet users remove): the session ends. (Before the
                // first refresh nothing is known yet, and nothing is ended.)
                await services.sessions.end(token)
            }
        }
        if context.user == nil, !Self.isPublic(request.uri.path) {
            if request.method == .get || request.method == .head {
                let target = request.uri.path == "/" ? "/login" : "/login?next=" + urlPart(request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))
                return redirect(to: target)
            }
            let why = services.config.authHeader != nil
                ? "This console trusts the \(services.config.authHeader ?? "") header from a reverse proxy on this host, and this request came without it."
                : "You are not logged in, or your session ended."
            return htmlResponse(ErrorPage.render(title: "Not logged in", status: 401, message: why, user: nil), status: .unauthorized)
        }
        return try await next(request, context)
    }
}
