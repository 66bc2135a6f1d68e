import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The example scenario with the admin API in the server's role.
@Suite(.timeLimit(.minutes(1)))
struct AdminScenarioTests {
    @Test func anAdminDoexitEndsTheExampleClient() async throws {
        let server = try GatewayProcess(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
        let port = try await server.port(announcedBy: "gtcp listener on")
        let adminPort = try await server.port(announcedBy: "admin API on")
        let client = try GatewayProcess([
            "client", "--connect", "127.0.0.1:\(port)", "--heartbeat-interval", "100ms", "--hello-after", "100ms",
        ])
        #expect(await client.line(containing: "hello response message from") != nil)

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(adminPort)/connections/doexit")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"data":"maintenance"}"#.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 202)
        #expect(String(decoding: body, as: UTF8.self).contains(#""told":1"#))

        #expect(await client.exitStatus() == 0)
        #expect(client.output.contains { $0.hasSuffix(" exit command from [127.0.0.1:\(port)]") })
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }
}
