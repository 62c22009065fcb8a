import OpenClawConfig

extension KubernetesRenderer {
    /// The user and group of the OpenClaw image (`node`, 1000); the volumes are made theirs.
    static let runAsUser: Int64 = 1000

    /// A one-replica StatefulSet: `openclaw gateway run --bind lan --auth token`, the config and
    /// secrets mounted read-only, the state on a volume claim, probes on /healthz and /readyz.
    func statefulSet(_ bot: BotManifest, _ rendered: RenderedBot, _ names: KubernetesNames, port: Int) -> JSONValue {
        let layout = RenderLayout.container
        var annotations: [String: JSONValue] = [
            "fleet.dev/config-hash": .string(rendered.configHash),
            "fleet.dev/workspace-hash": .string(rendered.workspaceHash),
        ]
        if let fingerprint = secretFingerprint(bot, rendered) { annotations["fleet.dev/secrets-fingerprint"] = .string(fingerprint) }
        var container: [String: JSONValue] = [
            "name": "openclaw",
            "image": .string("\(set.fleet.kubernetesImage):\(set.fleet.kubernetesTag)"),
            "command": .array(["openclaw", "gateway", "run", "--port", .string(String(port)), "--bind", "lan", "--auth", "token"]),
            "env": .array(environment(rendered, names)),
            "ports": .array([.object(["name": "gateway", "containerPort": .int(Int64(port)), "protocol": "TCP"])]),
            "startupProbe": probe("/healthz", period: 2, failures: max(1, Int(seconds(set.fleet.startTimeout) / 2))),
            "livenessProbe": probe("/healthz", period: 10, failures: set.fleet.failureThreshold),
            "readinessProbe": probe("/readyz", period: 5, failures: 3),
            "securityContext": .object([
                "allowPrivilegeEscalation": false, "capabilities": .object(["drop": .array(["ALL"])]),
            ]),
            "volumeMounts": .array(mounts(rendered, layout: layout)),
        ]
        if let resources = resources(bot) { container["resources"] = resources }
        var claim: [String: JSONValue] = [
            "accessModes": .array(["ReadWriteOnce"]),
            "resources": .object(["requests": .object(["storage": .string(set.fleet.kubernetesStorage)])]),
        ]
        if let storageClass = set.fleet.kubernetesStorageClass { claim["storageClassName"] = .string(storageClass) }
        let pod: [String: JSONValue] = [
            "automountServiceAccountToken": false,
            "enableServiceLinks": false,
            "terminationGracePeriodSeconds": .int(Int64(max(1, seconds(set.fleet.stopGracePeriod).rounded(.up)))),
            "securityContext": .object([
                "runAsNonRoot": true, "runAsUser": .int(Self.runAsUser), "runAsGroup": .int(Self.runAsUser),
                "fsGroup": .int(Self.runAsUser),
            ]),
            "containers": .array([.object(container)]),
            "volumes": .array([
                .object(["name": "config", "configMap": .object(["name": .string(names.config)])]),
                .object(["name": "secrets", "secret": .object(["secretName": .string(names.secret), "defaultMode": .int(0o440)])]),
            ]),
        ]
        return .object([
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": metadata(names.workload, bot: bot.name),
            "spec": .object([
                "replicas": .int(1),
                "serviceName": .string(names.workload),
                "selector": .object(["matchLabels": .object(selectorLabels(bot.name))]),
                "template": .object([
                    "metadata": .object(["labels": .object(selectorLabels(bot.name)), "annotations": .object(annotations)]),
                    "spec": .object(pod),
                ]),
                "volumeClaimTemplates": .array([.object([
                    "metadata": .object(["name": "state", "labels": .object(selectorLabels(bot.name))]),
                    "spec": .object(claim),
                ])]),
            ]),
        ])
    }

    /// The launch environment with the container's paths, plus the token from the Secret.
    private func environment(_ rendered: RenderedBot, _ names: KubernetesNames) -> [JSONValue] {
        var env = rendered.launch.environment.keys.sorted().map { name in
            JSONValue.object(["name": .string(name), "value": .string(rendered.launch.environment[name] ?? "")])
        }
        env.append(.object([
            "name": "OPENCLAW_GATEWAY_TOKEN",
            "valueFrom": .object(["secretKeyRef": .object(["name": .string(names.secret), "key": .string(Self.gatewayTokenKey)])]),
        ]))
        return env.sorted { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }
    }

    /// Config (one file of the ConfigMap), secrets (the Secret), state (the claim), and each
    /// workspace file from the ConfigMap over the workspace on the state volume, which stays
    /// writable for what the agent keeps there.
    private func mounts(_ rendered: RenderedBot, layout: RenderLayout) -> [JSONValue] {
        var mounts: [JSONValue] = [
            .object(["name": "config", "mountPath": .string(layout.config), "subPath": "config.json5", "readOnly": true]),
            .object(["name": "secrets", "mountPath": .string(layout.secrets), "readOnly": true]),
            .object(["name": "state", "mountPath": .string(layout.state)]),
        ]
        for file in rendered.workspaceFiles.keys.sorted() {
            mounts.append(.object([
                "name": "config", "mountPath": .string("\(layout.workspace)/\(file)"), "subPath": .string(file), "readOnly": true,
            ]))
        }
        return mounts
    }

    private func probe(_ path: String, period: Int, failures: Int) -> JSONValue {
        .object([
            "httpGet": .object(["path": .string(path), "port": "gateway"]),
            "periodSeconds": .int(Int64(period)),
            "timeoutSeconds": .int(Int64(max(1, seconds(set.fleet.probeTimeout).rounded(.up)))),
            "failureThreshold": .int(Int64(max(1, failures))),
        ])
    }

    /// Requests and limits, each value from the bot or else the Fleet's defaults (nil: none set).
    private func resources(_ bot: BotManifest) -> JSONValue? {
        let spec = (bot.resources ?? ResourceSpec()).over(set.fleet.defaultResources)
        func amounts(_ cpu: String?, _ memory: String?) -> JSONValue? {
            var out: [String: JSONValue] = [:]
            if let cpu { out["cpu"] = .string(cpu) }
            if let memory { out["memory"] = .string(memory) }
            return out.isEmpty ? nil : .object(out)
        }
        var out: [String: JSONValue] = [:]
        out["requests"] = amounts(spec.requestsCPU, spec.requestsMemory)
        out["limits"] = amounts(spec.limitsCPU, spec.limitsMemory)
        return out.isEmpty ? nil : .object(out)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
