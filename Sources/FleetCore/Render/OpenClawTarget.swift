import FoundationEssentials
import OpenClawConfig

/// The OpenClaw release a plan or a rendering is for, and how fleet knows it.
public struct OpenClawTarget: Sendable, Hashable, Codable {
    /// How the release was decided.
    public enum Origin: String, Sendable, Hashable, Codable {
        /// `<gatewayCommand> --version` answered it.
        case detected
        /// `spec.openclawVersion` in the Fleet manifest.
        case pinned
        /// `--openclaw-version` on the command line.
        case flag
        /// The Kubernetes image tag (`spec.kubernetes.tag`).
        case imageTag
        /// The last release recorded in state.json, because detection failed this time.
        case lastDetected
        /// Nothing said: the newest release fleet knows.
        case assumed
    }

    /// The release.
    public var release: OpenClawRelease
    /// How it was decided.
    public var origin: Origin
    /// The command that answered (detection only).
    public var command: [String]?
    /// A warning for the plan header: newer than the table, detection failed.
    public var warning: String?

    /// Creates a target.
    public init(release: OpenClawRelease, origin: Origin, command: [String]? = nil, warning: String? = nil) {
        self.release = release
        self.origin = origin
        self.command = command
        self.warning = warning
        if warning == nil, OpenClawReleaseTable.support(of: release) == .newerThanKnown {
            self.warning = Self.newerWarning(release)
        }
    }

    /// The newest release fleet knows, assumed.
    public static let newest = OpenClawTarget(release: OpenClawReleaseTable.newestKnown, origin: .assumed)

    static func newerWarning(_ release: OpenClawRelease) -> String {
        "OpenClaw \(release) is newer than the releases fleet knows (up to \(OpenClawReleaseTable.newestKnown)); "
            + "rendering the \(OpenClawReleaseTable.newestKnown) form: upgrade fleet, and check docs/compatibility.md"
    }

    /// `OpenClaw 2026.9.6 (detected: openclaw --version)`, the plan header's line.
    public var summary: String {
        let how: String
        switch origin {
        case .detected: how = "detected: `\((command ?? []).joined(separator: " "))`"
        case .pinned: how = "spec.openclawVersion"
        case .flag: how = "--openclaw-version"
        case .imageTag: how = "the image tag"
        case .lastDetected: how = "last detected; detection failed"
        case .assumed: how = "assumed: the newest release fleet knows"
        }
        return "OpenClaw \(release) (\(how))"
    }

    /// Why a release cannot be used: older than the supported ones.
    public static func unsupported(_ release: OpenClawRelease, origin: String) -> String {
        "OpenClaw \(release) (\(origin)) is older than the releases fleet supports, \(OpenClawReleaseTable.supportedText); "
            + "upgrade the gateway (npm install -g openclaw@latest), or pin a supported release with spec.openclawVersion"
    }
}

/// `spec.openclawVersion`: `auto` or a release.
public enum OpenClawVersionSetting: Sendable, Hashable {
    /// Ask the gateway command once per plan.
    case auto
    /// This release.
    case pinned(OpenClawRelease)
    /// Not a release (a validation error, E060).
    case invalid(String)

    /// Reads the manifest's text.
    public init(_ text: String?) {
        guard let text, text != "auto" else {
            self = .auto
            return
        }
        if let release = OpenClawRelease(text) { self = .pinned(release) } else { self = .invalid(text) }
    }
}

/// Runs `<gateway program> --version` and reads the release from its answer.
public enum OpenClawVersionProbe {
    /// How long the answer may take (a Node CLI starting cold on a busy host).
    public static let timeout: Duration = .seconds(30)

    /// The version command of a gateway command: its leading words up to the `gateway` subcommand,
    /// then `--version`, a root flag the CLI answers without loading the gateway (OpenClaw:
    /// src/entry.ts, isRootVersionInvocation). `[openclaw, gateway, run]` gives `openclaw --version`;
    /// `[env, X=1, openclaw-sim, gateway, run]` gives `env X=1 openclaw-sim --version`.
    public static func command(for gatewayCommand: [String]) -> [String] {
        let program = gatewayCommand.firstIndex(of: "gateway").map { Array(gatewayCommand[..<$0]) } ?? Array(gatewayCommand.prefix(1))
        return (program.isEmpty ? Array(gatewayCommand.prefix(1)) : program) + ["--version"]
    }

    /// Why detection failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong, for the plan header.
        public var description: String
    }

    /// Asks the gateway command (blocking: call it off the cooperative pool, see ``detectOffPool(_:)``).
    public static func detect(_ gatewayCommand: [String]) -> Result<(OpenClawRelease, [String]), Failure> {
        let words = command(for: gatewayCommand)
        guard let first = words.first, let executable = GatewayProcess.resolveExecutable(first) else {
            return .failure(Failure(description: "`\(words.first ?? "")` not found beside fleet or on PATH"))
        }
        let result = ChildProcess.run([executable] + words.dropFirst(), timeout: timeout)
        let shown = words.joined(separator: " ")
        if result.status == 124 {
            return .failure(Failure(description: "`\(shown)` did not answer within \(timeout)"))
        }
        guard result.status == 0 else {
            let line = result.output.split(separator: "\n").first.map(String.init) ?? ""
            return .failure(Failure(description: "`\(shown)` exited with \(result.status)\(line.isEmpty ? "" : ": \(line.prefix(160))")"))
        }
        guard let release = OpenClawRelease.fromVersionOutput(result.output) else {
            return .failure(Failure(description: "`\(shown)` printed no OpenClaw release (\(result.output.prefix(80).split(separator: "\n").first ?? "nothing"))"))
        }
        return .success((release, words))
    }

    /// ``detect(_:)`` on a thread of its own, so the caller's async context is never blocked; a
    /// binary already asked (and unchanged since) answers from ``OpenClawVersionCache``.
    public static func detectOffPool(_ gatewayCommand: [String]) async -> Result<(OpenClawRelease, [String]), Failure> {
        let words = command(for: gatewayCommand)
        if let known = OpenClawVersionCache.lookup(words) { return .success(known) }
        let result = await detectOnThread(gatewayCommand)
        if case .success(let (release, answered)) = result {
            OpenClawVersionCache.remember(words, release: release, answeredBy: answered)
        }
        return result
    }

    private static func detectOnThread(_ gatewayCommand: [String]) async -> Result<(OpenClawRelease, [String]), Failure> {
        await withCheckedContinuation { continuation in
            let started = detachThread(name: "fleet-version") { continuation.resume(returning: detect(gatewayCommand)) }
            if !started { continuation.resume(returning: detect(gatewayCommand)) }
        }
    }

    /// The target of a plan on this host: the pin, else the gateway's answer, else the release
    /// recorded by the last apply, else the newest known. A release older than the supported ones
    /// is an error (its message says which releases are supported).
    public static func target(for fleet: FleetSettings, recorded: OpenClawTarget?) async -> Result<OpenClawTarget, OpenClawTargetError> {
        switch fleet.openclawVersion {
        case .invalid(let text):
            return .failure(OpenClawTargetError(message: "spec.openclawVersion '\(text)' is not an OpenClaw release; run fleet validate"))
        case .pinned(let release):
            return checked(OpenClawTarget(release: release, origin: .pinned))
        case .auto:
            switch await detectOffPool(fleet.gatewayCommand) {
            case .success(let (release, words)):
                return checked(OpenClawTarget(release: release, origin: .detected, command: words))
            case .failure(let failure):
                let fallback = recorded.map { OpenClawTarget(release: $0.release, origin: .lastDetected) } ?? .newest
                var target = fallback
                target.warning = "could not detect the OpenClaw release: \(failure.description); rendering for OpenClaw \(fallback.release)"
                    + (recorded == nil ? ", the newest release fleet knows" : ", the release last detected")
                    + " (set spec.openclawVersion to pin one)"
                return .success(target)
            }
        }
    }

    static func checked(_ target: OpenClawTarget) -> Result<OpenClawTarget, OpenClawTargetError> {
        if OpenClawReleaseTable.support(of: target.release) == .tooOld {
            let origin = target.origin == .detected ? "detected: `\((target.command ?? []).joined(separator: " "))`" : "spec.openclawVersion"
            return .failure(OpenClawTargetError(message: OpenClawTarget.unsupported(target.release, origin: origin)))
        }
        return .success(target)
    }
}

/// The release a plan would be for cannot be used.
public struct OpenClawTargetError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var message: String
    public var description: String { message }
}

extension OpenClawTarget {
    /// The release for `fleet render BOT` on this host: `--openclaw-version`, else the pin, else
    /// what the gateway command answers, else the release last recorded, else the newest known.
    public static func forHostRender(fleet: FleetSettings, flag: String?, recorded: OpenClawTarget?) async -> Result<OpenClawTarget, OpenClawTargetError> {
        if let flag { return fromFlag(flag) }
        return await OpenClawVersionProbe.target(for: fleet, recorded: recorded)
    }

    /// The release for `fleet render --target kubernetes`: `--openclaw-version`, else the pin,
    /// else the image tag when it is a release (`spec.kubernetes.tag: 2026.9.6`), else the newest
    /// known (with a warning: a tag such as `latest` says nothing).
    public static func forKubernetes(fleet: FleetSettings, flag: String?) -> Result<OpenClawTarget, OpenClawTargetError> {
        if let flag { return fromFlag(flag) }
        switch fleet.openclawVersion {
        case .pinned(let release): return OpenClawVersionProbe.checked(OpenClawTarget(release: release, origin: .pinned))
        case .invalid(let text):
            return .failure(OpenClawTargetError(message: "spec.openclawVersion '\(text)' is not an OpenClaw release; run fleet validate"))
        case .auto:
            if let release = OpenClawRelease(fleet.kubernetesTag) {
                return OpenClawVersionProbe.checked(OpenClawTarget(release: release, origin: .imageTag))
            }
            var target = OpenClawTarget.newest
            target.warning = "the image tag '\(fleet.kubernetesTag)' names no OpenClaw release; rendering for OpenClaw \(target.release), the newest release fleet knows (pin spec.openclawVersion or a release tag, or pass --openclaw-version)"
            return .success(target)
        }
    }

    static func fromFlag(_ text: String) -> Result<OpenClawTarget, OpenClawTargetError> {
        guard let release = OpenClawRelease(text) else {
            return .failure(OpenClawTargetError(message: "--openclaw-version '\(text)' is not an OpenClaw release (write it as `openclaw --version` prints it, e.g. \(OpenClawReleaseTable.newestKnown))"))
        }
        if OpenClawReleaseTable.support(of: release) == .tooOld {
            return .failure(OpenClawTargetError(message: unsupported(release, origin: "--openclaw-version")))
        }
        return .success(OpenClawTarget(release: release, origin: .flag))
    }
}
