import GatewayService
import Testing

@Suite struct SettingsValidationTests {
    private func problems(
        _ flags: [String: [String]], environment: [String: String] = [:], file: String? = nil
    ) -> [String] {
        settingsProblems(flags, environment: environment, file: file)
    }

    static let badValues: [(key: String, value: String, message: String)] = [
        ("header-size", "7", "header-size must be 1..4, got 7"),
        ("header-size", "two", #"header-size must be 1..4, got "two""#),
        ("idle-timeout", "soon", #"idle-timeout must be a duration like 500ms, 10s, 2m or 0 (off), got "soon""#),
        ("idle-timeout", "-1s", #"idle-timeout must be a duration like 500ms, 10s, 2m or 0 (off), got "-1s""#),
        ("doexit-grace", "5 s", #"doexit-grace must be a duration like 500ms, 10s, 2m or 0, got "5 s""#),
        ("upstream-timeout", "0", "upstream-timeout must be a duration above 0 like 500ms, 10s or 2m, got 0"),
        ("upstream", "ftp://x", #"upstream must be an http:// or https:// URL containing {act}, got "ftp://x""#),
        ("upstream", "http://x/", #"upstream must be an http:// or https:// URL containing {act}, got "http://x/""#),
        ("upstream-header", "no colon", #"upstream-header must be "Name: value", got "no colon""#),
        ("upstream-header", "Bad Name: v", #"upstream-header must be "Name: value", got "Bad Name: v""#),
        ("max-connections", "0", "max-connections must be 1..10000000, got 0"),
        ("max-in-flight-per-connection", "1025", "max-in-flight-per-connection must be 1..1024, got 1025"),
        ("max-in-flight", "1e3", #"max-in-flight must be 1..1000000, got "1e3""#),
        ("max-outbound-bytes", "0", "max-outbound-bytes must be 1..1099511627776, got 0"),
        ("upstream-threads", "0", "upstream-threads must be 1..64, got 0"),
        ("upstream-threads", "65", "upstream-threads must be 1..64, got 65"),
        ("upstream-max-connections", "0", "upstream-max-connections must be 1..100000, got 0"),
        ("max-data-size", "-1", "max-data-size must be 0..2147483647, got -1"),
        ("listen", "8999", "listen must be host:port like 127.0.0.1:8999 or [::1]:8999 with a port 0..65535, got 8999"),
        ("listen", "::1:8999",
         #"listen must be host:port like 127.0.0.1:8999 or [::1]:8999 with a port 0..65535, got "::1:8999""#),
        ("listen", "h:65536",
         #"listen must be host:port like 127.0.0.1:8999 or [::1]:8999 with a port 0..65535, got "h:65536""#),
        ("listen", "h:+5", #"listen must be host:port like 127.0.0.1:8999 or [::1]:8999 with a port 0..65535, got "h:+5""#),
        ("admin-listen", "on",
         #"admin-listen must be host:port like 127.0.0.1:8989 or [::1]:8989 with a port 0..65535, or off, got "on""#),
        ("log-level", "loud",
         #"log-level must be one of trace, debug, info, notice, warning, error, critical, got "loud""#),
        ("log-format", "xml", #"log-format must be one of plain, json, got "xml""#),
    ]

    @Test(arguments: badValues.indices)
    func badValueIsOneLineNamingKeyValueAndWhatIsAllowed(_ index: Int) {
        let bad = Self.badValues[index]
        #expect(problems([bad.key: [bad.value]]) == [bad.message])
    }

    @Test func maxDataSizeIsCheckedAgainstTheHeaderSize() {
        #expect(problems(["header-size": ["1"], "max-data-size": ["300"]])
            == ["max-data-size must be 0..255 for header-size 1, got 300"])
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() {
        let found = problems(
            ["header-size": ["7"], "log-level": ["loud"]],
            environment: ["GTCP_GATEWAY_IDLE_TIMEOUT": "soon", "GTCP_GATEWAY_IDLE_TIMOUT": "1s"]
        )
        #expect(found == [
            "unknown environment variable GTCP_GATEWAY_IDLE_TIMOUT (did you mean GTCP_GATEWAY_IDLE_TIMEOUT?)",
            "header-size must be 1..4, got 7",
            #"idle-timeout must be a duration like 500ms, 10s, 2m or 0 (off), got "soon""#,
            #"log-level must be one of trace, debug, info, notice, warning, error, critical, got "loud""#,
        ])
    }

    @Test func anOverriddenBadValueIsNoProblem() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.file("config.yaml", "header-size: 9\n")
        #expect(problems(["header-size": ["4"]], environment: ["GTCP_GATEWAY_HEADER_SIZE": "x"], file: file) == [])
    }

    @Test func adminOnAnOutsideAddressNeedsAToken() throws {
        #expect(problems(["admin-listen": ["0.0.0.0:8989"]]) == [
            "admin-listen 0.0.0.0:8989 is not a loopback address, so it needs a token (admin-token-file or "
                + "GTCP_GATEWAY_ADMIN_TOKEN): without one anyone who reaches it could push to or disconnect every client"
        ])
        #expect(problems(["admin-listen": ["0.0.0.0:8989"]], environment: ["GTCP_GATEWAY_ADMIN_TOKEN": "s3cret"]) == [])
        for loopback in ["127.0.0.1:1", "127.9.9.9:1", "[::1]:1", "localhost:1"] {
            #expect(problems(["admin-listen": [loopback]]) == [], "\(loopback)")
        }
    }
}
