import Foundation
import GatewayTestSupport
import GtcpClient
import GtcpWire
import Testing

/// The directory keeps up with connect storms and churn in batches, and empties as clients go.
@Suite(.timeLimit(.minutes(3)))
struct ClusterStormTests {
    /// Both ends of every connection are on this machine, and a process may hold 20,000 open
    /// files: 5,000 clients keep the test and the gateway well inside that.
    private static let stormSize = 5_000
    private static let lanes = 100

    @Test func aConnectStormLandsInTheDirectoryWithinSecondsAndClosingEmptiesIt() async throws {
        let database = try ClusterDatabase()
        let node = try await ClusterGateway.start("storm", database: database.url, extra: ["--idle-timeout", "0"])

        let clients = try await withThrowingTaskGroup(of: [GtcpClientConnection].self) { group in
            for lane in 0..<Self.lanes {
                group.addTask {
                    var opened: [GtcpClientConnection] = []
                    for _ in stride(from: lane, to: Self.stormSize, by: Self.lanes) {
                        opened.append(try await GtcpClientConnection.connect(host: "127.0.0.1", port: node.port))
                    }
                    return opened
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(clients.count == Self.stormSize)
        let lag = try await ClusterGateway.waitUntil(within: .seconds(20)) {
            try database.directoryRows() == Self.stormSize
        }
        #expect(lag != nil, "the directory did not hold all \(Self.stormSize) rows after 20s")
        print("directory lag after a storm of \(Self.stormSize) connections: \(lag.map { "\($0)" } ?? "over 20s")")
        let listed = try #require(try await node.listing())
        #expect(listed.count == Self.stormSize)

        await withTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { await client.close() } }
        }
        // 5,000 closes reach the gateway as fast as a loaded machine delivers them; under
        // ThreadSanitizer, beside the whole parallel suite, that took more than 20 s.
        let emptied = try await ClusterGateway.waitUntil(within: .seconds(60)) { try database.directoryRows() == 0 }
        print("directory emptied \(emptied.map { "\($0)" } ?? "over 60s") after the clients closed")
        if emptied == nil {
            // Slow or stalled: whether the closes reached the node and what its directory writer
            // made of them tell which, and the node's log goes with the test.
            let left = try database.directoryRows()
            let counts = try await node.metrics(prefix: "gtcp_connections_")
                + node.metrics(prefix: "gtcp_cluster_directory_") + node.metrics(prefix: "gtcp_cluster_database_")
            Issue.record(
                """
                the directory still held \(left) rows 60s after the clients closed
                node metrics:
                \(counts.joined(separator: "\n"))
                node log:
                \(node.process.output.suffix(40).joined(separator: "\n"))
                """)
        }
        #expect(await node.stop() == 0)
    }

    @Test func connectDisconnectChurnLeavesNoRowsBehind() async throws {
        let database = try ClusterDatabase()
        let node = try await ClusterGateway.start("churn", database: database.url)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<20 {
                group.addTask {
                    for round in 0..<50 {
                        let client = try await TestConnection(port: node.port)
                        if round % 2 == 0 {
                            _ = try await client.hello(name: "churn-\(lane)-\(round)")
                        }
                        await client.close()
                    }
                }
            }
            try await group.waitForAll()
        }
        let emptied = try await ClusterGateway.waitUntil(within: .seconds(10)) { try database.directoryRows() == 0 }
        #expect(emptied != nil, "rows were left after churn")
        #expect(try await !node.metrics(prefix: "gtcp_cluster_directory_rows_written_total").isEmpty)
        #expect(await node.stop() == 0)
    }
}
