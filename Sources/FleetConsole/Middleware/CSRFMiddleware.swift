import FoundationEssentials
import Hummingbird

/// Every POST carries the form token of the user's session (or, for the login form, of the
/// login cookie); without it the request is refused with a page that says why. The form's
/// fields go into the context for the controllers.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = ConsoleContext
    let services: ConsoleServices

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var request = request
        var context = context
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: context.maxUploadSize)
        } catch {
            return htmlResponse(ErrorPage.render(title: "Form too large", status: 413, message: "Forms here are small; this one was over 3 MiB.", user: context.user), status: .contentTooLarge)
        }
        context.form = FormData.parse(String(buffer: body))
        let expected: String
        if request.uri.path == "/login" {
            expected = request.cookies[AuthMiddleware.loginCookie].map { services.csrfToken(for: "login:" + $0.value) } ?? ""
        } else {
            expected = context.csrfToken
        }
        guard services.csrfMatches(context.form["csrf"], expected: expected) else {
            return htmlResponse(ErrorPage.render(
                title: "Form refused", status: 403,
                message: "This form did not carry its security token (CSRF), or the token is from another session. Nothing was done. Go back, reload the page and try again.",
                user: context.user), status: .forbidden)
        }
        return try await next(request, context)
    }
}

/// `application/x-www-form-urlencoded` bodies and query strings.
enum FormData {
    static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = parts.first.map({ decode($0) }), !key.isEmpty else { continue }
            out[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), utf8.count >= 2,
                      let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
