import OpenClawConfig

/// The OpenClaw release the stand-in behaves as: `--sim-version V` (a stand-in-only root option),
/// else `OPENCLAW_SIM_VERSION`, else ``defaultRelease``. Every version-dependent behaviour reads
/// the release table of `OpenClawConfig` (`OpenClawReleaseTable`), the one fleet renders with.
struct SimPersona: Equatable {
    /// The newest release the table knows: what the stand-in is by default.
    static let defaultRelease = OpenClawReleaseTable.newestKnown

    /// The release.
    var release: OpenClawRelease

    /// The persona from the flag or the environment.
    static func resolve(flag: String?) throws(UsageError) -> SimPersona {
        let raw = flag ?? FileSystem.env("OPENCLAW_SIM_VERSION").flatMap { $0.isEmpty ? nil : $0 }
        guard let raw else { return SimPersona(release: defaultRelease) }
        guard let release = OpenClawRelease(raw) else {
            throw UsageError(message: "invalid release '\(raw)' for --sim-version / OPENCLAW_SIM_VERSION (expected YYYY.M.PATCH, e.g. 2026.9.6)")
        }
        return SimPersona(release: release)
    }

    /// What `openclaw --version` prints: `OpenClaw <version> (<commit>)` (OpenClaw: src/entry.ts,
    /// the root --version fast path); the stand-in has no commit, so it names itself there.
    var versionLine: String { "OpenClaw \(release) (openclaw-sim)" }

    /// Exit code of a configuration-class refusal (OpenClaw: src/cli/gateway-cli/run.ts,
    /// docs/gateway/embedding.md).
    var configRefusalExitCode: Int32 { Int32(OpenClawReleaseTable.value(.configRefusalExitCode, for: release)) }

    /// Whether `gateway run` re-launches itself (OpenClaw: src/entry.respawn.ts, src/cli/respawn-policy.ts).
    var respawnsGatewayRun: Bool { OpenClawReleaseTable.value(.respawnsGatewayRun, for: release) }

    /// The gateway protocol (OpenClaw: src/gateway/protocol/version.ts, packages/gateway-protocol/src/version.ts).
    var gatewayProtocol: GatewayProtocolRule { OpenClawReleaseTable.value(.gatewayProtocol, for: release) }

    /// The closed client id and mode lists (OpenClaw: src/gateway/protocol/client-info.ts).
    var clientCatalog: GatewayClientCatalog { OpenClawReleaseTable.value(.clientCatalog, for: release) }

    /// Readiness (OpenClaw: src/gateway/server/readiness.ts, src/gateway/channel-health-policy.ts).
    var readiness: ReadinessRule { OpenClawReleaseTable.value(.readiness, for: release) }

    /// The log line shape and rotation (OpenClaw: src/logging/subsystem.ts).
    var logLine: LogLineRule { OpenClawReleaseTable.value(.logLine, for: release) }

    /// Where sessions are kept (OpenClaw: src/config/sessions/store.ts; SQLite later).
    var sessionStore: SessionStoreRule { OpenClawReleaseTable.value(.sessionStore, for: release) }

    /// What `channels login` does after linking.
    var channelLogin: ChannelLoginRule { OpenClawReleaseTable.value(.channelLogin, for: release) }
}
