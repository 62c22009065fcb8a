import FleetCore
import FoundationEssentials
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Synchronization

/// Server-Sent Events: `/events` pushes the dashboard's (or one bot page's) live fragments when
/// the snapshot changes; `/bots/NAME/logs/stream` pushes new log lines. Both show a user only
/// the bots their access selects, and both end on graceful shutdown.
struct EventsController {
    let services: ConsoleServices

    func register(on router: Router<ConsoleContext>) {
        router.get("/events") { request, context in await self.events(request, context) }
        router.get("/bots/:name/logs/stream") { request, context in try await self.logStream(request, context) }
    }

    static var streamHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return headers
    }

    /// What one update carries: HTML fragments by `data-live` key, phases by bot, and a sentence
    /// for the live region when phases changed.
    struct Update: Encodable {
        var version: Int
        var fragments: [String: String]
        var phases: [String: String]
        /// The visible bots in name order (a dashboard adds rows for new ones and drops gone ones).
        var bots: [String]?
        var announce: String?
        var alert: Bool
    }

    static func update(_ snapshot: FleetSnapshot, policy: AccessPolicy, bot: String?, previous: inout [String: BotPhase]) -> Update {
        let visible = snapshot.visibleBots(policy)
        var fragments: [String: String] = [:]
        var phases: [String: String] = [:]
        let now = Date()
        if let bot {
            if let b = visible.first(where: { $0.name == bot }) {
                fragments["status:\(b.name)"] = BotPage.status(b, now: now)
                phases[b.name] = b.state.phase.rawValue
            }
        } else {
            fragments["summary"] = DashboardView.summary(snapshot, visible: visible, policy: policy)
            for b in visible {
                fragments["row:\(b.name)"] = DashboardView.row(b, now: now)
                fragments["card:\(b.name)"] = DashboardView.card(b, now: now)
                phases[b.name] = b.state.phase.rawValue
            }
        }
        var changes: [String] = []
        var alert = false
        for b in visible where bot == nil || b.name == bot {
            let phase = b.state.phase
            if let old = previous[b.name], old != phase {
                changes.append("\(b.name) is now \(phase.rawValue) (was \(old.rawValue))")
                if phase == .Failed || phase == .CrashLoop { alert = true }
            }
            previous[b.name] = phase
        }
        return Update(version: snapshot.version, fragments: fragments, phases: phases, bots: bot == nil ? visible.map(\.name) : nil,
                      announce: changes.isEmpty ? nil : changes.joined(separator: "; "), alert: alert)
    }

    func events(_ request: Request, _ context: ConsoleContext) async -> Response {
        let bot = FormData.parse(request.uri.query ?? "")["bot"]
        let user = context.user
        let services = self.services
        let stream = await services.store.subscribe()
        return Response(status: .ok, headers: Self.streamHeaders, body: ResponseBody { writer in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var previous: [String: BotPhase] = [:]
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            // On graceful shutdown the store ends every stream, which ends this response (the
            // server waits for open responses before it stops).
            try await withGracefulShutdownHandler {
                for await event in stream {
                    switch event {
                    case .heartbeat:
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    case .snapshot(let snapshot):
                        let policy = services.policy(user, snapshot)
                        let update = Self.update(snapshot, policy: policy, bot: bot, previous: &previous)
                        let data = String(decoding: try encoder.encode(update), as: UTF8.self)
                        try await writer.write(ByteBuffer(string: "event: update\ndata: \(data)\n\n"))
                    }
                }
            } onGracefulShutdown: {
                Task { await services.store.stop() }
            }
            try await writer.finish(nil)
        })
    }

    func logStream(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let snapshot = await services.store.snapshot
        let policy = services.policy(context.user, snapshot)
        guard let bot = snapshot.bots[name], policy.role(forLabels: bot.labels) != nil else {
            return htmlResponse(ErrorPage.render(title: "No such bot", status: 404, message: "There is no bot '\(name)' on this host that you may see.", user: context.user), status: .notFound)
        }
        let query = FormData.parse(request.uri.query ?? "")
        let minimum = LogLevelName.parse(query["level"] ?? "") ?? 0
        let text = query["q"] ?? ""
        let after = query["after"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) } ?? Date()
        let follower = FollowerBox(LogFollower(path: BotPaths(root: services.config.root, name: name).logFile))
        let interval = services.config.pollInterval
        return Response(status: .ok, headers: Self.streamHeaders, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            // Lines written since the page was made (after its last line), then new ones.
            var pending = await Blocking.run { follower.backlog() }.filter { ($0.time ?? .distantFuture) > after }
            let stopping = StopFlag()
            var lastWrite = ContinuousClock.now
            try await withGracefulShutdownHandler {
                while !Task.isCancelled, !stopping.isSet {
                    for entry in pending where LogTail.matches(entry, minimum: minimum, text: text) {
                        let payload = "{\"html\":" + JSONText.quote(BotPage.logLine(entry)) + "}"
                        try await writer.write(ByteBuffer(string: "event: line\ndata: \(payload)\n\n"))
                        lastWrite = .now
                    }
                    if ContinuousClock.now - lastWrite >= .seconds(15) {
                        // Tells whether the client is still there (a failed write ends this).
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        lastWrite = .now
                    }
                    try? await Task.sleep(for: interval)
                    pending = await Blocking.run { follower.poll() }
                }
            } onGracefulShutdown: {
                stopping.set()
            }
            try await writer.finish(nil)
        })
    }
}

/// One log follower used by one stream, one call at a time (the stream awaits each call before
/// the next), so it never runs on two threads at once.
final class FollowerBox: @unchecked Sendable {
    private let follower: LogFollower
    private let name: String

    init(_ follower: LogFollower) {
        self.follower = follower
        name = follower.path.split(separator: "/").dropLast(2).last.map(String.init) ?? ""
    }

    func backlog() -> [LogEntry] {
        follower.backlog(maxBytes: 256 << 10).compactMap { OpenClawLog.parse(Substring($0), bot: name) }
    }

    func poll() -> [LogEntry] {
        follower.poll().compactMap { OpenClawLog.parse(Substring($0), bot: name) }
    }
}

/// Set once, read from any thread (graceful shutdown tells a stream to end).
final class StopFlag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }

    func set() { value.withLock { $0 = true } }
}

/// A JSON string literal.
enum JSONText {
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            default:
                if c.value < 0x20 {
                    let hex = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
