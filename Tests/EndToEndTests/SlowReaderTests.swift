import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `max-outbound-bytes` reaches the connections: a client that stops reading is closed once
/// broadcasts queue more than that for it, and the log says so with the configured cap.
@Suite(.timeLimit(.minutes(1)))
struct SlowReaderTests {
    @Test func aStoppedClientIsClosedAtTheConfiguredOutputCap() async throws {
        let server = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--max-outbound-bytes", "200000",
        ])
        let port = try await server.port(announcedBy: "gtcp listener on")
        let adminPort = try await server.port(announcedBy: "admin API on")
        let client = try GatewayProcess([
            "client", "--connect", "127.0.0.1:\(port)", "--heartbeat-interval", "1h", "--hello-after", "10ms",
        ])
        #expect(await client.line(containing: "hello response message from") != nil)
        client.signal(SIGSTOP)

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(adminPort)/messages")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"act":"news","data":"\#(String(repeating: "x", count: 60_000))"}"#.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        // The kernel's socket buffers take some MiB first; 1,000 broadcasts are 60 MB.
        var reached = 1
        for _ in 0..<1000 where reached == 1 {
            let (body, _) = try await URLSession.shared.data(for: request)
            reached = String(decoding: body, as: UTF8.self).contains(#""sent":1"#) ? 1 : 0
        }
        #expect(reached == 0)
        #expect(await server.line(containing: "bytes of output not read (max 200000)") != nil)

        client.signal(SIGKILL)
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }
}
