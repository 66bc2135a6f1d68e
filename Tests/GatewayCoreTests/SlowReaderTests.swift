import Foundation
import GatewayTestSupport
import GtcpClient
import GtcpWire
import MetricsTestKit
import NIOCore
import Testing

@testable import GatewayCore

/// Output to a client is bounded: a client that reads nothing is closed once what waits for it
/// passes `maxOutboundBytes`, while a client that reads, or one the gateway can throttle, is not.
@Suite(.timeLimit(.minutes(1)))
struct SlowReaderTests {
    private static let configuration = GatewayConfiguration(port: 0, maxOutboundBytes: 256 << 10)
    private static let bigData = String(repeating: "x", count: 60_000)

    private static func slowReaderCloses(_ metrics: TestMetrics) -> Int64 {
        metrics.counterTotal(label: "gtcp_connections_closed_total", dimensions: [("reason", "slow_reader")])
    }

    @Test func pushesToAClientThatReadsNothingCloseItAtTheCap() async throws {
        let metrics = TestMetrics()
        try await TestGateway.run(configuration: Self.configuration, metrics: metrics) { gateway in
            let (stalled, id) = try await Self.stalledClient(named: "stalled", gateway)

            var pushes = 0
            var outcome = PushOutcome.sent
            // Kernel buffers take a few MiB before the gateway holds any; 1000 pushes is 60 MB.
            while outcome == .sent, pushes < 1000 {
                outcome = await gateway.registry.push(Msg(act: "news", data: Self.bigData), to: id)
                pushes += 1
            }
            #expect(outcome == .closing || outcome == .notFound)
            #expect(Self.slowReaderCloses(metrics) == 1)
            stalled.reset()
        }
    }

    @Test func aBroadcastClosesTheClientThatReadsNothingAndReachesTheOneThatReads() async throws {
        let metrics = TestMetrics()
        try await TestGateway.run(configuration: Self.configuration, metrics: metrics) { gateway in
            let (stalled, _) = try await Self.stalledClient(named: "stalled", gateway)
            let reader = try await gateway.connect()
            var messages = MessageReader(reader)
            try await reader.send(Msg(act: "hello", data: "reader"))
            #expect(try await messages.next()?.act == "hello")

            var broadcasts = 0
            while gateway.registry.openCount == 2, broadcasts < 1000 {
                broadcasts += await gateway.registry.broadcast(Msg(act: "news", data: Self.bigData), filter: ConnectionFilter()) > 0 ? 1 : 0
            }
            #expect(gateway.registry.openCount == 1)
            #expect(Self.slowReaderCloses(metrics) == 1)
            for _ in 0..<broadcasts {
                #expect(try await messages.next() == Msg(act: "news", data: Self.bigData))
            }
            await reader.close()
            stalled.reset()
        }
    }

    @Test func aClientThatPipelinesAndReadsLateIsThrottledNotClosed() async throws {
        let metrics = TestMetrics()
        // 5000 hello replies are 220 KB, close to the cap: only the gateway holding off the
        // client's requests keeps the output below it.
        let configuration = GatewayConfiguration(port: 0, maxOutboundBytes: 128 << 10)
        try await TestGateway.run(configuration: configuration, metrics: metrics) { gateway in
            let client = try RawSocket(port: gateway.port, receiveBuffer: 4096)
            var requests = ByteBuffer()
            for _ in 0..<5000 {
                try GtcpMsgEncoder(framing: .default).encode(data: Msg(act: "hello"), out: &requests)
            }
            try client.send(Array(requests.readableBytesView))
            var replies = 0
            while replies < 5000, try client.receive(exactly: Self.helloReply.count) == Self.helloReply {
                replies += 1
            }
            #expect(replies == 5000)
            #expect(Self.slowReaderCloses(metrics) == 0)
            client.close()
        }
    }

    private static let helloReply: [UInt8] = [0, 42] + Array(#"{"Act":"hello","Data":"Nice to meet you!"}"#.utf8)

    /// Says hello, reads the reply, and from then on reads nothing; returns its connection id.
    private static func stalledClient(named name: String, _ gateway: TestGateway) async throws -> (RawSocket, ConnectionID) {
        let client = try RawSocket(port: gateway.port, receiveBuffer: 4096)
        try client.send(Msg(act: "hello", data: name))
        #expect(try client.receive(exactly: helloReply.count) == helloReply)
        let page = await gateway.registry.page(after: nil, limit: 1, filter: ConnectionFilter(clientName: name))
        return (client, try #require(page.connections.first?.id))
    }
}
