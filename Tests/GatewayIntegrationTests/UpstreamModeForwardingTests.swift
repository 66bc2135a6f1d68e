import GatewayCore
import GatewayCurl
import GatewayTestSupport
import GatewayUpstream
import GtcpWire
import Logging
import TestCertificates
import Testing

/// Several clients' acts forwarded to a real nginx in each upstream mode: every forwarding
/// guarantee (order, backpressure, exactly one reply, no retried POST) holds in all of them.
@Suite(.timeLimit(.minutes(2)))
struct UpstreamModeForwardingTests {
    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case http1 = "HTTP/1.1"
        case unixSocket = "HTTP/1.1 over a unix socket"
        case http2TLS = "h2 over TLS"

        var testDescription: String { rawValue }

        /// What nginx's `$server_protocol` says of the requests.
        var serverProtocol: String { self == .http2TLS ? "HTTP/2.0" : "HTTP/1.1" }
    }

    /// `body` with an nginx serving `mode`, its base URL and the transport to reach it.
    private func withNginx(
        _ mode: Mode, _ body: (TestNginx, String, UpstreamTransport) async throws -> Void
    ) async throws {
        switch mode {
        case .http1:
            try await TestNginx.run { try await body($0, "http://127.0.0.1:\($0.port)", UpstreamTransport()) }
        case .unixSocket:
            try await TestNginx.run(unixSocket: true) {
                try await body($0, "http://localhost", UpstreamTransport(unixSocketPath: $0.socketPath))
            }
        case .http2TLS:
            let certificates = try TestCertificates()
            try await TestNginx.run(
                listenOptions: "ssl http2", certificate: certificates.serverCertificatePath, key: certificates.serverKeyPath
            ) {
                try await body(
                    $0, "https://127.0.0.1:\($0.port)", UpstreamTransport(httpVersion: .http2, caFile: certificates.caPath))
            }
        }
    }

    @Test(arguments: Mode.allCases)
    func eachConnectionsRepliesKeepTheirOrderAndEveryPOSTReachesNginxOnce(mode: Mode) async throws {
        try await withNginx(mode) { nginx, base, transport in
            var logger = Logger(label: "test-upstream")
            logger.logLevel = .critical
            // The echoes are GETs, as nginx can only echo the query; the rest are POSTs.
            let upstream = try CurlUpstream(
                configuration: UpstreamConfiguration(
                    urlTemplate: base + "/{act}",
                    routes: UpstreamRoutes([UpstreamRoute(act: .exact("echo"), urlTemplate: base + "/echo", method: .get)]),
                    transport: transport),
                client: CurlClient(threads: 2, maxConnections: 2, logger: logger))
            let echoClients = 4
            let postClients = 2
            let postsEach = 100
            let echoed = try await TestGateway.run(upstream: upstream) { gateway in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<echoClients {
                        let load = ForwardedLoad(try await gateway.connect())
                        group.addTask {
                            let outcome = try await withThrowingTaskGroup(of: ForwardedLoad.Outcome.self) { running in
                                running.addTask { try await load.run(window: 16) }
                                await load.waitForReplies(150)
                                load.stop()
                                return try await running.next()!
                            }
                            #expect(outcome.failed == 0)
                            #expect(outcome.answered == outcome.sent)
                            return outcome.sent
                        }
                    }
                    for _ in 0..<postClients {
                        let connection = try await gateway.connect()
                        group.addTask {
                            var replies = MessageReader(connection)
                            // All at once: the gateway holds back past max-in-flight-per-connection.
                            for _ in 0..<postsEach { try await connection.send(Msg(act: "protocol")) }
                            for index in 0..<postsEach {
                                let reply = try await replies.next()
                                #expect(
                                    reply == Msg(act: "protocol", data: mode.serverProtocol),
                                    "reply \(index): \(String(describing: reply))")
                            }
                            // Nothing beyond one reply per act: the next message answers this hello.
                            try await connection.send(Msg(act: "hello"))
                            #expect(try await replies.next()?.act == "hello")
                            await connection.close()
                            return 0
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            await upstream.shutdown()
            // nginx logs a request as it answers it, so every act answered is in the log by now.
            let log = try nginx.accessLog()
            #expect(log.filter { $0 == "POST /protocol \(mode.serverProtocol)" }.count == postClients * postsEach)
            #expect(log.filter { $0 == "GET /echo \(mode.serverProtocol)" }.count == echoed)
            #expect(log.count == postClients * postsEach + echoed)
        }
    }
}
