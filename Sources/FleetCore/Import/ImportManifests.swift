import OpenClawConfig

extension ImportState {
    /// The manifest texts and the sorted report.
    func result(source: String) -> ImportResult {
        let header = "# Imported by `fleet import` from \(source); review, then commit.\n"
        var fleet: [(String, YAMLText)] = []
        fleet += fleetSpec
        if secrets.plaintext > 0 {
            // No key was loaded, so the manifests hold plain text: say so in the Fleet.
            fleet.append(("secrets", .mapping([("allowPlaintext", .bool(true))])))
        }
        if !fleetProviders.isEmpty { fleet.append(("providers", .mapping(fleetProviders))) }
        if !fleetDefaults.isEmpty { fleet.append(("defaults", .mapping(fleetDefaults))) }
        if case .object(let m) = fleetOpenclaw, !m.isEmpty { fleet.append(("openclaw", .json(fleetOpenclaw))) }
        let fleetDoc: YAMLText = .mapping([
            ("apiVersion", .string(ManifestSchemas.apiVersion)), ("kind", .string("Fleet")),
            ("metadata", .mapping([("name", .string(fleetName))])),
            ("spec", .mapping(fleet)),
        ])
        var files = [ImportedFile(path: "fleet.yaml",
                                  text: "# yaml-language-server: $schema=../schemas/fleet.schema.json\n" + header + fleetDoc.document())]
        for bot in bots.sorted(by: { $0.name < $1.name }) {
            var spec: [(String, YAMLText)] = []
            if let d = bot.displayName { spec.append(("displayName", .string(d))) }
            if let m = bot.model { spec.append(("model", .string(m))) }
            if !gatewayFields.isEmpty { spec.append(("gateway", .mapping(gatewayFields))) }
            if let tools = bot.tools { spec.append(("tools", .mapping(tools))) }
            if !bot.channels.isEmpty { spec.append(("channels", .sequence(bot.channels))) }
            if !bot.bindings.isEmpty { spec.append(("bindings", .sequence(bot.bindings))) }
            if case .object(let m) = bot.openclaw, !m.isEmpty { spec.append(("openclaw", .json(bot.openclaw))) }
            let doc: YAMLText = .mapping([
                ("apiVersion", .string(ManifestSchemas.apiVersion)), ("kind", .string("Bot")),
                ("metadata", .mapping([("name", .string(bot.name))])),
                ("spec", .mapping(spec)),
            ])
            let origin = bot.originalId == bot.name ? "" : "# OpenClaw agent id: \(bot.originalId)\n"
            files.append(ImportedFile(path: bot.file,
                                      text: "# yaml-language-server: $schema=../../schemas/bot.schema.json\n" + header + origin + doc.document()))
        }
        var warnings = self.warnings
        if secrets.plaintext > 0 {
            warnings.append("\(secrets.plaintext) credential(s) are plain text in the manifests because no encryption key is loaded (fleet.yaml sets spec.secrets.allowPlaintext); encrypt them with fleet secrets encrypt, then remove that setting")
        }
        let entries = report.keys.sorted().flatMap { path in
            (report[path] ?? []).map { ImportReportEntry(path: path, destination: $0) }
        }
        return ImportResult(files: files, report: entries, warnings: warnings, bots: bots.map(\.name).sorted(),
                            encrypted: secrets.sealed, keyId: secrets.keyId)
    }
}
