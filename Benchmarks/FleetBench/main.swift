// fleet-bench: in-process timings of fleet's pure stages on a generated fleet.
//
//   swift run -c release fleet-bench render 1000     # median of 15 renders of 1,000 bots
//   swift run -c release fleet-bench load 1000       # median of 15 parses+validations
//
// Figures and the machine they were taken on: Benchmarks/README.md.
import FleetCore
import Foundation

func generatedFiles(_ count: Int) -> [SourceFile] {
    var files = [SourceFile(path: "fleet/fleet.yaml", bytes: Array("""
        apiVersion: fleet/v1
        kind: Fleet
        metadata: {name: bench}
        spec: {maxBots: \(count), defaults: {model: anthropic/claude-sonnet-4-5}}
        """.utf8))]
    let types = ["telegram", "discord", "slack"]
    for i in 0..<count {
        let type = types[i % 3]
        let credentials = type == "telegram" ? "{botToken: \"\(i):t\"}" : type == "discord" ? "{token: \"d\(i)\"}"
            : "{botToken: \"xoxb-\(i)\", appToken: \"xapp-\(i)\"}"
        files.append(SourceFile(path: "fleet/bots/bot-\(i).yaml", bytes: Array("""
            apiVersion: fleet/v1
            kind: Bot
            metadata: {name: bot-\(i), labels: {shard: s\(i % 4)}}
            spec:
              displayName: Bot \(i)
              systemPrompt: You are bot number \(i). Be helpful.
              session: {scope: per-sender, reset: {mode: daily, atHour: 4}}
              tools: {bash: false, web: true, media: true}
              channels:
                - type: \(type)
                  credentials: \(credentials)
                  dmPolicy: allowlist
                  allowFrom: ["\(100_000 + i)"]
              bindings:
                - {channel: \(type), accountId: default, priority: 1}

            """.utf8)))
    }
    return files
}

func median(_ samples: [Duration]) -> Duration { samples.sorted()[samples.count / 2] }

func ms(_ d: Duration) -> String {
    String(format: "%.2f ms", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
}

let args = CommandLine.arguments.dropFirst()
guard let stage = args.first, let count = args.dropFirst().first.flatMap(Int.init) else {
    print("usage: fleet-bench render|load N [RUNS]")
    exit(2)
}
let runs = args.dropFirst(2).first.flatMap(Int.init) ?? 15
let snapshot = SourceSnapshot(commit: nil, files: generatedFiles(count), diagnostics: [], source: ManifestSource())
let clock = ContinuousClock()
var samples: [Duration] = []
switch stage {
case "load":
    for _ in 0..<runs {
        samples.append(clock.measure {
            let set = ManifestLoader.load(snapshot)
            precondition(set.isValid && set.bots.count == count)
        })
    }
case "render":
    let set = ManifestLoader.load(snapshot)
    precondition(set.isValid, "\(set.diagnostics.prefix(3))")
    let renderer = Renderer(fleet: set.fleet, stateRoot: "/var/openclaw", commit: "abc1234",
                            fingerprinter: Fingerprinter(key: Array("bench".utf8)))
    for _ in 0..<runs {
        samples.append(clock.measure {
            let ports = PortAllocator(basePort: 18789, stride: 20).allocate(set.bots, previous: [:])
            var bytes = 0
            for bot in set.bots {
                bytes += (try? renderer.render(bot, port: ports[bot.name] ?? 0).fileText.utf8.count) ?? 0
            }
            precondition(bytes > 0)
        })
    }
default:
    print("unknown stage \(stage)")
    exit(2)
}
print("\(stage) \(count) bots: median \(ms(median(samples))) over \(runs) runs (min \(ms(samples.min() ?? .zero)), max \(ms(samples.max() ?? .zero)))")
