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
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // Values as text: host:port and durations as settings write them, UTC timestamps.
        .target(name: "SettingsText"),
        // A gtcp client connection over NIO, used by `client`, the tests and `bench`.
        .target(
            name: "GtcpClient",
            dependencies: [
                "GtcpWire",
                "SettingsText",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
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
                "GatewayUpstream",
                "GtcpWire",
                "SettingsText",
                "CCurl",
                "CurlShim",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "GatewayCore",
            dependencies: [
                "GtcpWire",
                "SettingsText",
                "GatewayUpstream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "GatewayAdmin",
            dependencies: [
                "GatewayCore",
                "GtcpWire",
                "SettingsText",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
                "GatewayCore",
                "GatewayAdmin",
                "GtcpWire",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The demo upstream that `make run` starts beside the gateway.
        .target(
            name: "ExampleBackend",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        ),
        // Configuration, systemd integration, logging and the composition root.
        .target(
            name: "GatewayService",
            dependencies: [
                "GtcpWire",
                "SettingsText",
                "GatewayCore",
                "GatewayAdmin",
                "GatewayUpstream",
                "GatewayCurl",
                "GatewayCluster",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // `bench`: the load client, the floor server it is compared against, and the suite report.
        .target(
            name: "GatewayBench",
            dependencies: [
                "GtcpWire",
                "SettingsText",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "gtcp-gateway",
            dependencies: [
                "GatewayService",
                "GatewayCluster",
                "GatewayBench",
                "GtcpClient",
                "ExampleBackend",
                "SettingsText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "fuzz-frame-decoder",
            dependencies: [
                "GtcpWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "fuzz-msg-json",
            dependencies: ["GtcpWire", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(name: "fuzz-settings", dependencies: ["GatewayService"]),
        .executableTarget(name: "fuzz-admin-request", dependencies: ["GatewayAdmin"]),

        .testTarget(
            name: "GtcpWireTests",
            dependencies: [
                "GtcpWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "SettingsTextTests", dependencies: ["SettingsText"]),
        .testTarget(
            name: "GtcpClientTests",
            dependencies: [
                "GatewayTestSupport",
                "GtcpClient",
                "GtcpWire",
                "SettingsText",
                "TestCertificates",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "GatewayCoreTests",
            dependencies: [
                "GatewayCore",
                "GatewayUpstream",
                "GtcpClient",
                "TestCertificates",
                "GatewayTestSupport",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The gateway with its libcurl upstream and event poster against HTTP servers in-process.
        .testTarget(
            name: "GatewayIntegrationTests",
            dependencies: [
                "GatewayCore",
                "GatewayUpstream",
                "GatewayCurl",
                "GtcpClient",
                "GtcpWire",
                "GatewayTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "GatewayUpstreamTests", dependencies: ["GatewayUpstream"]),
        .testTarget(
            name: "GatewayCurlTests",
            dependencies: [
                "GatewayTestSupport",
                "GatewayUpstream",
                "GatewayCurl",
                "CCurl",
                "ExampleBackend",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "GatewayAdminTests",
            dependencies: [
                "GatewayAdmin",
                "GatewayCore",
                "GtcpClient",
                "GtcpWire",
                "TestCertificates",
                "GatewayTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "GatewayServiceTests",
            dependencies: [
                "GatewayService",
                "GtcpWire",
                "GatewayUpstream",
                "SettingsText",
                "TestCertificates",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "GatewayBenchTests",
            dependencies: [
                "GatewayBench",
                "GatewayCore",
                "GatewayAdmin",
                "GatewayService",
                "GatewayUpstream",
                "GtcpClient",
                "GtcpWire",
                "SettingsText",
                "GatewayTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The cluster's pure parts, and the directory against a real PostgreSQL and real gateways.
        .testTarget(
            name: "GatewayClusterTests",
            dependencies: [
                "GatewayCluster",
                "GatewayCore",
                "GatewayAdmin",
                "GatewayTestSupport",
                "GtcpClient",
                "GtcpWire",
                "ExampleBackend",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Spawns the real binary: configuration, signals, sd_notify, the example scenario.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "GatewayTestSupport",
                "GtcpClient",
                "GtcpWire",
                "ExampleBackend",
                "TestCertificates",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
                "SpawnShim",
                "GatewayCore",
                "GatewayUpstream",
                "GtcpClient",
                "GtcpWire",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/GatewayTestSupport"
        ),
    ]
)
