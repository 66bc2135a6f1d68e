import Foundation
import GatewayTestSupport
import GtcpClient
import GtcpWire
import Testing

/// Under a low open-file limit neither port takes the descriptors the other needs: a slowloris
/// on the admin port leaves gtcp clients their share, and gtcp clients filling theirs leave the
/// admin API able to answer.
@Suite(.timeLimit(.minutes(2)))
struct ListenerStarvationTests {
    private static let greeting = Msg(act: "hello", data: "Nice to meet you!")

    @Test func adminSlowlorisAndFullGtcpShareLeaveBothPortsAnswering() async throws {
        let adminConnections = 16
        let server = try GatewayProcess(
            [
                "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                "--admin-max-connections", "\(adminConnections)",
            ],
            openFileLimit: 160)
        let port = try await server.port(announcedBy: "gtcp listener on")
        let adminPort = try await server.port(announcedBy: "admin API on")
        let share = try #require(
            await server.line(containing: "gtcp clients: the open-file limit").flatMap { line in
                line.firstMatch(of: #/at most (\d+) gtcp clients/#).flatMap { Int($0.1) }
            })

        // Four times the cap, each stopping partway through its request head: the newest push
        // out the oldest, and the last ones are closed by the header timeout.
        let slowloris = (0..<(4 * adminConnections)).map { _ in
            Task {
                try await RawConnection.connect(port: adminPort)
                    .sendAndReadUntilClosed(Array("GET /healthz HTTP/1.1\r\nHost: 127".utf8))
            }
        }

        var clients: [GtcpClientConnection] = []
        var refusal: Msg?
        let filling = ContinuousClock.now
        while refusal == nil {
            try #require(clients.count <= share, "the gateway held more gtcp clients than its share of \(share)")
            let client = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port)
            // A client past the share may already be refused and closed; its reply still arrives.
            try? await client.send(Msg(act: "hello", data: "client \(clients.count)"))
            let answer: Msg? = await firstOf(
                { try? await client.messages.first { _ in true } },
                {
                    _ = await server.line(containing: "accepting a connection failed")
                    return nil
                })
            let reply = try #require(answer, "client \(clients.count) got no answer: it was left to fail in accept")
            if reply.act == "error" {
                refusal = reply
            } else {
                #expect(reply == Self.greeting)
                clients.append(client)
            }
        }
        let filled = ContinuousClock.now - filling
        #expect(clients.count == share)
        #expect(refusal?.data.contains("too many connections") == true)

        let asking = ContinuousClock.now
        let health = try await RawConnection.get("/healthz", port: adminPort)
        let healthLatency = ContinuousClock.now - asking
        #expect(health.hasPrefix("HTTP/1.1 200 OK\r\n"))
        // Well within admin-header-timeout (10s): a slowloris connection gave way at once.
        #expect(healthLatency < .seconds(5))
        for connection in slowloris {
            #expect(try await connection.value == [], "a slowloris connection was answered")
        }
        try await clients[0].send(Msg(act: "hello"))
        #expect(try await clients[0].messages.first { _ in true } == Self.greeting)
        print("\(share) gtcp clients in \(filled) beside \(slowloris.count) slowloris connections; /healthz in \(healthLatency)")

        for client in clients {
            await client.close()
        }
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }
}
