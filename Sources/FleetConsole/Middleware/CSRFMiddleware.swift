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
        if let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
           let parts = Multipart.parse(Array(buffer: body), contentType: type) {
            for part in parts {
                if let filename = part.filename {
                    if !part.data.isEmpty { context.uploads[part.name] = Upload(filename: filename, data: part.data) }
                } else {
                    context.form[part.name] = String(decoding: part.data, as: UTF8.self)
                }
            }
        } else {
            context.form = FormData.parse(String(buffer: body))
        }
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

/// A file sent with a form (the wizard's avatar).
struct Upload: Sendable {
    var filename: String
    var data: [UInt8]
}

/// `multipart/form-data` bodies (RFC 7578): the parts' names, file names and bytes.
enum Multipart {
    struct Part {
        var name: String
        var filename: String?
        var data: [UInt8]
    }

    static func parse(_ body: [UInt8], contentType: String) -> [Part]? {
        guard let range = contentType.firstRange(of: "boundary=") else { return nil }
        var boundary = String(contentType[range.upperBound...].prefix { $0 != ";" }).trimmed
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard !boundary.isEmpty else { return nil }
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [Part] = []
        var positions: [Int] = []
        var i = 0
        while let at = find(delimiter, in: body, from: i) {
            positions.append(at)
            i = at + delimiter.count
        }
        guard positions.count >= 2 else { return nil }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var from = start + delimiter.count
            if from + 1 < body.count, body[from] == 13, body[from + 1] == 10 { from += 2 }
            var to = end
            if to >= 2, body[to - 2] == 13, body[to - 1] == 10 { to -= 2 }
            guard from <= to, let split = find(Array("\r\n\r\n".utf8), in: Array(body[from..<to]), from: 0) else { continue }
            let head = String(decoding: body[from..<(from + split)], as: UTF8.self)
            let data = Array(body[(from + split + 4)..<to])
            var name: String?, filename: String?
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: String(line))
                filename = parameter("filename", in: String(line))
            }
            if let name { parts.append(Part(name: name, filename: filename, data: data)) }
        }
        return parts
    }

    static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").map({ String($0).trimmed }) where piece.hasPrefix(key + "=") {
            var value = String(piece.dropFirst(key.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
