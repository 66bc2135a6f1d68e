import Foundation
import GatewayTestSupport
import Testing

/// Cluster settings that cannot work stop the gateway at start-up, naming the key.
@Suite(.timeLimit(.minutes(1)))
struct ClusterStartUpTests {
    private func failedStart(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = try GatewayProcess(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "off"] + arguments)
        let status = await process.exitStatus()
        return (status, process.output.joined(separator: "\n"))
    }

    @Test func aPasswordInTheDatabaseURLIsRefusedWithoutShowingIt() async throws {
        let (status, output) = try await failedStart(["--cluster-database-url", "postgres://gw:hunter2@127.0.0.1/db"])
        #expect(status != 0)
        #expect(output.contains("cluster-database-url must not hold a password"))
        #expect(!output.contains("hunter2"))
    }

    @Test func aMissingPasswordFileIsNamed() async throws {
        let (status, output) = try await failedStart([
            "--cluster-database-url", "postgres://gw@127.0.0.1/db", "--cluster-password-file", "/nonexistent/password",
        ])
        #expect(status != 0)
        #expect(output.contains("cluster-password-file /nonexistent/password cannot be read"))
    }

    @Test func anUnreachableDatabaseIsNamed() async throws {
        try await withRefusingPort { port in
            let (status, output) = try await failedStart(["--cluster-database-url", "postgres://gw@127.0.0.1:\(port)/db"])
            #expect(status != 0)
            #expect(output.contains("cluster-database-url postgres://gw@127.0.0.1:\(port)/db: cannot connect"))
        }
    }

    @Test func aSecondLiveNodeWithTheSameNameIsRefused() async throws {
        let database = try ClusterDatabase()
        let first = try await ClusterGateway.start("twin", database: database.url, lease: "1s")
        let (status, output) = try await failedStart([
            "--cluster-database-url", database.url, "--node-name", "twin", "--cluster-lease", "1s",
        ])
        #expect(status != 0)
        #expect(output.contains("node-name twin is in use by a live node"))
        #expect(await first.stop() == 0)
    }
}
