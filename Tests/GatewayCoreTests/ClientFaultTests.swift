import GatewayTestSupport
import GatewayUpstream
import GtcpClient
import GtcpWire
import MetricsTestKit
import NIOCore
import NIOPosix
import Testing

@testable import GatewayCore

/// Clients that misbehave at the socket level cost the gateway that one connection and nothing else.
@Suite(.timeLimit(.minutes(1)))
struct ClientFaultTests {
    private static func closes(_ metrics: TestMetrics, _ reason: String) -> Int64 {
        metrics.counterTotal(label: "gtcp_connections_closed_total", dimensions: [("reason", reason)])
    }

    @Test func aResetInTheMiddleOfAPacketClosesOnlyThatConnection() async throws {
        let metrics = TestMetrics()
        try await TestGateway.run(metrics: metrics) { gateway in
            let good = try await gateway.connect()
            var replies = MessageReader(good)
            try await good.send(Msg(act: "hello"))
            _ = try await replies.next()

            for cut in [1, 2, 10] {
                let resetting = try RawSocket(port: gateway.port)
                // A whole packet and its reply first, so the gateway holds the connection.
                try resetting.send(Msg(act: "hello"))
                #expect(try resetting.receive(exactly: 44).count == 44)
                var packet = ByteBuffer()
                try GtcpMsgEncoder(framing: .default).encode(data: Msg(act: "hello", data: "cut short"), out: &packet)
                try resetting.send(Array(packet.readableBytesView.prefix(cut)))
                resetting.reset()
            }
            try await good.send(Msg(act: "hello"))
            #expect(try await replies.next()?.act == "hello")
            await good.close()
            await gateway.registry.waitUntilEmpty()
            #expect(Self.closes(metrics, "connection_error") + Self.closes(metrics, "client_closed") == 4)
        }
    }

    @Test func aHeaderFollowedByNothingIsClosedByTheIdleTimeout() async throws {
        let metrics = TestMetrics()
        try await TestGateway.run(policy: ConnectionPolicy(idleTimeout: .milliseconds(200)), metrics: metrics) { gateway in
            let silent = try RawSocket(port: gateway.port)
            try silent.send([0x00, 0x40])
            #expect(silent.readsUntilClosed())
            // The client sees the close before the gateway has counted it.
            await gateway.registry.waitUntilEmpty()
            #expect(Self.closes(metrics, "idle_timeout") == 1)
        }
    }

    @Test func aResetWithRepliesOwedGivesBackEveryInFlightSlot() async throws {
        let gate = Gate()
        let upstream = InMemoryUpstream.echo { await gate.pass() }
        let configuration = GatewayConfiguration(port: 0, maxInFlightPerConnection: 4)
        let server = try await TestGateway.run(configuration: configuration, upstream: upstream) { gateway in
            let resetting = try RawSocket(port: gateway.port)
            for index in 0..<8 {
                try resetting.send(Msg(act: "echo", data: "\(index)"))
            }
            var arrivals = gate.arrivals.makeAsyncIterator()
            for _ in 0..<4 {
                await arrivals.next()
            }
            resetting.reset()
            await gateway.registry.waitUntilEmpty()
            await gate.open()
            return gateway.server
        }
        for eventLoop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
            try await eventLoop.submit {}.get()
        }
        #expect(server.inFlightCount == 0)
    }
}
