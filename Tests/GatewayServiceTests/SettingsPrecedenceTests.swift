import GatewayService
import Logging
import SettingsText
import Testing

@Suite struct SettingsPrecedenceTests {
    /// One key of each kind: its text in each source, and the settings it gives with none,
    /// the file, file and environment, and all three.
    struct Case: CustomTestStringConvertible, Sendable {
        let key: String
        let file: String, environment: String, flag: String
        let shown: [String]
        let read: @Sendable (GatewaySettings) -> String
        var testDescription: String { key }
    }

    static let cases: [Case] = [
        Case(key: "header-size", file: "1", environment: "3", flag: "4", shown: ["2", "1", "3", "4"]) {
            "\($0.framing.headerSize)"
        },
        Case(key: "idle-timeout", file: "5s", environment: "2m", flag: "0", shown: ["60s", "5s", "120s", "off"]) {
            $0.idleTimeout.map { "\($0.components.seconds)s" } ?? "off"
        },
        Case(key: "listen", file: "127.0.0.1:1", environment: "[::1]:2", flag: "localhost:3",
             shown: ["127.0.0.1:8999", "127.0.0.1:1", "[::1]:2", "localhost:3"]) { "\($0.listen)" },
        Case(key: "greeting", file: "from file", environment: "from env", flag: "",
             shown: ["Nice to meet you!", "from file", "from env", ""]) { $0.greeting },
        Case(key: "log-level", file: "debug", environment: "error", flag: "trace",
             shown: ["info", "debug", "error", "trace"]) { $0.logLevel.rawValue },
        Case(key: "admin-listen", file: "127.0.0.1:1", environment: "off", flag: "127.0.0.2:3",
             shown: ["127.0.0.1:8989", "127.0.0.1:1", "off", "127.0.0.2:3"]) {
            $0.adminListen.map { "\($0)" } ?? "off"
        },
        Case(key: "upstream", file: "http://f/{act}", environment: "http://e/{act}", flag: "https://c/{act}",
             shown: ["none", "http://f/{act}", "http://e/{act}", "https://c/{act}"]) {
            $0.upstream?.urlTemplate ?? "none"
        },
        Case(key: "upstream-header", file: "A: file", environment: "A: env", flag: "A: flag",
             shown: ["", "A: file", "A: env", "A: flag"]) {
            $0.upstream?.headers.map { "\($0.name): \($0.value)" }.joined(separator: ",") ?? "none"
        },
    ]

    @Test(arguments: cases)
    func eachSourceOverridesTheOnesBelowIt(_ c: Case) throws {
        let directory = try TemporaryDirectory()
        // upstream-header shows only with an upstream.
        let base = c.key == "upstream" ? "" : "upstream: http://base/{act}\n"
        let bare = try directory.file("bare.yaml", base)
        let withKey = try directory.file("config.yaml", base + "\(c.key): \"\(c.file)\"\n")
        let variable = "GTCP_GATEWAY_" + c.key.uppercased().replacingOccurrences(of: "-", with: "_")

        func shown(file: String, environment: [String: String], flags: [String: [String]]) throws -> String {
            let commandLine = CommandLineSettings(configFile: file, values: flags)
            return c.read(try SettingsLoader(commandLine: commandLine, environment: environment).load())
        }
        let results = [
            try shown(file: bare, environment: [:], flags: [:]),
            try shown(file: withKey, environment: [:], flags: [:]),
            try shown(file: withKey, environment: [variable: c.environment], flags: [:]),
            try shown(file: withKey, environment: [variable: c.environment], flags: [c.key: [c.flag]]),
        ]
        #expect(results == c.shown)
    }

    @Test func defaultsAreTheDocumentedOnes() {
        let settings = GatewaySettings.defaults
        #expect(settings.listen == HostPort(host: "127.0.0.1", port: 8999))
        #expect(settings.framing.headerSize == 2 && settings.framing.maxDataSize == 0xFFFF)
        #expect(settings.greeting == "Nice to meet you!")
        #expect(settings.idleTimeout == .seconds(60))
        #expect(settings.maxConnectionAge == nil)
        #expect(settings.doexitGrace == .seconds(5))
        #expect(settings.maxConnections == 100_000)
        #expect(settings.maxInFlightPerConnection == 16)
        #expect(settings.maxInFlight == 4096)
        #expect(settings.maxOutboundBytes == 4 << 20)
        #expect(settings.upstream == nil)
        #expect(settings.adminListen == HostPort(host: "127.0.0.1", port: 8989))
        #expect(settings.adminToken == nil)
        #expect(settings.shutdownGrace == .seconds(10))
        #expect(settings.logLevel == .info)
        #expect(settings.logFormat == .plain)
    }

    @Test func upstreamTakesItsTimeoutsHeadersAndTheFramingsLimit() throws {
        let settings = try SettingsLoader(
            commandLine: CommandLineSettings(values: [
                "upstream": ["http://127.0.0.1:8080/acts/{act}"], "upstream-timeout": ["1500ms"],
                "upstream-connect-timeout": ["0.5"], "upstream-header": ["X-A: 1", "X-B:two words "],
                "header-size": ["1"],
            ]),
            environment: [:]
        ).load()
        let upstream = try #require(settings.upstream)
        #expect(upstream.urlTemplate == "http://127.0.0.1:8080/acts/{act}")
        #expect(upstream.timeout == .milliseconds(1500))
        #expect(upstream.connectTimeout == .milliseconds(500))
        #expect(upstream.headers.map(\.name) == ["X-A", "X-B"])
        #expect(upstream.headers.map(\.value) == ["1", "two words"])
        #expect(upstream.maxResponseBytes == 255)
    }

    @Test func maxDataSizeDefaultsToWhatTheHeaderSizeAllows() throws {
        for (headerSize, limit) in [(1, 0xFF), (3, 0xFF_FFFF), (4, 0x7FFF_FFFF)] {
            let settings = try SettingsLoader(
                commandLine: CommandLineSettings(values: ["header-size": ["\(headerSize)"]]), environment: [:]
            ).load()
            #expect(settings.framing.maxDataSize == limit)
        }
    }

    @Test func environmentListsComeOnePerLine() throws {
        let settings = try SettingsLoader(
            commandLine: CommandLineSettings(values: ["upstream": ["http://u/{act}"]]),
            environment: ["GTCP_GATEWAY_UPSTREAM_HEADER": "X-A: 1\nX-B: a, b; c\n"]
        ).load()
        #expect(settings.upstream?.headers.map(\.value) == ["1", "a, b; c"])
    }

    @Test func durationsTakeEveryDocumentedSpelling() throws {
        let spellings: [(String, Duration?)] = [
            ("500ms", .milliseconds(500)), ("10s", .seconds(10)), ("2m", .seconds(120)), ("1h", .seconds(3600)),
            ("90", .seconds(90)), ("1.5", .milliseconds(1500)), ("0.25s", .milliseconds(250)), ("0", nil),
        ]
        for (text, expected) in spellings {
            let settings = try SettingsLoader(
                commandLine: CommandLineSettings(values: ["idle-timeout": [text]]), environment: [:]
            ).load()
            #expect(settings.idleTimeout == expected, "\(text)")
        }
    }
}
