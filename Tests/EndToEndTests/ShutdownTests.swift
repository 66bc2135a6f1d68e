import Foundation
import GtcpWire
import HummingbirdTesting
import Testing

/// SIGTERM and SIGINT on `serve`: a graceful drain, and a second signal that does not wait.
@Suite(.timeLimit(.minutes(2)))
struct ShutdownTests {
    @Test func sigtermDeliversEveryInFlightReplyThenDoexitAndExitsZero() async throws {
        try await HeldBackend.run { backend, backendPort in
            // Timeouts far above the test's run, so only the order of events can decide it.
            let server = try GatewayProcess([
                "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                "--upstream", "http://127.0.0.1:\(backendPort)/acts/{act}",
                "--upstream-timeout", "10m", "--shutdown-grace", "10m",
            ])
            let port = try await server.port(announcedBy: "gtcp listener on")
            let adminPort = try await server.port(announcedBy: "admin API on")
            #expect(try await Self.readyzStatus(adminPort: adminPort) == 200)

            var clients: [TestConnection] = []
            for number in 1...3 {
                let client = try await TestConnection(port: port)
                try await client.send(Msg(act: "slow", data: "request \(number)"))
                clients.append(client)
            }
            #expect(await backend.arrivals.index(3) { _ in true } != nil, "all three requests are at the backend")

            server.signal(SIGTERM)
            #expect(await server.line(containing: "draining: told 3 clients to exit") != nil)
            #expect(try await Self.readyzStatus(adminPort: adminPort) == 503)
            await #expect(throws: (any Error).self, "the listener is closed while draining") {
                try await TestConnection(port: port)
            }

            backend.release()
            for (index, client) in clients.enumerated() {
                #expect(try await client.next() == Msg(act: "slow", data: "done request \(index + 1)"))
                #expect(try await client.next() == Msg(act: "doexit", data: "server shutting down"))
                await client.close()
            }
            #expect(await server.exitStatus() == 0)
            let draining = try #require(await server.lines.index { $0.contains("draining: told") })
            let drained = try #require(await server.lines.index { $0.contains("gtcp listener drained") })
            let stopped = try #require(await server.lines.index { $0.hasSuffix(" stopped") })
            #expect(draining < drained && drained < stopped)
            #expect(!server.output.contains { $0.contains("shutdown grace over") })
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSecondSignalWhileDrainingExitsAtOnce(second: Int32) async throws {
        let server = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "off", "--shutdown-grace", "10m",
        ])
        let port = try await server.port(announcedBy: "gtcp listener on")
        // A client that ignores doexit keeps the drain waiting for the whole grace.
        let client = try await TestConnection(port: port)
        _ = try await client.hello()

        server.signal(SIGTERM)
        #expect(await server.line(containing: "draining: told 1 clients to exit") != nil)
        #expect(try await client.next() == Msg(act: "doexit", data: "server shutting down"))
        server.signal(second)
        let signalName = second == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(await server.exitStatus() == 128 + second)
        #expect(server.output.contains {
            $0.contains("\(signalName) during the graceful shutdown: exiting at once with status \(128 + second)")
        })
        #expect(!server.output.contains { $0.contains("gtcp listener drained") })
        await client.close()
    }

    private static func readyzStatus(adminPort: Int) async throws -> Int {
        try await TestClient.withClient(host: "127.0.0.1", port: adminPort) { client in
            try await client.get("/readyz").status.code
        }
    }
}
