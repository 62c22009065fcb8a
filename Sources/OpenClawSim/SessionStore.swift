import OpenClawConfig

/// The session index and transcripts. The 2026.4 line keeps the index in
/// `<state>/agents/<agentId>/sessions/sessions.json` (a map from session key to metadata, written
/// atomically; OpenClaw: src/config/sessions/store.ts). Later releases keep it in SQLite, which the
/// stand-in does not write: it keeps the same map in a stand-in-only file under `agent/`, so a
/// reader looking for `sessions.json` finds none, as with the real release. Transcripts are
/// `<sessionId>.jsonl` beside the 2026.4 index in both.
final class SessionStore {
    let stateDir: String
    private(set) var agentId: String
    let rule: SessionStoreRule
    private var entries: [String: JSONValue]?

    init(stateDir: String, agentId: String, rule: SessionStoreRule = .json) {
        self.stateDir = stateDir
        self.agentId = agentId
        self.rule = rule
    }

    var directory: String { "\(stateDir)/agents/\(agentId)/sessions" }
    var indexPath: String {
        switch rule {
        case .json: return "\(directory)/sessions.json"
        case .sqlite: return "\(stateDir)/agents/\(agentId)/agent/openclaw-sim-sessions.json"
        }
    }

    /// The agent sessions belong to: the `default: true` entry of `agents.list`, else its first
    /// entry, else `main`.
    static func agentId(in config: JSONValue) -> String {
        // Keyed agents.entries (2026.8+) have no default marker: the first key (OpenClaw:
        // src/config/legacy.roster.ts); agents.list (2026.4) the `default: true` one, else the first.
        if let entries = config["agents"]?["entries"]?.objectValue, let first = entries.keys.sorted().first {
            return first
        }
        let list = config["agents"]?["list"]?.arrayValue ?? []
        let chosen = list.first { $0["default"]?.boolValue == true } ?? list.first
        return chosen?["id"]?.stringValue ?? "main"
    }

    func switchAgent(to id: String) {
        guard id != agentId else { return }
        agentId = id
        entries = nil
    }

    private func load() -> [String: JSONValue] {
        if let entries { return entries }
        var loaded: [String: JSONValue] = [:]
        if case .success(let bytes) = FileSystem.read(indexPath),
           let value = try? JSON5.parse(String(decoding: bytes, as: UTF8.self)), let members = value.objectValue {
            loaded = members
        }
        entries = loaded
        return loaded
    }

    /// Every session entry by key, as on disk.
    func all() -> [String: JSONValue] { load() }

    /// Records one inbound message and its reply (nil: the agent run failed, so no reply and no
    /// output tokens): updates the session entry and appends both to the transcript. Returns the
    /// session key.
    @discardableResult
    func recordExchange(channel: String, accountId: String, peer: String, text: String, reply: String?) -> String {
        var all = load()
        let key = "agent:\(agentId):\(channel):direct:\(peer)"
        let now = Clock.wallMs()
        let existing = all[key]
        let sessionId = existing?["sessionId"]?.stringValue ?? Self.newSessionId()
        let input = (existing?["inputTokens"]?.intValue ?? 0) + Int64.random(in: 20...200)
        let output = (existing?["outputTokens"]?.intValue ?? 0) + (reply == nil ? 0 : Int64.random(in: 40...400))
        all[key] = .object([
            "sessionId": .string(sessionId),
            "updatedAt": .int(now),
            "channel": .string(channel),
            "lastAccountId": .string(accountId),
            "chatType": .string("direct"),
            "displayName": .string("\(channel):\(peer)"),
            "inputTokens": .int(input),
            "outputTokens": .int(output),
            "totalTokens": .int(input + output),
        ])
        entries = all
        FileSystem.writeAtomically(indexPath, Array((JSONValue.object(all).json(pretty: true) + "\n").utf8))

        let transcript = "\(directory)/\(sessionId).jsonl"
        var lines = ""
        let iso = Clock.iso8601(ms: now)
        if existing == nil {
            lines += JSONValue.object([
                "type": .string("session"), "version": .int(1), "id": .string(sessionId), "timestamp": .string(iso),
            ]).json(pretty: false) + "\n"
        }
        for (role, content) in [("user", text)] + (reply.map { [("assistant", $0)] } ?? []) {
            lines += JSONValue.object([
                "type": .string("message"), "timestamp": .string(iso),
                "message": .object([
                    "role": .string(role),
                    "content": .array([.object(["type": .string("text"), "text": .string(content)])]),
                ]),
            ]).json(pretty: false) + "\n"
        }
        FileSystem.append(transcript, Array(lines.utf8))
        return key
    }

    /// A random UUID (version 4).
    static func newSessionId() -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-"
            + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}
