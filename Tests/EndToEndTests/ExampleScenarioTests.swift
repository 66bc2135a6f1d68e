import Foundation
import GatewayTestSupport
import Testing

/// The GoFrame long-connection example, played by the real binary on both ends.
@Suite(.timeLimit(.minutes(1)))
struct ExampleScenarioTests {
    @Test func theExampleClientGetsItsHelloAnsweredAndExitsOnDoexit() async throws {
        let server = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "off",
            "--max-connection-age", "1s", "--log-level", "debug",
        ])
        let port = try await server.port(announcedBy: "gtcp listener on")

        let client = try GatewayProcess([
            "client", "--connect", "127.0.0.1:\(port)", "--heartbeat-interval", "100ms", "--hello-after", "300ms",
        ])
        #expect(await client.exitStatus() == 0)
        let printed = client.output
        #expect(printed.contains { $0.hasSuffix(" hello response message from [127.0.0.1:\(port)]: Nice to meet you!") })
        #expect(printed.contains { $0.hasSuffix(" exit command from [127.0.0.1:\(port)]") })
        // Lines start with the example's millisecond timestamp: 2019-05-03 14:59:15.733
        #expect(printed.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} "#, options: .regularExpression) != nil })

        #expect(await server.line(containing: "hello message from [127.0.0.1:") != nil)
        #expect(await server.line(containing: ": My name's John!") != nil)
        #expect(await server.line(containing: "heartbeat from [127.0.0.1:") != nil)
        #expect(await server.line(containing: "client closed [127.0.0.1:") != nil)
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }

    @Test func theClientReportsServerClosedAndFailsWhenTheServerGoesAway() async throws {
        let server = try GatewayProcess(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "off"])
        let port = try await server.port(announcedBy: "gtcp listener on")
        let client = try GatewayProcess([
            "client", "--connect", "127.0.0.1:\(port)", "--heartbeat-interval", "100ms", "--hello-after", "100ms",
        ])
        _ = await client.line(containing: "hello response message")
        server.signal(SIGKILL)
        #expect(await client.exitStatus() == 1)
        // A FIN reads as "server closed"; unread heartbeats at the killed end turn it into a reset.
        let last = try #require(client.output.last)
        #expect(last.hasSuffix(" server closed") || last.contains("reset by peer"), "\(client.output)")
    }

    @Test func oneShotPrintsTheReplyOrFailsOnAnError() async throws {
        let backend = try GatewayProcess(["example-upstream", "--listen", "127.0.0.1:0"])
        let backendPort = try await backend.port(announcedBy: "listening on")
        let server = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "off",
            "--upstream", "http://127.0.0.1:\(backendPort)/acts/{act}",
        ])
        let port = try await server.port(announcedBy: "gtcp listener on")

        let echo = try GatewayProcess(["client", "--connect", "127.0.0.1:\(port)", "--act", "echo", "--data", #"{"x":1}"#])
        #expect(await echo.exitStatus() == 0)
        #expect(echo.output == [#"echo {"x":1}"#])

        let hello = try GatewayProcess(["client", "--connect", "127.0.0.1:\(port)", "--act", "hello", "--data", "me"])
        #expect(await hello.exitStatus() == 0)
        #expect(hello.output == ["hello Nice to meet you!"])

        let missing = try GatewayProcess(["client", "--connect", "127.0.0.1:\(port)", "--act", "nosuch"])
        #expect(await missing.exitStatus() == 1)
        #expect(missing.output.joined().contains(#""status":404"#))

        server.signal(SIGTERM)
        backend.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
        #expect(await backend.exitStatus() == 0)
    }

    @Test func aRepeatedHelloIsLoggedOncePerName() async throws {
        let server = try GatewayProcess(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "off"])
        let client = try await TestConnection(port: try await server.port(announcedBy: "gtcp listener on"))
        for name in ["a", "a", "a", "b", "b"] {
            #expect(try await client.hello(name: name) == "Nice to meet you!")
        }
        await client.close()
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
        #expect(server.output.filter { $0.contains("hello message from") }.map { String($0.suffix(4)) } == ["]: a", "]: b"])
    }

    @Test func aRefusedConnectionIsAClearError() async throws {
        try await withRefusingPort { port in
            let client = try GatewayProcess(["client", "--connect", "127.0.0.1:\(port)", "--act", "hello"])
            #expect(await client.exitStatus() == 1)
            #expect(client.output.joined().contains("127.0.0.1:\(port)"))
        }
    }

    @Test(arguments: [
        (["--header-size", "7"], "header-size must be 1..4, got 7"),
        (["--max-data-size", "300", "--header-size", "1"], "max-data-size must be 0..255 for header-size 1, got 300"),
        (["--idle-timeout", "soon"], "idle-timeout"),
        (["--upstream", "ftp://x"], "upstream"),
    ])
    func aBadSettingStopsStartUpNamingTheKey(arguments: [String], message: String) async throws {
        let server = try GatewayProcess(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "off"] + arguments)
        #expect(await server.exitStatus() != 0)
        #expect(server.output.contains { $0.contains(message) })
        #expect(!server.output.contains { $0.contains("gtcp listener on") })
    }
}
