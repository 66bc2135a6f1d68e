// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "gtcp-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gtcp-gateway", targets: ["gtcp-gateway"]),
        // libFuzzer targets: `make fuzz` builds them with --sanitize=fuzzer; a plain build links
        // them as executables that do nothing.
        .executable(name: "fuzz-frame-decoder", targets: ["fuzz-frame-decoder"]),
        .executable(name: "fuzz-msg-json", targets: ["fuzz-msg-json"]),
        .executable(name: "fuzz-settings", targets: ["fuzz-settings"]),
        .executable(name: "fuzz-admin-request", targets: ["fuzz-admin-request"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Only for NIOHTTPTypes, the request and response parts Hummingbird's pipeline carries.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Framing and Msg: bytes in, bytes out, no sockets.
        .target(
            name: "GtcpWire",
            dependencies: [.nioCore]
        ),
        // Values as text: host:port and durations as settings write them, UTC timestamps.
        .target(name: "SettingsText"),
        // A gtcp client connection over NIO, used by `client`, the tests and `bench`.
        .target(
            name: "GtcpClient",
            dependencies: ["GtcpWire", "SettingsText", .nioCore, .nioPosix, .nioSSL, .nioTLS]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // What Swift cannot call on libcurl directly: the variadic setopt functions.
        .target(name: "CurlShim", dependencies: ["CCurl"]),
        // What the gateway asks of an HTTP backend; no dependencies, so Core never links libcurl.
        .target(name: "GatewayUpstream"),
        // The upstream through libcurl's multi interface, on threads of its own.
        .target(
            name: "GatewayCurl",
            dependencies: [
                "GatewayUpstream", "GtcpWire", "SettingsText", "CCurl", "CurlShim", .logging, .metrics,
                .nioCore, .nioConcurrencyHelpers
            ]
        ),
        .target(
            name: "GatewayCore",
            dependencies: [
                "GtcpWire", "SettingsText", "GatewayUpstream", .nioCore, .nioPosix, .nioConcurrencyHelpers,
                .nioSSL, .nioTLS, .logging, .metrics, .serviceLifecycle
            ]
        ),
        .target(
            name: "GatewayAdmin",
            dependencies: [
                "GatewayCore", "GtcpWire", "SettingsText", .hummingbird, .hummingbirdCore, .nioHTTPTypes,
                .nioSSL, .prometheus, .nioCore, .logging, .nioConcurrencyHelpers, .serviceLifecycle
            ],
            // The operator console, compiled into the binary as byte arrays (`PackageResources`):
            // nothing to install beside it.
            resources: [
                .embedInCode("Console/index.html"),
                .embedInCode("Console/console.js"),
                .embedInCode("Console/console.css"),
            ]
        ),
        // Cluster mode: the directory and command bus in PostgreSQL, the only module (with the
        // composition root) that imports PostgresNIO.
        .target(
            name: "GatewayCluster",
            dependencies: [
                "GatewayCore", "GatewayAdmin", "GtcpWire", "SettingsText", .postgresNIO, .nioCore, .nioConcurrencyHelpers,
                .nioSSL, .logging, .metrics, .serviceLifecycle
            ]
        ),
        // The demo upstream that `make run` starts beside the gateway.
        .target(
            name: "ExampleBackend",
            dependencies: [.hummingbird]
        ),
        // Configuration, systemd integration, logging and the composition root.
        .target(
            name: "GatewayService",
            dependencies: [
                "GtcpWire", "SettingsText", "GatewayCore", "GatewayAdmin", "GatewayUpstream", "GatewayCurl",
                "GatewayCluster", .yams, .logging, .metrics, .prometheus, .serviceLifecycle, .unixSignals,
                .nioCore, .nioPosix, .nioSSL
            ]
        ),
        // `bench`: the load client, the floor server it is compared against, and the suite report.
        .target(
            name: "GatewayBench",
            dependencies: [
                "GtcpWire", "GtcpClient", "SettingsText", .nioCore, .nioPosix, .nioHTTP1, .histogram, .nioConcurrencyHelpers
            ]
        ),
        .executableTarget(
            name: "gtcp-gateway",
            dependencies: [
                "GatewayService", "GatewayCluster", "GatewayBench", "GtcpClient", "ExampleBackend",
                "SettingsText", .argumentParser
            ]
        ),
        .executableTarget(
            name: "fuzz-frame-decoder",
            dependencies: ["GtcpWire", .nioCore, .nioEmbedded]
        ),
        .executableTarget(
            name: "fuzz-msg-json",
            dependencies: ["GtcpWire", .nioCore]
        ),
        .executableTarget(name: "fuzz-settings", dependencies: ["GatewayService"]),
        .executableTarget(name: "fuzz-admin-request", dependencies: ["GatewayAdmin"]),

        .testTarget(
            name: "GtcpWireTests",
            dependencies: ["GtcpWire", .nioCore, .nioEmbedded, .nioTestUtils]
        ),
        .testTarget(name: "SettingsTextTests", dependencies: ["SettingsText"]),
        .testTarget(
            name: "GtcpClientTests",
            dependencies: [
                "GatewayTestSupport", "GtcpClient", "GtcpWire", "SettingsText", "TestCertificates", .nioCore,
                .nioPosix, .nioSSL, .nioConcurrencyHelpers
            ]
        ),
        .testTarget(
            name: "GatewayCoreTests",
            dependencies: [
                "GatewayCore", "GatewayUpstream", "GtcpClient", "TestCertificates", "GatewayTestSupport",
                .nioEmbedded, .nioSSL, .metricsTestKit, .nioConcurrencyHelpers
            ]
        ),
        // The gateway with its libcurl upstream and event poster against HTTP servers in-process.
        .testTarget(
            name: "GatewayIntegrationTests",
            dependencies: [
                "GatewayCore", "GatewayUpstream", "GatewayCurl", "GtcpClient", "GtcpWire",
                "GatewayTestSupport", "TestCertificates", .hummingbird, .logging, .metrics, .nioConcurrencyHelpers, .nioCore,
                .nioPosix, .serviceLifecycle
            ]
        ),
        .testTarget(name: "GatewayUpstreamTests", dependencies: ["GatewayUpstream"]),
        .testTarget(
            name: "GatewayCurlTests",
            dependencies: [
                "GatewayTestSupport", "GatewayUpstream", "GatewayCurl", "CCurl", "ExampleBackend", "TestCertificates",
                .hummingbird, .serviceLifecycle, .nioConcurrencyHelpers, .nioCore, .nioPosix, .metricsTestKit
            ]
        ),
        .testTarget(
            name: "GatewayAdminTests",
            dependencies: [
                "GatewayAdmin", "GatewayCore", "GtcpClient", "GtcpWire", "TestCertificates",
                "GatewayTestSupport", .hummingbird, .hummingbirdTesting, .prometheus, .nioCore, .nioPosix,
                .logging, .serviceLifecycle, .nioSSL, .nioConcurrencyHelpers
            ]
        ),
        .testTarget(
            name: "GatewayServiceTests",
            dependencies: [
                "GatewayService", "GatewayCurl", "GtcpWire", "GatewayUpstream", "SettingsText", "TestCertificates",
                .logging,
                .yams, .nioSSL
            ]
        ),
        .testTarget(
            name: "GatewayBenchTests",
            dependencies: [
                "GatewayBench", "GatewayCore", "GatewayAdmin", "GatewayService", "GatewayUpstream",
                "GtcpClient", "GtcpWire", "SettingsText", "GatewayTestSupport", "TestCertificates", .nioCore, .nioPosix,
                .nioSSL, .logging, .metrics, .prometheus, .serviceLifecycle
            ]
        ),
        // The cluster's pure parts, and the directory against a real PostgreSQL and real gateways.
        .testTarget(
            name: "GatewayClusterTests",
            dependencies: [
                "GatewayCluster", "GatewayCore", "GatewayAdmin", "GatewayTestSupport", "GtcpClient",
                "GtcpWire", "ExampleBackend", "TestCertificates", .postgresNIO, .hummingbird, .logging, .nioCore, .nioPosix,
                .nioConcurrencyHelpers, .serviceLifecycle
            ]
        ),
        // Spawns the real binary: configuration, signals, sd_notify, the example scenario.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "GatewayTestSupport", "GtcpClient", "GtcpWire", "ExampleBackend", "TestCertificates",
                .hummingbird, .hummingbirdTesting, .logging, .nioConcurrencyHelpers, .serviceLifecycle
            ]
        ),
        // Certificates made with the openssl command at test time, for the TLS tests.
        .target(name: "TestCertificates", dependencies: ["GatewayTestSupport"], path: "Tests/TestCertificates"),
        // The posix_spawn and pipe2 extensions of glibc that the Glibc module leaves out.
        .target(name: "SpawnShim", path: "Tests/SpawnShim"),
        // Runs the services of an in-process test gateway for the length of a test.
        .target(
            name: "GatewayTestSupport",
            dependencies: [
                "SpawnShim", "GatewayCore", "GatewayUpstream", "GtcpClient", "GtcpWire", .metrics, .nioCore,
                .nioPosix, .logging, .nioConcurrencyHelpers, .serviceLifecycle
            ],
            path: "Tests/GatewayTestSupport"
        ),
    ]
)

// The products of other packages that the targets use, each named once.
extension Target.Dependency {
    static let histogram: Self = .product(name: "Histogram", package: "hdrhistogram-swift")
    static let hummingbird: Self = .product(name: "Hummingbird", package: "hummingbird")
    static let hummingbirdCore: Self = .product(name: "HummingbirdCore", package: "hummingbird")
    static let hummingbirdTesting: Self = .product(name: "HummingbirdTesting", package: "hummingbird")
    static let postgresNIO: Self = .product(name: "PostgresNIO", package: "postgres-nio")
    static let argumentParser: Self = .product(name: "ArgumentParser", package: "swift-argument-parser")
    static let logging: Self = .product(name: "Logging", package: "swift-log")
    static let metrics: Self = .product(name: "Metrics", package: "swift-metrics")
    static let metricsTestKit: Self = .product(name: "MetricsTestKit", package: "swift-metrics")
    static let nioConcurrencyHelpers: Self = .product(name: "NIOConcurrencyHelpers", package: "swift-nio")
    static let nioCore: Self = .product(name: "NIOCore", package: "swift-nio")
    static let nioEmbedded: Self = .product(name: "NIOEmbedded", package: "swift-nio")
    static let nioHTTP1: Self = .product(name: "NIOHTTP1", package: "swift-nio")
    static let nioPosix: Self = .product(name: "NIOPosix", package: "swift-nio")
    static let nioTLS: Self = .product(name: "NIOTLS", package: "swift-nio")
    static let nioTestUtils: Self = .product(name: "NIOTestUtils", package: "swift-nio")
    static let nioHTTPTypes: Self = .product(name: "NIOHTTPTypes", package: "swift-nio-extras")
    static let nioSSL: Self = .product(name: "NIOSSL", package: "swift-nio-ssl")
    static let prometheus: Self = .product(name: "Prometheus", package: "swift-prometheus")
    static let serviceLifecycle: Self = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let unixSignals: Self = .product(name: "UnixSignals", package: "swift-service-lifecycle")
    static let yams: Self = .product(name: "Yams", package: "Yams")
}
