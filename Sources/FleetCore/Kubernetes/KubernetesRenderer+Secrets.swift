import FleetCrypto
import FoundationEssentials
import Glibc
import OpenClawConfig

/// Derives what a Kubernetes rendering needs to be the same on every run without storing
/// anything: each bot's gateway token, and the key of the secrets' fingerprint. Both are
/// HMAC-SHA256 under the fleet's primary encryption key, so only holders of the key can
/// compute them, and rotating the key changes them (the pods then roll with new tokens).
public struct TokenDerivation: Sendable {
    private let key: [UInt8]

    /// Derivations under `key`.
    public init(key: SecretKey) {
        self.key = key.bytes
    }

    /// The gateway token of `bot` in `fleet`: 64 hex digits.
    public func gatewayToken(fleet: String, bot: String) -> String {
        Hex.encode(HMACSHA256.mac(key: key, message: Array("fleet/v1 gateway-token\u{0}\(fleet)\u{0}\(bot)".utf8)))
    }

    /// Fingerprints of secret values (for the pod annotation that rolls pods when a value changes).
    public var fingerprinter: Fingerprinter {
        Fingerprinter(key: HMACSHA256.mac(key: key, message: Array("fleet/v1 kubernetes-fingerprint".utf8)))
    }
}

extension KubernetesRenderer {
    /// The key of the gateway token in the bot's Secret.
    static let gatewayTokenKey = "gateway-token"

    /// The values of the bot's Secret, by key (the file names the config refers to).
    func secretValues(_ bot: BotManifest, _ rendered: RenderedBot) throws -> [String: String] {
        guard let derivation else {
            throw KubernetesRenderError(description: """
                a Secret needs each bot's gateway token, which fleet derives from the fleet's encryption key, and no key is loaded; \
                pass --key-file (or set FLEET_KEY_FILE), or render with --external-secrets
                """)
        }
        var values = [Self.gatewayTokenKey: derivation.gatewayToken(fleet: set.fleet.name, bot: bot.name)]
        for file in rendered.secretFiles { values[file.name] = file.value }
        return values
    }

    /// A fingerprint of every value of the Secret, so a changed value rolls the pod.
    func secretFingerprint(_ bot: BotManifest, _ rendered: RenderedBot) -> String? {
        guard !externalSecrets, let derivation, let values = try? secretValues(bot, rendered) else { return nil }
        let text = values.keys.sorted().map { "\($0)\u{0}\(values[$0] ?? "")" }.joined(separator: "\u{0}")
        return derivation.fingerprinter.fingerprint(text)
    }

    func secret(_ bot: BotManifest, _ rendered: RenderedBot, _ names: KubernetesNames) throws -> JSONValue {
        let values = try secretValues(bot, rendered)
        return .object([
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": metadata(names.secret, bot: bot.name),
            "data": .object(values.mapValues { .string(Data($0.utf8).base64EncodedString()) }),
        ])
    }

    /// An ExternalSecret (external-secrets.io) that makes the same Secret from the store: remote
    /// key `<fleet>/<bot>`, one property per file name.
    func externalSecret(_ bot: BotManifest, _ rendered: RenderedBot, _ names: KubernetesNames) -> JSONValue {
        let keys = ([Self.gatewayTokenKey] + rendered.secretFiles.map(\.name)).sorted()
        return .object([
            "apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "metadata": metadata(names.secret, bot: bot.name),
            "spec": .object([
                "refreshInterval": "1h",
                "secretStoreRef": .object(["kind": "ClusterSecretStore", "name": .string(set.fleet.kubernetesSecretStore)]),
                "target": .object(["name": .string(names.secret), "creationPolicy": "Owner"]),
                "data": .array(keys.map { key in
                    .object([
                        "secretKey": .string(key),
                        "remoteRef": .object(["key": .string("\(set.fleet.name)/\(bot.name)"), "property": .string(key)]),
                    ])
                }),
            ]),
        ])
    }
}
