import OpenClawWire
import Testing

/// The shared HTTP/1 heads: the server's request parser, the client's response parser, the writers.
@Suite struct HTTPParserTests {
    func request(_ text: String, limits: HTTPParser.Limits = HTTPParser.Limits()) -> HTTPParser.RequestResult {
        HTTPParser.parseRequest(Array(text.utf8), limits: limits)
    }

    @Test func requestsParseWithTheirBodyAndTheRestLeftAlone() throws {
        let text = "POST /readyz?verbose=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nX-A: 1\r\nx-a: 2\r\n\r\nabcGET / HTTP/1.1\r\n"
        guard case .request(let head, let body, let used) = request(text) else { Issue.record("no request"); return }
        #expect(head.method == "POST" && head.target == "/readyz?verbose=1" && head.path == "/readyz" && head.version == "HTTP/1.1")
        #expect(head.headers["x-a"] == "2" && head.headers["HOST"] == "x", "names ignore case; the last value wins")
        #expect(Array(Array(text.utf8)[body]) == Array("abc".utf8))
        #expect(used == text.utf8.count - "GET / HTTP/1.1\r\n".utf8.count)
        // Bare LF line ends and empty lines before the request line (RFC 9112 §2.2).
        guard case .request(let lf, _, _) = request("\r\nGET /healthz HTTP/1.0\nConnection: keep-alive\n\n") else {
            Issue.record("bare LF refused"); return
        }
        #expect(lf.path == "/healthz" && lf.keepAlive)
    }

    @Test func keepAliveFollowsTheVersionAndTheConnectionTokens() throws {
        func keepAlive(_ version: String, _ connection: String?) -> Bool {
            var headers = HTTPHeaders()
            if let connection { headers.add("Connection", connection) }
            return HTTPRequestHead(method: "GET", target: "/", version: version, headers: headers).keepAlive
        }
        #expect(keepAlive("HTTP/1.1", nil) && !keepAlive("HTTP/1.1", "close") && !keepAlive("HTTP/1.1", "Upgrade, Close"))
        #expect(!keepAlive("HTTP/1.0", nil) && keepAlive("HTTP/1.0", "Keep-Alive"))
        #expect(HTTPHeaders([("Connection", "keep-alive, Upgrade")]).contains("connection", token: "upgrade"))
        #expect(!HTTPHeaders([("Connection", "upgraded")]).contains("connection", token: "upgrade"))
    }

    @Test func badRequestsGetTheirStatus() {
        #expect(request("GET /\r\n\r\n") == .invalid(status: 400))
        #expect(request("GET / SPDY/3\r\n\r\n") == .invalid(status: 400))
        #expect(request("GET / HTTP/1.1\r\nno colon here\r\n\r\n") == .invalid(status: 400))
        #expect(request("POST / HTTP/1.1\r\nContent-Length: lots\r\n\r\n") == .invalid(status: 400))
        #expect(request("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == .invalid(status: 501))
        #expect(request("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", limits: .init(maxBodyBytes: 10)) == .invalid(status: 413))
        let long = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100)
        #expect(request(long, limits: .init(maxHeadBytes: 64)) == .invalid(status: 431), "no end of head within the limit")
        #expect(request(long + "\r\n\r\n", limits: .init(maxHeadBytes: 64)) == .invalid(status: 431))
    }

    @Test func requestsCutAtEveryByteNeedMore() {
        let text = Array("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello".utf8)
        for cut in 0..<text.count {
            #expect(HTTPParser.parseRequest(Array(text[0..<cut])) == .needMore, "cut at \(cut)")
        }
        #expect(HTTPParser.parseRequest(text) != .needMore)
    }

    @Test func headsWriteWhatTheParsersRead() throws {
        let head = HTTPRequestHead(method: "GET", target: "/", headers: [("Host", "127.0.0.1:1"), ("Upgrade", "websocket")])
        #expect(String(decoding: head.encode(), as: UTF8.self) == "GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nUpgrade: websocket\r\n\r\n")
        guard case .request(let back, _, _) = HTTPParser.parseRequest(head.encode()) else { Issue.record("unreadable"); return }
        #expect(back == head)
        let response = HTTPResponseHead(status: 101, headers: [("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")])
        #expect(String(decoding: response.encode(), as: UTF8.self)
                == "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
        guard case .head(let parsed, let used) = HTTPParser.parseResponseHead(response.encode() + [0x81, 0x00]) else {
            Issue.record("unreadable"); return
        }
        #expect(parsed == response && used == response.encode().count, "the frame after the head is left alone")
        #expect(HTTPResponseHead(status: 599).reason == "Status 599")
    }

    @Test func responsesFramedByLengthChunksOrClose() {
        let length = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA".utf8)
        #expect(HTTPParser.parseResponse(length) == .response(HTTPResponseHead(status: 200, reason: "OK", headers: [("Content-Length", "5")]),
                                                              body: Array("hello".utf8), consumed: length.count - 5))
        let chunked = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n6\r\npedia \r\n0\r\nX-Trailer: t\r\n\r\n".utf8)
        guard case .response(_, let body, let used) = HTTPParser.parseResponse(chunked) else { Issue.record("chunked"); return }
        #expect(body == Array("Wikipedia ".utf8) && used == chunked.count)
        for cut in 0..<chunked.count {
            #expect(HTTPParser.parseResponse(Array(chunked[0..<cut])) == .needMore, "chunked cut at \(cut)")
        }
        let toClose = Array("HTTP/1.0 503 Service Unavailable\r\n\r\n{\"ready\":false}".utf8)
        #expect(HTTPParser.parseResponse(toClose) == .needMore, "no length: the body runs to the end of the connection")
        guard case .response(let head, let rest, _) = HTTPParser.parseResponse(toClose, atEnd: true) else { Issue.record("to close"); return }
        #expect(head.status == 503 && rest == Array("{\"ready\":false}".utf8))
        // HEAD answers, 204 and 304 have no body whatever Content-Length says.
        let headAnswer = Array("HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n".utf8)
        #expect(HTTPParser.parseResponse(headAnswer, bodyless: true) == .response(
            HTTPResponseHead(status: 200, reason: "OK", headers: [("Content-Length", "30")]), body: [], consumed: headAnswer.count))
        #expect(HTTPParser.parseResponse(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8)) != .needMore)
        // Cut short at the end of the connection: what came.
        guard case .response(_, let short, _) = HTTPParser.parseResponse(Array(length[0..<(length.count - 8)]), atEnd: true) else {
            Issue.record("short"); return
        }
        #expect(short == Array("he".utf8))
    }

    @Test func notHTTPIsInvalid() {
        for text in ["SSH-2.0-OpenSSH_9.2\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n"] {
            guard case .invalid = HTTPParser.parseResponse(Array(text.utf8)) else { Issue.record("\(text) accepted"); continue }
        }
        guard case .invalid = HTTPParser.parseResponse(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8)) else {
            Issue.record("a bad chunk size was accepted"); return
        }
        guard case .invalid = HTTPParser.parseResponse([], atEnd: true) else { Issue.record("nothing was an answer"); return }
        #expect(HTTPParser.parseResponse(Array("HTTP/1.1 200".utf8)) == .needMore)
    }
}
