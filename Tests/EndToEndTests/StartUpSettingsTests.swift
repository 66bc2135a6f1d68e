import Foundation
import TestCertificates
import Testing

/// `serve` started with a config file, environment variables and flags: what wins is seen from
/// outside (the address it listens on, the greeting a client gets), and every kind of bad
/// value stops start-up with its message before anything is bound.
@Suite(.timeLimit(.minutes(1)))
struct StartUpSettingsTests {
    /// One start-up: `listen` and `greeting` from the sources given. Every 127.0.0.0/8 address
    /// is loopback, so each source names its own host and the listener line shows which won.
    struct Sources: Sendable, CustomTestStringConvertible {
        var file: [String: String] = [:]
        var environment: [String: String] = [:]
        var flags: [String] = []
        var expectedHost: String
        var expectedGreeting: String

        var testDescription: String {
            "file \(file.keys.sorted()), env \(environment.keys.sorted()), flags \(flags.filter { $0.hasPrefix("--") })"
        }
    }

    static let precedence: [Sources] = [
        Sources(
            file: ["listen": "127.0.0.2:0", "greeting": "from the file"],
            expectedHost: "127.0.0.2", expectedGreeting: "from the file"),
        Sources(
            file: ["listen": "127.0.0.2:0", "greeting": "from the file"],
            environment: ["GTCP_GATEWAY_LISTEN": "127.0.0.3:0", "GTCP_GATEWAY_GREETING": "from the environment"],
            expectedHost: "127.0.0.3", expectedGreeting: "from the environment"),
        Sources(
            file: ["listen": "127.0.0.2:0", "greeting": "from the file"],
            environment: ["GTCP_GATEWAY_LISTEN": "127.0.0.3:0", "GTCP_GATEWAY_GREETING": "from the environment"],
            flags: ["--listen", "127.0.0.4:0", "--greeting", "from a flag"],
            expectedHost: "127.0.0.4", expectedGreeting: "from a flag"),
        // A higher source overrides only the keys it gives.
        Sources(
            file: ["listen": "127.0.0.2:0", "greeting": "from the file"],
            flags: ["--listen", "127.0.0.4:0"],
            expectedHost: "127.0.0.4", expectedGreeting: "from the file"),
        Sources(
            environment: ["GTCP_GATEWAY_LISTEN": "127.0.0.3:0"],
            expectedHost: "127.0.0.3", expectedGreeting: "Nice to meet you!"),
    ]

    @Test(arguments: precedence)
    func flagsWinOverEnvironmentOverFileOverDefaults(sources: Sources) async throws {
        let directory = try TemporaryDirectory()
        var arguments = ["serve", "--admin-listen", "off"]
        if !sources.file.isEmpty {
            let yaml = sources.file.map { "\($0): \"\($1)\"" }.joined(separator: "\n")
            arguments += ["--config", try directory.write("config.yaml", yaml)]
        }
        let server = try GatewayProcess(arguments + sources.flags, environment: sources.environment)
        let port = try await server.port(announcedBy: "gtcp listener on")
        #expect(await server.line(containing: "gtcp listener on \(sources.expectedHost):\(port)") != nil)

        let client = try await TestConnection(host: sources.expectedHost, port: port)
        #expect(try await client.hello() == sources.expectedGreeting)
        await client.close()
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }

    /// A start-up that must fail: the settings' sources and a line the output must contain.
    struct BadStart: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var file: String? = nil
        var environment: [String: String] = [:]
        var flags: [String] = []
        var message: String
    }

    static let badStarts: [BadStart] = [
        BadStart(
            testDescription: "integer out of range (env)", environment: ["GTCP_GATEWAY_MAX_CONNECTIONS": "0"],
            message: "max-connections must be 1..10000000, got 0"),
        BadStart(
            testDescription: "not an integer (file)", file: "max-in-flight: lots",
            message: #"max-in-flight must be 1..1000000, got "lots""#),
        BadStart(
            testDescription: "framing out of range together (flags)", flags: ["--header-size", "1", "--max-data-size", "300"],
            message: "max-data-size must be 0..255 for header-size 1, got 300"),
        BadStart(
            testDescription: "duration (file)", file: "shutdown-grace: soon",
            message: #"shutdown-grace must be a duration like 500ms, 10s, 2m or 0, got "soon""#),
        BadStart(
            testDescription: "duration above 0 (flag)", flags: ["--upstream-timeout", "0"],
            message: "upstream-timeout must be a duration above 0 like 500ms, 10s or 2m, got 0"),
        BadStart(
            testDescription: "host:port (flag)", flags: ["--listen", "127.0.0.1:70000"],
            message: #"listen must be host:port like 127.0.0.1:8999 or [::1]:8999 with a port 0..65535, got "127.0.0.1:70000""#),
        BadStart(
            testDescription: "host:port or off (env)", environment: ["GTCP_GATEWAY_ADMIN_LISTEN": "nowhere"],
            message: #"admin-listen must be host:port like 127.0.0.1:8989 or [::1]:8989 with a port 0..65535, or off, got "nowhere""#),
        BadStart(
            testDescription: "one of a list (file)", file: "log-level: loud",
            message: #"log-level must be one of trace, debug, info, notice, warning, error, critical, got "loud""#),
        BadStart(
            testDescription: "upstream URL (env)", environment: ["GTCP_GATEWAY_UPSTREAM": "ftp://x/{act}"],
            message: #"upstream must be an http:// or https:// URL containing {act}, got "ftp://x/{act}""#),
        BadStart(
            testDescription: "upstream header (flag)", flags: ["--upstream-header", "no colon"],
            message: #"upstream-header must be "Name: value", got "no colon""#),
        BadStart(
            testDescription: "unreadable token file (flag)", flags: ["--admin-token-file", "/nonexistent/token"],
            message: "admin-token-file /nonexistent/token cannot be read"),
        BadStart(
            testDescription: "empty token (env)", environment: ["GTCP_GATEWAY_ADMIN_TOKEN": " "],
            message: "GTCP_GATEWAY_ADMIN_TOKEN is empty"),
        BadStart(
            testDescription: "admin API off loopback without a token", flags: ["--admin-listen", "0.0.0.0:0"],
            message: "admin-listen 0.0.0.0:0 is not a loopback address, so it needs a token"),
        BadStart(
            testDescription: "unknown file key", file: "greetings: hi",
            message: #"unknown key "greetings" (did you mean "greeting"?)"#),
        BadStart(
            testDescription: "unknown GTCP_GATEWAY_ variable", environment: ["GTCP_GATEWAY_GREETINGS": "hi"],
            message: "unknown environment variable GTCP_GATEWAY_GREETINGS (did you mean GTCP_GATEWAY_GREETING?)"),
        BadStart(
            testDescription: "file that is not YAML", file: "listen: [",
            message: "is not valid YAML"),
        BadStart(
            testDescription: "file that is not a mapping", file: "- listen",
            message: "must be a mapping of setting keys"),
        BadStart(
            testDescription: "missing file", flags: ["--config", "/nonexistent/config.yaml"],
            message: "cannot read config file /nonexistent/config.yaml"),
    ]

    @Test(arguments: badStarts)
    func aBadValueStopsStartUpWithItsMessage(start: BadStart) async throws {
        let directory = try TemporaryDirectory()
        var arguments = ["serve"]
        // Should start-up get as far as binding, nothing may stand in its way.
        for (flag, variable) in [("--listen", "GTCP_GATEWAY_LISTEN"), ("--admin-listen", "GTCP_GATEWAY_ADMIN_LISTEN")]
        where !start.flags.contains(flag) && start.environment[variable] == nil {
            arguments += [flag, "127.0.0.1:0"]
        }
        if let file = start.file {
            arguments += ["--config", try directory.write("config.yaml", file)]
        }
        let server = try GatewayProcess(arguments + start.flags, environment: start.environment)
        #expect(await server.exitStatus() == 1)
        #expect(server.output.contains { $0.contains(start.message) }, "output: \(server.output)")
        #expect(!server.output.contains { $0.contains("listener on") || $0.contains("admin API on") })
    }

    @Test func everyProblemIsReportedInOneRun() async throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write("config.yaml", "header-size: 7\nidle-timeout: soon\n")
        let server = try GatewayProcess(
            ["serve", "--config", config, "--listen", "nowhere"], environment: ["GTCP_GATEWAY_TYPO": "1"])
        #expect(await server.exitStatus() == 1)
        let output = server.output.joined(separator: "\n")
        for message in ["header-size must be 1..4, got 7", "idle-timeout must be", "listen must be", "GTCP_GATEWAY_TYPO"] {
            #expect(output.contains(message), "missing \(message) in \(output)")
        }
    }

    /// A cluster database on another host without TLS is allowed, and said: `check-config`
    /// warns and still passes; with TLS, or on this machine, it says nothing.
    @Test func checkConfigWarnsOfAPlainTextClusterDatabaseOnAnotherHost() async throws {
        let plain = try GatewayProcess(["check-config", "--cluster-database-url", "postgres://gateway@db.example/fleet"])
        #expect(await plain.exitStatus() == 0)
        #expect(
            plain.output.contains {
                $0.hasPrefix("warning: cluster-database-url postgres://gateway@db.example:5432/fleet is reached in plain text")
            }, "\(plain.output)")
        for quiet in ["postgres://gateway@db.example/fleet?sslmode=verify-full", "postgres://gateway@127.0.0.1/fleet"] {
            let checked = try GatewayProcess(["check-config", "--cluster-database-url", quiet])
            #expect(await checked.exitStatus() == 0)
            #expect(!checked.output.contains { $0.hasPrefix("warning:") }, "\(quiet): \(checked.output)")
        }
    }

    /// The admin API off loopback without TLS is allowed (a token is required), and said.
    @Test func checkConfigWarnsOfAPlainHTTPAdminAPIOffLoopback() async throws {
        let environment = ["GTCP_GATEWAY_ADMIN_TOKEN": "secret-token"]
        let plain = try GatewayProcess(["check-config", "--admin-listen", "0.0.0.0:8989"], environment: environment)
        #expect(await plain.exitStatus() == 0)
        #expect(
            plain.output.contains { $0.hasPrefix("warning: admin-listen 0.0.0.0:8989 is reached from other hosts over plain HTTP") },
            "\(plain.output)")
        let certificates = try TestCertificates()
        let quiet = [
            ["--admin-listen", "127.0.0.1:8989"],
            ["--admin-listen", "0.0.0.0:8989", "--admin-tls-cert", certificates.serverCertificatePath,
             "--admin-tls-key", certificates.serverKeyPath],
        ]
        for flags in quiet {
            let checked = try GatewayProcess(["check-config"] + flags, environment: environment)
            #expect(await checked.exitStatus() == 0)
            #expect(!checked.output.contains { $0.hasPrefix("warning:") }, "\(flags): \(checked.output)")
        }
    }

    /// `check-config` prints every key of the table; each must also be a flag of `serve`, but
    /// `routes`, a list of objects that only the file can hold.
    @Test func everySettingCheckConfigShowsIsAServeFlag() async throws {
        let checkConfig = try GatewayProcess(["check-config"])
        #expect(await checkConfig.exitStatus() == 0)
        let keys = checkConfig.output.compactMap { line in
            line.first?.isLetter == true ? line.split(separator: ":", maxSplits: 1).first.map(String.init) : nil
        }
        #expect(keys.count > 20 && keys.contains("max-outbound-bytes"))
        let help = try GatewayProcess(["serve", "--help"])
        #expect(await help.exitStatus() == 0)
        let flags = help.output.joined(separator: "\n")
        for key in keys where key != "routes" {
            #expect(flags.contains("--\(key) "), "serve has no flag --\(key)")
        }
    }
}
