import FleetCore
import FleetTestSupport
import Foundation
import TestChild
import Testing

/// One bad input given to the built `fleet` against a live fleet (two bots applied and running).
struct BadInput: Sendable {
    /// What the case is about.
    var name: String
    /// The arguments; `{repo}`, `{root}`, `{key}` and `{file}` are replaced.
    var args: [String]
    /// Repository files written before (and committed when `commit`); a nil content deletes.
    var files: [String: String?] = [:]
    var commit = true
    /// A file outside the repository, for `{file}` (an OpenClaw config to import, ...).
    var file: String?
    /// The expected exit status.
    var status: Int32
    /// Texts the output (stdout + stderr) must contain.
    var messages: [String]
}

/// What a bounded run gave.
struct BoundedResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `path args` with output to files, killing it (by pid) after `seconds`: a command that
/// does not fail (a daemon that accepted its arguments) must not hang the suite. The bound is a
/// safety net, far above what any bad input takes even on a loaded machine. Runs on a thread of
/// its own.
func runBounded(_ path: String, _ args: [String], env: [String: String], seconds: Double = 120) async throws -> (result: BoundedResult, timedOut: Bool) {
    try await offPool { try runBoundedBlocking(path, args, env: env, seconds: seconds) }
}

private func runBoundedBlocking(_ path: String, _ args: [String], env: [String: String], seconds: Double) throws -> (result: BoundedResult, timedOut: Bool) {
    let dir = try TempDirectory(prefix: "fleet-bounded")
    _ = FileManager.default.createFile(atPath: dir.file("out"), contents: nil)
    _ = FileManager.default.createFile(atPath: dir.file("err"), contents: nil)
    let process = try TestChild(path, args, env: env, stdin: .null, stdout: .file(dir.file("out")), stderr: .file(dir.file("err")))
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    let timedOut = process.isRunning
    if timedOut {
        process.kill()
    }
    let status = process.waitForExit()
    let read = { (name: String) in (try? String(contentsOfFile: dir.file(name), encoding: .utf8)) ?? "" }
    return (BoundedResult(status: status, stdout: read("out"), stderr: read("err")), timedOut)
}

/// The bad-input corpus at the command line: each case must fail with its message and change
/// nothing, neither on disk (the state root and the repository's working tree, file by file) nor
/// in the process table (the gateways of the state root, by pid). The in-process manifest corpus
/// (Fixtures/bad, BadManifestCorpusTests) is also run here through `fleet apply`.
@Suite(.serialized) struct BadInputCorpusTests {
    static let good = """
        apiVersion: fleet/v1
        kind: Bot
        metadata: {name: %NAME%}
        spec:
          model: anthropic/claude-sonnet-4-5
          channels:
            - {type: telegram, credentials: {botToken: "%TOKEN%"}, dmPolicy: pairing}
        """

    static func bot(_ name: String, token: String) -> String {
        good.replacingOccurrences(of: "%NAME%", with: name).replacingOccurrences(of: "%TOKEN%", with: token)
    }

    /// Every regular file under `dir` with its bytes, skipping `.git` and the gateways' own
    /// directories (`bots/*/state`, `bots/*/logs`: the running gateways write there).
    static func files(under dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: dir) else { return out }
        while let relative = walker.nextObject() as? String {
            let parts = relative.split(separator: "/")
            if parts.first == ".git" || (parts.count >= 3 && parts[0] == "bots" && (parts[2] == "state" || parts[2] == "logs")) {
                continue
            }
            var isDir: ObjCBool = false
            let path = dir + "/" + relative
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            out[relative] = isDir.boolValue ? Data("<dir>".utf8) : (FileManager.default.contents(atPath: path) ?? Data())
        }
        return out
    }

    struct Snapshot: Equatable {
        var root: [String: Data]
        var repo: [String: Data]
        var gateways: [String: [Int32]]
    }

    static func snapshot(_ w: FleetWorld) -> Snapshot {
        Snapshot(root: files(under: w.root), repo: files(under: w.repo), gateways: w.gateways().mapValues { $0.map(\.pid).sorted() })
    }

    static func diff(_ a: Snapshot, _ b: Snapshot) -> String {
        var out: [String] = []
        for (label, x, y) in [("root", a.root, b.root), ("repo", a.repo, b.repo)] {
            for key in Set(x.keys).union(y.keys).sorted() where x[key] != y[key] {
                out.append("\(label)/\(key) \(x[key] == nil ? "appeared" : y[key] == nil ? "vanished" : "changed")")
            }
        }
        if a.gateways != b.gateways { out.append("gateways \(a.gateways) -> \(b.gateways)") }
        return out.joined(separator: "; ")
    }

    @Test func badInputsFailWithTheirMessageAndChangeNothing() async throws {
        let w = try await FleetWorld()
        let key = try DemoKey.file()
        try w.git.write("repo", "fleet/bots/good1.yaml", Self.bot("good1", token: "tok-good1"))
        try w.git.write("repo", "fleet/bots/good2.yaml", Self.bot("good2", token: "tok-good2"))
        try w.commit("two bots")
        let applied = try await w.fleet("apply")
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")

        // A valid envelope for bot 'sealed' (encrypted with the demo key), to tamper with.
        let scratch = try TempDirectory(prefix: "fleet-bad-input")
        let plain = scratch.file("sealed.yaml")
        try Self.bot("sealed", token: "tok-sealed-123456").write(toFile: plain, atomically: true, encoding: .utf8)
        let sealedRun = try await runProcess(w.fleetBinary, ["secrets", "encrypt", plain, "--key-file", key], env: w.env())
        #expect(sealedRun.status == 0, "\(sealedRun.stdout)\(sealedRun.stderr)")
        let sealedText = try String(contentsOfFile: plain, encoding: .utf8)
        let envelopeRange = try #require(sealedText.range(of: #"ENC\[[^\]]*\]"#, options: .regularExpression))
        let envelope = String(sealedText[envelopeRange])
        func withEnvelope(_ value: String, name: String = "sealed") -> String {
            Self.bot(name, token: value)
        }
        let data = try #require(envelope.range(of: #"data:[^,]*"#, options: .regularExpression))
        var tampered = envelope
        let first = envelope.index(data.lowerBound, offsetBy: 5)
        tampered.replaceSubrange(first...first, with: envelope[first] == "A" ? "B" : "A")

        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        var cases: [BadInput] = [
            // Command-line arguments.
            BadInput(name: "unknown flag", args: ["apply", "--frobnicate", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["Unknown option '--frobnicate'"]),
            BadInput(name: "unknown command", args: ["aply"], status: 2, messages: ["aply"]),
            BadInput(name: "bad duration unit", args: ["daemon", "--interval", "5x", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["--interval needs a duration such as 30s or 5m"]),
            BadInput(name: "zero duration", args: ["daemon", "--interval", "0s", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["--interval must be at least 1s"]),
            BadInput(name: "negative lock timeout", args: ["apply", "--lock-timeout", "-3", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["lock-timeout"]),
            BadInput(name: "selector with an unclosed set", args: ["plan", "--selector", "tier in (a,b", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["selector"]),
            BadInput(name: "selector without a key", args: ["apply", "--selector", "=x", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["selector"]),
            BadInput(name: "selector with a bad operator", args: ["apply", "--selector", "tier >< 3", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["selector"]),
            BadInput(name: "no such repository", args: ["apply", "--repo", "/nonexistent/fleet-repo", "--state-root", "{root}"], status: 2, messages: ["/nonexistent/fleet-repo"]),
            BadInput(name: "no such ref", args: ["apply", "--ref", "no-such-branch", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["no-such-branch"]),
            BadInput(name: "no such manifest path", args: ["apply", "--path", "nowhere", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["nowhere"]),
            BadInput(name: "restart of an unknown bot", args: ["restart", "nosuch", "--repo", "{repo}", "--state-root", "{root}"], status: 1, messages: ["nosuch"]),
            BadInput(name: "render of an unknown bot", args: ["render", "good3", "--repo", "{repo}", "--state-root", "{root}"], status: 1, messages: ["good3"]),
            BadInput(name: "bad render target", args: ["render", "good1", "--target", "nomad", "--repo", "{repo}"], status: 2, messages: ["nomad"]),
            BadInput(name: "bad metrics address", args: ["daemon", "--metrics-listen", "127.0.0.1:99999", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["--metrics-listen needs host:port such as 127.0.0.1:9464, got '127.0.0.1:99999'"]),
            BadInput(name: "bad log level", args: ["daemon", "--log-level", "loud", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["--log-level must be one of trace, debug, info, notice, warning, error, critical, got 'loud'"]),
            BadInput(name: "bad log format", args: ["daemon", "--log-format", "xml", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["--log-format must be text or json, got 'xml'"]),
            BadInput(name: "key file that does not exist", args: ["apply", "--key-file", "/nonexistent/k.key", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["/nonexistent/k.key"]),
            BadInput(name: "unknown schema", args: ["schema", "robot"], status: 2, messages: ["kind must be 'bot' or 'fleet'"]),
            BadInput(name: "saved plan that does not exist", args: ["apply", "/nonexistent/plan.json", "--repo", "{repo}", "--state-root", "{root}"], status: 2, messages: ["/nonexistent/plan.json"]),

            // Manifests that break in ways the fixtures do not: the whole fleet is refused.
            BadInput(name: "two bots with one name in two files", args: ["apply", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/again.yaml": Self.bot("good1", token: "tok-x")], status: 1, messages: ["good1"]),
            BadInput(name: "worktree with broken YAML", args: ["apply", "--worktree", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/good2.yaml": Self.bot("good2", token: "tok-good2") + "\n  channels: [\n"], commit: false, status: 1, messages: ["good2.yaml"]),
            BadInput(name: "a typo'd field in a running bot", args: ["apply", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/good1.yaml": Self.bot("good1", token: "tok-good1") + "\n  modle: openai/gpt-4o\n"], status: 1, messages: ["modle", "model"]),

            BadInput(name: "more bots than the host has ports", args: ["plan", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/fleet.yaml": "apiVersion: fleet/v1\nkind: Fleet\nmetadata: {name: test}\nspec:\n  secrets: {allowPlaintext: true}\n  basePort: 65000\n  portStride: 500\n  gatewayCommand: [openclaw-sim, gateway, run]\n"],
                     status: 1, messages: ["past the last usable gateway port 65427"]),

            // Envelopes.
            BadInput(name: "envelope without a key", args: ["apply", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/sealed.yaml": withEnvelope(envelope)], status: 1, messages: ["sealed"]),
            BadInput(name: "tampered envelope", args: ["apply", "--key-file", "{key}", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/sealed.yaml": withEnvelope(tampered)], status: 1, messages: ["sealed"]),
            BadInput(name: "envelope moved to another bot", args: ["apply", "--key-file", "{key}", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/thief.yaml": withEnvelope(envelope, name: "thief")], status: 1, messages: ["thief"]),
            BadInput(name: "envelope with an unknown algorithm", args: ["apply", "--key-file", "{key}", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/sealed.yaml": withEnvelope(envelope.replacingOccurrences(of: "AES256_GCM", with: "AES128_CBC"))], status: 1, messages: ["AES128_CBC"]),
            BadInput(name: "envelope without its end", args: ["apply", "--key-file", "{key}", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/sealed.yaml": withEnvelope(String(envelope.dropLast()))], status: 1, messages: ["']'"]),
            BadInput(name: "envelope with a short nonce", args: ["apply", "--key-file", "{key}", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/sealed.yaml": withEnvelope(envelope.replacingOccurrences(of: #"iv:[^,]*"#, with: "iv:AAAA", options: .regularExpression))], status: 1, messages: ["iv"]),
            BadInput(name: "envelope with bad base64", args: ["apply", "--key-file", "{key}", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/sealed.yaml": withEnvelope(envelope.replacingOccurrences(of: "data:", with: "data:!*"))], status: 1, messages: ["base64"]),
            BadInput(name: "envelope of an unknown key id", args: ["apply", "--key-file", "{key}", "--repo", "{repo}", "--state-root", "{root}"],
                     files: ["fleet/bots/sealed.yaml": withEnvelope(envelope.replacingOccurrences(of: #"kid:[^\]]*"#, with: "kid:0badc0de", options: .regularExpression))], status: 1, messages: ["0badc0de"]),
            BadInput(name: "secrets decrypt of a tampered envelope", args: ["secrets", "decrypt", "{repo}/fleet/bots/sealed.yaml", "--key-file", "{key}", "--repo", "{repo}"],
                     files: ["fleet/bots/sealed.yaml": withEnvelope(tampered)], status: 1, messages: ["sealed"]),

            // OpenClaw configs to import (JSON5).
            BadInput(name: "import: unexpected character", args: ["import", "{file}", "--out", "{repo}/imported"], file: "{ gateway: { port: 18789 }, }\n}", status: 1, messages: ["line 2"]),
            BadInput(name: "import: unterminated string", args: ["import", "{file}", "--out", "{repo}/imported"], file: "{ agents: { list: [{ id: \"a }] } }", status: 1, messages: ["string"]),
            BadInput(name: "import: not an object", args: ["import", "{file}", "--out", "{repo}/imported"], file: "[1, 2, 3]", status: 1, messages: ["not an object"]),
            BadInput(name: "import: empty file", args: ["import", "{file}", "--out", "{repo}/imported"], file: "", status: 1, messages: ["line 1, column 1: unexpected end of input"]),
            BadInput(name: "import: bad hex escape", args: ["import", "{file}", "--out", "{repo}/imported"], file: "{ a: \"\\x4g\" }", status: 1, messages: ["line 1, column 10: invalid hexadecimal escape"]),
            BadInput(name: "import: too deep", args: ["import", "{file}", "--out", "{repo}/imported"], file: "{ a: \(deep) }", status: 1, messages: ["deep"]),
            BadInput(name: "import: trailing garbage", args: ["import", "{file}", "--out", "{repo}/imported"], file: "{ a: 1 } x", status: 1, messages: ["line 1"]),
            BadInput(name: "import: leading zero", args: ["import", "{file}", "--out", "{repo}/imported"], file: "{ a: 01 }", status: 1, messages: ["line 1, column 8: leading zeros are not allowed"]),
            BadInput(name: "import: missing file", args: ["import", "/nonexistent/openclaw.json", "--out", "{repo}/imported"], status: 2, messages: ["/nonexistent/openclaw.json"]),
        ]

        // The in-process manifest corpus, through `fleet apply` against the running fleet.
        let fixtures = TestPaths.repositoryRoot(from: #filePath) + "/Tests/FleetCoreTests/Fixtures/bad"
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures).sorted() where name.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: fixtures + "/" + name, encoding: .utf8)
            let codes = text.split(separator: "\n").prefix { $0.hasPrefix("#") }
                .filter { $0.hasPrefix("# expect: ") }.compactMap { $0.split(separator: " ").dropFirst(2).first.map(String.init) }
            let errors = codes.filter { $0.hasPrefix("E") }
            guard !errors.isEmpty else { continue }
            cases.append(BadInput(
                name: "manifest fixture \(name)", args: ["apply", "--repo", "{repo}", "--state-root", "{root}"],
                files: ["fleet/bots/zz-\(name)": text], status: 1, messages: errors.map { "error[\($0)]" }))
        }
        #expect(cases.count >= 60, "\(cases.count) cases")

        let base = try w.git.git("rev-parse", "HEAD", in: "repo")
        var failures = 0
        for c in cases {
            for (path, content) in c.files {
                if let content { try w.git.write("repo", path, content) } else { try? w.git.remove("repo", path) }
            }
            if c.commit && !c.files.isEmpty { try w.commit(c.name) }
            var file = ""
            if let content = c.file {
                file = scratch.file("openclaw-\(cases.firstIndex { $0.name == c.name } ?? 0).json5")
                try content.write(toFile: file, atomically: true, encoding: .utf8)
            }
            let args = c.args.map {
                $0.replacingOccurrences(of: "{repo}", with: w.repo).replacingOccurrences(of: "{root}", with: w.root)
                    .replacingOccurrences(of: "{key}", with: key).replacingOccurrences(of: "{file}", with: file)
            }
            let before = Self.snapshot(w)
            let (result, timedOut) = try await runBounded(w.fleetBinary, args, env: w.env())
            let after = Self.snapshot(w)
            let output = result.stdout + result.stderr
            var problems: [String] = []
            if timedOut { problems.append("still running after 120 s (killed)") }
            if result.status != c.status { problems.append("exit \(result.status), expected \(c.status)") }
            for m in c.messages where !output.contains(m) { problems.append("no '\(m)' in the output") }
            if output.contains("Fatal error") || output.contains("Swift runtime failure") { problems.append("crashed") }
            if before != after { problems.append("changed: \(Self.diff(before, after))") }
            if !problems.isEmpty {
                failures += 1
                Issue.record("\(c.name): \(problems.joined(separator: "; "))\n$ fleet \(args.joined(separator: " "))\n\(output.prefix(1500))")
            }
            _ = try w.git.git("reset", "-q", "--hard", base, in: "repo")
            _ = try w.git.git("clean", "-q", "-fdx", in: "repo")
        }
        print("bad-input corpus: \(cases.count) cases at the command line, \(failures) failed")
        // The fleet is still as applied.
        #expect(Set(w.gateways().keys) == ["good1", "good2"])
    }
}
