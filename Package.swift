// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "fleet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fleet", targets: ["FleetCLI"]),
        .executable(name: "openclaw-sim", targets: ["OpenClawSim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Levels and fields for the daemon's log (no Foundation inside).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
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

        // Facts about OpenClaw's config: JSON values, JSON5, the config-path table, reload rules.
        .target(name: "OpenClawConfig"),

        // The core: manifests, validation, rendering, planning.
        .target(
            name: "FleetCore",
            dependencies: [
                "FleetGit", "FleetYAML", "FleetCrypto", "OpenClawConfig", "CFleetSystem",
                .product(name: "Logging", package: "swift-log"),
            ]),

        .executableTarget(
            name: "FleetCLI",
            dependencies: [
                "FleetCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // The stand-in OpenClaw gateway.
        .executableTarget(name: "OpenClawSim", dependencies: ["OpenClawConfig"]),

        // In-process benchmarks of the pure stages (Benchmarks/README.md).
        .executableTarget(name: "fleet-bench", dependencies: ["FleetCore"], path: "Benchmarks/FleetBench"),

        // Shared by the test targets: temp dirs, real git repositories, processes, free ports.
        .target(name: "FleetTestSupport", path: "Tests/FleetTestSupport"),

        .testTarget(name: "FleetGitTests", dependencies: ["FleetGit", "FleetTestSupport"]),
        .testTarget(name: "FleetYAMLTests", dependencies: ["FleetYAML"]),
        .testTarget(name: "FleetCryptoTests", dependencies: ["FleetCrypto", "FleetTestSupport"]),
        .testTarget(name: "OpenClawConfigTests", dependencies: ["OpenClawConfig"]),
        .testTarget(name: "OpenClawSimTests", dependencies: ["OpenClawConfig", "OpenClawSim"]),
        .testTarget(
            name: "FleetCoreTests",
            dependencies: ["FleetCore", "FleetTestSupport", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "FleetCLITests", dependencies: ["FleetCore", "FleetCLI", "OpenClawSim", "FleetTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
