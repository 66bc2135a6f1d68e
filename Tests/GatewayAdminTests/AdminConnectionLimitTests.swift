import GatewayAdmin
import GatewayTestSupport
import Testing

/// Slow and silent admin clients (slowloris) lose their connections instead of holding them.
@Suite(.timeLimit(.minutes(1)))
struct AdminConnectionLimitTests {
    @Test func silentConnectionIsClosedAfterTheIdleTimeout() async throws {
        let limits = AdminConnectionLimits(headerTimeout: .seconds(30), idleTimeout: .milliseconds(300))
        try await withAdminListener(limits: limits) { port in
            // Before connecting: the listener's timer starts at its accept, which comes first.
            let opened = ContinuousClock.now
            let connection = try await RawConnection.connect(port: port)
            #expect(try await connection.sendAndReadUntilClosed([]) == [])
            #expect(ContinuousClock.now - opened >= .milliseconds(300))
        }
    }

    @Test func headSentPartlyIsClosedAfterTheHeaderTimeoutNotTheIdleOne() async throws {
        let limits = AdminConnectionLimits(headerTimeout: .milliseconds(300), idleTimeout: .seconds(50))
        try await withAdminListener(limits: limits) { port in
            let opened = ContinuousClock.now
            let connection = try await RawConnection.connect(port: port)
            let received = try await connection.sendAndReadUntilClosed(Array("GET /healthz HTTP/1.1\r\nHost: a".utf8))
            #expect(received == [])
            let lasted = ContinuousClock.now - opened
            #expect(lasted >= .milliseconds(300) && lasted < .seconds(50), "closed after \(lasted)")
        }
    }

    @Test func completeRequestIsAnsweredDespiteAShortHeaderTimeout() async throws {
        // Short, but not so short that a loaded machine's pause between connect and send trips it.
        let limits = AdminConnectionLimits(headerTimeout: .seconds(2), idleTimeout: .seconds(2))
        try await withAdminListener(limits: limits) { port in
            let response = try await RawConnection.get("/healthz", port: port)
            #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(response.hasSuffix(#"{"status":"ok"}"#))
        }
    }
}
