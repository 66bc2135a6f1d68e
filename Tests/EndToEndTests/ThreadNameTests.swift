import Foundation
import Testing

/// What an operator sees of the gateway's threads in `top -H`, `ps -L` or a profile.
@Suite(.timeLimit(.minutes(1)))
struct ThreadNameTests {
    @Test func eachUpstreamThreadIsNamed() async throws {
        let gateway = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "off",
            "--upstream", "http://127.0.0.1:9/acts/{act}", "--upstream-threads", "3",
        ])
        _ = try await gateway.port(announcedBy: "gtcp listener on")
        let tasks = "/proc/\(gateway.pid)/task"
        let upstreamThreads = {
            try FileManager.default.contentsOfDirectory(atPath: tasks)
                .compactMap { try? String(contentsOfFile: "\(tasks)/\($0)/comm", encoding: .utf8) }
                .filter { $0.hasPrefix("gtcp-curl-") }
                .sorted()
        }
        // Each thread names itself as it starts, which may come after the listener.
        _ = try await ClusterGateway.waitUntil(within: .seconds(10)) { try upstreamThreads().count == 3 }
        #expect(try upstreamThreads() == ["gtcp-curl-0\n", "gtcp-curl-1\n", "gtcp-curl-2\n"])
        gateway.signal(SIGTERM)
        #expect(await gateway.exitStatus() == 0)
    }
}
