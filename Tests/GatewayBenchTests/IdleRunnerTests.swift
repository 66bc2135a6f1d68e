import GatewayBench
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Idle runs")
struct IdleRunnerTests {
    @Test("holds every connection it opened and samples the server process")
    func holdsConnections() async throws {
        let report = try await InProcessGateway.run { gateway in
            var configuration = IdleConfiguration(target: gateway.address, connections: 5)
            configuration.heartbeatInterval = .milliseconds(20)
            configuration.hold = .milliseconds(100)
            // The gateway runs in this process.
            configuration.serverPID = getpid()
            return try await IdleRunner(configuration: configuration).run()
        }
        #expect(report.opened == 5)
        #expect(report.connectFailures == 0)
        #expect(report.closedByServer == 0)
        #expect(report.messagesReceived == 0)
        let cost = try #require(report.server)
        #expect(cost.before.residentKiB > 0)
        #expect(cost.cpuPercentOfOneCore >= 0)
    }
}
