import Foundation
import Testing

/// Scripts start the gateway on port 0 and learn its ports from `--ports-file`, at any log level.
@Suite(.timeLimit(.minutes(1)))
struct PortsFileTests {
    @Test func thePortsFileNamesBothListenersOnceTheyAreBound() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("ports").path
        let gateway = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--log-level", "info",
            "--ports-file", path,
        ])
        // Written before "ready" is logged.
        #expect(await gateway.line(containing: " ready") != nil)
        let gtcp = try await gateway.port(announcedBy: "gtcp listener on")
        let admin = try await gateway.port(announcedBy: "admin API on")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").sorted()
        #expect(lines == ["admin \(admin)", "gtcp \(gtcp)"])
        gateway.signal(SIGTERM)
        #expect(await gateway.exitStatus() == 0)
    }
}
