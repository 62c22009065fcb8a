// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "fleet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fleet", targets: ["FleetCLI"]),
        .executable(name: "openclaw-sim", targets: ["OpenClawSim"]),
        .executable(name: "fleet-console", targets: ["FleetConsoleMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Levels and fields for the daemon's log (no Foundation inside).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        // The web console only (never linked into `fleet`): no default traits, so no
        // swift-configuration and FoundationEssentials for its form decoding.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // C libraries from the system, each behind a thin prefixed shim.
        .systemLibrary(
            name: "CGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),

        // The few libc calls Swift's Glibc module hides behind _GNU_SOURCE.
        .target(name: "CFleetSystem"),

        // Thin Swift wrappers that own the C pointers.
        .target(name: "FleetGit", dependencies: ["CGit2"]),
        .target(name: "FleetYAML", dependencies: ["CYAML"]),
        .target(name: "FleetCrypto", dependencies: ["CCrypto"]),

        // The wire protocols, one codec each for both ends: WebSocket frames and handshake keys,
        // HTTP/1 heads, SHA-1 and SHA-256. The standard library only.
        .target(name: "OpenClawWire"),

        // Facts about OpenClaw's config: JSON values, JSON5, the config-path table, reload rules.
        .target(name: "OpenClawConfig", dependencies: ["OpenClawWire"]),

        // The core: manifests, validation, rendering, planning.
        .target(
            name: "FleetCore",
            dependencies: [
                "FleetGit", "FleetYAML", "FleetCrypto", "OpenClawConfig", "OpenClawWire", "CFleetSystem",
                .product(name: "Logging", package: "swift-log"),
            ]),

        .executableTarget(
            name: "FleetCLI",
            dependencies: [
                "FleetCore", "FleetConsoleOptions", "CFleetSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // The web console (`fleet serve` execs `fleet-console`): Hummingbird stays out of `fleet`.
        // `fleet serve`'s options, shared by `fleet` (which execs `fleet-console`) and `fleet-console`.
        .target(
            name: "FleetConsoleOptions",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(
            name: "FleetConsole",
            dependencies: [
                "FleetCore", "FleetGit", "FleetCrypto", "OpenClawConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "FleetConsoleMain",
            dependencies: [
                "FleetConsole", "FleetConsoleOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // The stand-in OpenClaw gateway.
        .executableTarget(name: "OpenClawSim", dependencies: ["OpenClawConfig", "OpenClawWire"]),

        // In-process benchmarks of the pure stages (Benchmarks/README.md).
        .executableTarget(name: "fleet-bench", dependencies: ["FleetCore"], path: "Benchmarks/FleetBench"),

        // Shared by the test targets: temp dirs, real git repositories, processes, free ports.
        .target(name: "FleetTestSupport", dependencies: ["OpenClawWire", "TestPorts", "TestChild", "CFleetSystem"], path: "Tests/FleetTestSupport"),
        // Single loopback ports for tests' servers, never ephemeral ones (shared with the stand-in's tests).
        .target(name: "TestPorts", path: "Tests/TestPorts"),
        // Tests' long-running children over posix_spawn and waitpid, never Foundation.Process
        // (shared with the stand-in's tests, which do not use FleetTestSupport).
        .target(name: "TestChild", dependencies: ["CFleetSystem"], path: "Tests/TestChild"),
        .testTarget(name: "TestChildTests", dependencies: ["TestChild", "FleetTestSupport"]),

        .testTarget(name: "FleetGitTests", dependencies: ["FleetGit", "FleetTestSupport"]),
        .testTarget(name: "FleetYAMLTests", dependencies: ["FleetYAML"]),
        .testTarget(name: "FleetCryptoTests", dependencies: ["FleetCrypto", "FleetTestSupport"]),
        .testTarget(name: "OpenClawWireTests", dependencies: ["OpenClawWire"]),
        .testTarget(name: "OpenClawConfigTests", dependencies: ["OpenClawConfig"]),
        .testTarget(name: "OpenClawSimTests", dependencies: ["OpenClawConfig", "OpenClawWire", "OpenClawSim", "TestPorts", "TestChild"]),
        .testTarget(
            name: "FleetCoreTests",
            dependencies: ["FleetCore", "OpenClawWire", "FleetTestSupport", "TestChild", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "FleetConsoleTests",
            dependencies: [
                "FleetConsole", "FleetCore", "FleetCrypto", "FleetTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .testTarget(
            name: "FleetCLITests",
            dependencies: ["FleetCore", "FleetCLI", "FleetConsoleMain", "OpenClawSim", "OpenClawWire", "FleetTestSupport", "TestChild"]),
    ],
    swiftLanguageModes: [.v6]
)
