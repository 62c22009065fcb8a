@testable import FleetCore
import FleetTestSupport
import Foundation
import OpenClawConfig
import Testing

/// The rendered `models` section (with the `secrets.providers` its SecretRefs name) validates
/// against OpenClaw's own 2026.4.27 JSON Schema, read with Python's `json5` and checked with
/// `jsonschema` (`pip install json5 jsonschema`; `.ci/run` installs them).
@Suite struct RenderedModelsSchemaTests {
    static let script = """
        import json, sys
        try:
            import json5, jsonschema
        except ImportError as e:
            print(f"missing Python module: {e.name} (pip install json5 jsonschema)")
            sys.exit(2)
        full = json.load(open(sys.argv[1]))
        # The parts of OpenClaw's config schema for the keys checked here.
        schema = {"type": "object", "additionalProperties": False,
                  "properties": {k: full["properties"][k] for k in ("models", "secrets")}}
        config = json5.load(open(sys.argv[2]))
        part = {k: config[k] for k in ("models", "secrets")}
        validator = jsonschema.Draft7Validator(schema)
        errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(part)]
        # The check itself must be able to fail: a provider entry without baseUrl is refused.
        broken = json.loads(json.dumps(part))
        for entry in broken["models"]["providers"].values():
            entry.pop("baseUrl")
        if not list(validator.iter_errors(broken)):
            print("the schema accepted a provider entry without baseUrl: the check cannot fail")
            sys.exit(3)
        print("\\n".join(errors))
        sys.exit(1 if errors else 0)
        """

    @Test func theModelsSectionOfEveryProviderValidatesAgainstOpenClawsSchema() throws {
        let opener = SecretOpener(keys: SecretKeys([SecretsTests.keyA]))
        var fleetLines = ["  providers:"]
        for provider in ModelProviders.known {
            let sealed = try opener.seal("key-\(provider.id)", bot: SecretEnvelope.fleetScope, field: "providers.\(provider.id).apiKey")
            fleetLines.append("    \(provider.id): {apiKey: \"\(sealed)\"}")
        }
        let own = try opener.seal("own-openai", bot: "a", field: "providers.openai.apiKey")
        var set = loadFiles([
            ("fleet/fleet.yaml", Array(ProviderKeyTests.fleet(fleetLines.joined(separator: "\n")).utf8)),
            ("fleet/bots/a.yaml", Array(ProviderKeyTests.bot("a", spec: "  providers: {openai: {apiKey: \"\(own)\"}}").utf8)),
        ])
        #expect(set.isValid, "\(set.dump)")
        set.secrets = opener
        let host = HostSettings(fleet: set.fleet, stateRootFlag: "/var/openclaw")
        let rendered = try FleetSession.render(set.bots[0], in: set, host: host, source: ManifestSource(path: "fleet"))
        #expect(Set(rendered.config["models"]?["providers"]?.objectValue.map { Array($0.keys) } ?? []) == Set(ModelProviders.ids))

        let dir = try TempDirectory()
        try rendered.fileText.write(toFile: dir.file("config.json5"), atomically: true, encoding: .utf8)
        try Self.script.write(toFile: dir.file("check.py"), atomically: true, encoding: .utf8)
        let schema = OpenClawSchemaTests.schema
        let result = try runProcess("/usr/bin/env", ["python3", dir.file("check.py"), schema, dir.file("config.json5")])
        #expect(result.status == 0, "rendered models section refused by OpenClaw's schema:\n\(result.stdout)\(result.stderr)")
    }
}
