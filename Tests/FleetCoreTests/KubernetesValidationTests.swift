@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import Testing

/// The offline validator `kubernetes-validate` (PyPI; `.ci/run` installs it), if on PATH.
enum KubernetesValidate {
    static let path: String? = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/local/bin", "/root/.local/bin"]
        return dirs.map { $0 + "/kubernetes-validate" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The tool's own entry point in one Python process, with each schema file read once and
    /// YAML parsed by libyaml (the same checks, about six times faster over hundreds of
    /// objects); the plain command when its Python modules are not importable from `python3`.
    static let driver = """
        import functools, sys, yaml
        import kubernetes_validate.utils as u
        from kubernetes_validate.__main__ import main
        if hasattr(u, "schema_contents"):
            u.schema_contents = functools.lru_cache(maxsize=None)(u.schema_contents)
        if getattr(yaml, "__with_libyaml__", False) and hasattr(u, "resources_from_file"):
            def resources_from_file(filename):
                with open(filename) as f:
                    return [item for item in yaml.load_all(f.read(), Loader=yaml.CSafeLoader) if item]
            u.resources_from_file = resources_from_file
        sys.argv[0] = "kubernetes-validate"
        sys.exit(main())
        """

    static func run(_ arguments: [String]) throws -> ProcessResult {
        let fast = try runProcess("/usr/bin/env", ["python3", "-c", driver] + arguments)
        if fast.stderr.contains("ModuleNotFoundError"), let path {
            return try runProcess(path, arguments)
        }
        return fast
    }
}

@Suite struct KubernetesValidationTests {
    /// Renders the demo fleet (with Secrets and with ExternalSecrets), the examples and a
    /// 200-bot fleet into one directory each.
    func renderEverything(into root: String) throws -> [String: KubernetesBundle] {
        let bundles: [String: KubernetesBundle] = [
            "demo": try KubernetesFixtures.bundle(try KubernetesFixtures.load("fleet")),
            "demo-external": try KubernetesFixtures.bundle(try KubernetesFixtures.load("fleet"), externalSecrets: true),
            "examples": try KubernetesFixtures.bundle(try KubernetesFixtures.load("examples")),
            "generated": try KubernetesFixtures.bundle(try KubernetesFixtures.generated(200)),
        ]
        for (name, bundle) in bundles { try KubernetesOutput.write(bundle, to: root + "/" + name) }
        return bundles
    }

    @Test(.enabled(if: KubernetesValidate.path != nil,
                   "kubernetes-validate is not installed (pip install kubernetes-validate); Kubernetes schemas not checked"))
    func everyObjectValidatesAgainstTheKubernetesSchemas() throws {
        let dir = try TempDirectory(prefix: "fleet-k8s")
        let bundles = try renderEverything(into: dir.path)
        #expect(bundles["generated"]?.objects.count == 800)
        var files: [String] = []
        var external: [String] = []
        for name in bundles.keys.sorted() {
            for object in bundles[name]?.objects ?? [] {
                let path = "\(dir.path)/\(name)/\(object.file)"
                if object.file.hasSuffix("/externalsecret.yaml") { external.append(path) } else { files.append(path) }
            }
        }
        // One run over every file keeps it fast. ExternalSecret is a custom resource the
        // validator has no schema for: it may only warn about those.
        let result = try KubernetesValidate.run(["--strict", "--quiet"] + files + external)
        #expect(result.status == 0, "\(result.stdout.prefix(4000))\(result.stderr.prefix(2000))")
        let complaints = (result.stdout + result.stderr).split(separator: "\n").filter { line in
            !external.contains { line.contains($0 + " Couldn't find schema for kind ExternalSecret") }
        }
        #expect(complaints.isEmpty, "\(complaints.prefix(20).joined(separator: "\n"))")
    }

    /// What a YAML reader gets from the files is exactly the objects fleet built (quoting,
    /// literal blocks, indentation), checked with PyYAML, which kubernetes-validate brings.
    @Test(.enabled(if: KubernetesValidate.path != nil, "PyYAML comes with kubernetes-validate, which is not installed"))
    func theYAMLReadsBackAsTheObjects() throws {
        let dir = try TempDirectory(prefix: "fleet-k8s")
        let bundles = try renderEverything(into: dir.path)
        var paths: [String] = []
        var expected: [JSONValue] = []
        for name in bundles.keys.sorted() {
            guard let bundle = bundles[name] else { continue }
            for object in bundle.objects {
                paths.append("\(dir.path)/\(name)/\(object.file)")
                expected.append(object.value)
            }
            paths.append("\(dir.path)/\(name)/kustomization.yaml")
            expected.append(bundle.kustomization)
        }
        let script = """
            import json, sys, yaml
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            print(json.dumps([yaml.load(open(p), Loader=loader) for p in sys.argv[1:]]))
            """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", script] + paths)
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try JSON5.parse(result.stdout).arrayValue ?? []
        #expect(parsed.count == expected.count)
        for (i, (got, want)) in zip(parsed, expected).enumerated() where got != want {
            Issue.record("\(paths[i]) reads back differently")
        }
    }

    @Test func theOutputDirectoryIsFleetsOwn() throws {
        let dir = try TempDirectory(prefix: "fleet-k8s")
        var set = try KubernetesFixtures.load("fleet")
        try KubernetesOutput.write(try KubernetesFixtures.bundle(set), to: dir.path)
        try "keep".write(toFile: dir.path + "/support/NOTES.md", atomically: true, encoding: .utf8)
        // A removed bot's files go; a switch to ExternalSecrets replaces the Secrets; others' files stay.
        let ops = try #require(set.bots.first { $0.name == "ops" })
        set.bots.removeAll { $0.name == "ops" }
        try KubernetesOutput.write(try KubernetesFixtures.bundle(set, externalSecrets: true), to: dir.path)
        let fm = FileManager.default
        #expect(!fm.fileExists(atPath: dir.path + "/" + ops.name))
        #expect(!fm.fileExists(atPath: dir.path + "/support/secret.yaml"))
        #expect(fm.fileExists(atPath: dir.path + "/support/externalsecret.yaml"))
        #expect(fm.fileExists(atPath: dir.path + "/support/NOTES.md"))
        // Someone else's directory is refused.
        let other = try TempDirectory(prefix: "fleet-k8s")
        try "x".write(toFile: other.path + "/README.md", atomically: true, encoding: .utf8)
        #expect(throws: KubernetesRenderError.self) { try KubernetesOutput.write(try KubernetesFixtures.bundle(set), to: other.path) }
    }
}
