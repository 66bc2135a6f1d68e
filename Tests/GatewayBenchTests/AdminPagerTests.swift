@testable import GatewayBench
import GtcpClient
import GtcpWire
import NIOPosix
import Testing

@Suite("Admin paging")
struct AdminPagerTests {
    @Test("follows next until null, sweep after sweep")
    func followsCursor() async throws {
        let report = try await InProcessGateway.run { gateway in
            var clients: [GtcpClientConnection] = []
            for _ in 0..<5 {
                let client = try await GtcpClientConnection.connect(host: gateway.address.host, port: gateway.address.port)
                // A hello answered means the gateway has registered the connection.
                try await client.send(Msg(act: "hello", data: "pager test"))
                var replies = client.messages.makeAsyncIterator()
                _ = try await replies.next()
                clients.append(client)
            }
            let report = await AdminPager(
                configuration: AdminPagingConfiguration(host: "127.0.0.1", port: gateway.adminPort, limit: 2, maxSweeps: 2),
                group: MultiThreadedEventLoopGroup.singleton
            ).run()
            for client in clients {
                await client.close()
            }
            return report
        }
        #expect(report.error == nil)
        #expect(report.sweeps == 2)
        #expect(report.pages == 6)
        #expect(report.connectionsListed == 10)
    }

    @Test("a paced sweep starts an interval after the previous one started")
    func paced() async throws {
        let interval = Duration.milliseconds(300)
        let clock = ContinuousClock()
        let (report, elapsed) = try await InProcessGateway.run { gateway in
            let started = clock.now
            let report = await AdminPager(
                configuration: AdminPagingConfiguration(
                    host: "127.0.0.1", port: gateway.adminPort, limit: 2, maxSweeps: 3, sweepInterval: interval),
                group: MultiThreadedEventLoopGroup.singleton
            ).run()
            return (report, clock.now - started)
        }
        #expect(report.error == nil)
        #expect(report.sweeps == 3)
        #expect(report.sweepIntervalSeconds == 0.3)
        // Two waits between three sweeps, none after the last.
        #expect(elapsed >= interval * 2)
    }

    @Test("a request the API rejects ends paging with the status and body")
    func rejected() async throws {
        let report = try await InProcessGateway.run { gateway in
            await AdminPager(
                configuration: AdminPagingConfiguration(host: "127.0.0.1", port: gateway.adminPort, limit: 0, maxSweeps: 1),
                group: MultiThreadedEventLoopGroup.singleton
            ).run()
        }
        #expect(report.sweeps == 0)
        #expect(report.error?.contains("GET /connections answered 400") == true)
    }

    @Test("paging that the end of the load cancels is no failure")
    func cancelled() async throws {
        let report = try await InProcessGateway.run { gateway in
            let pager = Task {
                await AdminPager(
                    configuration: AdminPagingConfiguration(host: "127.0.0.1", port: gateway.adminPort, limit: 1),
                    group: MultiThreadedEventLoopGroup.singleton
                ).run()
            }
            pager.cancel()
            return await pager.value
        }
        #expect(report.error == nil)
    }
}
