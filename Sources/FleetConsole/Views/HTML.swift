import FoundationEssentials
import Hummingbird

/// The one HTML-escaping helper: every value that is not markup goes through it.
func esc(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}

/// A URL path segment or query value, percent-encoded (bot names are slugs, but filters are not).
func urlPart(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = Array("0123456789ABCDEF".unicodeScalars)
            out += "%"
            out.unicodeScalars.append(hex[Int(byte >> 4)])
            out.unicodeScalars.append(hex[Int(byte & 0x0F)])
        }
    }
    return out
}

/// An HTML response.
func htmlResponse(_ body: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.contentType] = "text/html; charset=utf-8"
    return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

/// A redirect after a POST (303) or to the login page.
func redirect(to location: String, headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.location] = location
    return Response(status: .seeOther, headers: fields)
}

/// Relative time for people: `5s ago`, `3m ago`, `2h ago`, `4d ago`.
func relativeTime(_ date: Date, now: Date = Date()) -> String {
    let s = Int(now.timeIntervalSince(date))
    if s < 0 { return "just now" }
    if s < 60 { return "\(s)s ago" }
    if s < 3600 { return "\(s / 60)m ago" }
    if s < 86400 { return "\(s / 3600)h ago" }
    return "\(s / 86400)d ago"
}

/// `<time>` with the relative time as text and the absolute time on hover.
func timeTag(_ date: Date?, now: Date = Date()) -> String {
    guard let date else { return "<span class=\"muted\">never</span>" }
    let iso = date.formatted(.iso8601)
    return "<time datetime=\"\(esc(iso))\" title=\"\(esc(iso))\">\(esc(relativeTime(date, now: now)))</time>"
}
