import Foundation
import GatewayTestSupport
import GtcpWire
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What a client that means harm can do to the log and the memory of the real binary (issue 20).
@Suite(.timeLimit(.minutes(2)))
struct HostileClientTests {
    /// A name that ends the line, forges another and clears the terminal.
    private static let forgedName = "bob\n2026-01-01 00:00:00.000 closed [10.0.0.1:1]: FORGED\u{1b}[2J"

    @Test(arguments: ["plain", "json"])
    func aForgedHelloOrActWritesNoLineOfItsOwnAndNoEscape(format: String) async throws {
        let server = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "off", "--log-format", format, "--log-level", "debug",
        ])
        let port = try await server.port(announcedBy: "gtcp listener on")
        let client = try await TestConnection(port: port)
        #expect(try await client.hello(name: Self.forgedName) != nil)
        // The act is checked before the warning about acts without an upstream could log it.
        try await client.send(Msg(act: Self.forgedName, data: ""))
        #expect(try await client.next()?.act == "error")
        await client.close()
        _ = await server.line(containing: "client closed")
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)

        let output = server.output
        #expect(output.filter { $0.contains("FORGED") }.count == 1, "\(output)")
        #expect(!output.contains { $0.contains("2026-01-01") && !$0.contains("bob") }, "\(output)")
        #expect(!output.contains { $0.utf8.contains(0x1B) }, "\(output)")
        if format == "json" {
            #expect(output.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] })
        }
    }

    @Test func aRenameFloodWritesABoundedNumberOfLogBytes() async throws {
        let server = try GatewayProcess(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "off"])
        let port = try await server.port(announcedBy: "gtcp listener on")
        let client = try await TestConnection(port: port)
        let padding = String(repeating: "n", count: 65_000)
        let started = ContinuousClock.now
        var greeted = 0
        for index in 0..<2000 where try await client.hello(name: "\(index)\(padding)") != nil {
            greeted += 1
        }
        #expect(greeted == 2000)
        await client.close()
        let closed = await server.line(containing: "client closed")
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)

        // 2,000 names of 65 KB: 130 MB of log before names were cut and lines budgeted.
        let logBytes = server.output.reduce(0) { $0 + $1.utf8.count + 1 }
        #expect(logBytes < 16 << 10, "\(logBytes) bytes of log")
        // The budget: a burst of 5 lines, then one more per 10 s the flood lasted.
        let budget = 5 + Int((ContinuousClock.now - started) / .seconds(10))
        #expect(server.output.filter { $0.contains("hello message from") }.count <= budget)
        #expect(closed?.contains("lines left out of the log") == true, "\(closed ?? "no close line")")
    }

    @Test func aBroadcastToStoppedClientsCostsAboutOneCopyNotOnePerClient() async throws {
        let server = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--idle-timeout", "0",
            "--max-outbound-bytes", "67108864",
        ])
        let port = try await server.port(announcedBy: "gtcp listener on")
        let adminPort = try await server.port(announcedBy: "admin API on")
        // Small receive buffers, never read after the greeting: once the kernel's socket buffers
        // are full (some MiB per client), broadcasts queue in the gateway.
        var clients: [RawSocket] = []
        for _ in 0..<100 {
            let client = try RawSocket(port: port, receiveBuffer: 4096)
            try client.send(Msg(act: "hello", data: "stopped"))
            #expect(try !client.receive(upTo: 4096).isEmpty)
            clients.append(client)
        }
        let before = try residentBytes(of: server.pid)

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(adminPort)/messages")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"act":"news","data":"\#(String(repeating: "x", count: 60_000))"}"#.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        var sentToAll = 0
        for _ in 0..<80 {
            let (body, _) = try await URLSession.shared.data(for: request)
            sentToAll += String(decoding: body, as: UTF8.self).contains(#""sent":100"#) ? 1 : 0
        }
        #expect(sentToAll == 80)
        let afterBroadcasts = try residentBytes(of: server.pid)

        clients.forEach { $0.close() }
        _ = await server.line(containing: "closed [", occurrence: 100)
        let afterLeaving = try residentBytes(of: server.pid)
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)

        // A copy per client was 80 x 100 x 60 KB = 480 MB, less what the kernel buffers: some
        // 200 MB of RSS that stayed after the clients left.
        let growth = afterBroadcasts - before
        #expect(growth < 16 << 20, "RSS grew \(growth >> 10) KiB")
        #expect(afterLeaving - before < 16 << 20, "RSS \(before >> 10) KiB before, \(afterLeaving >> 10) KiB after")
    }

    /// VmRSS of process `pid`, from /proc.
    private func residentBytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
    }
}
