import Hummingbird

/// `/assets/console.css` and `/assets/console.js`, from the binary; and `/healthz`.
struct AssetController {
    func register(on router: Router<ConsoleContext>) {
        router.get("/assets/console.css") { _, _ in Self.asset(ConsoleStyle.text, type: "text/css; charset=utf-8") }
        router.get("/assets/console.js") { _, _ in Self.asset(ConsoleScript.text, type: "text/javascript; charset=utf-8") }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent, headers: [.cacheControl: "public, max-age=86400"]) }
        router.get("/healthz") { _, _ in Self.asset("ok\n", type: "text/plain; charset=utf-8", cache: "no-store") }
    }

    static func asset(_ text: String, type: String, cache: String = "public, max-age=3600") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = cache
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
