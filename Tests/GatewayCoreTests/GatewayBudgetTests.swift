import GatewayTestSupport
import GtcpWire
import MetricsTestKit
import NIOCore
import NIOPosix
import Testing

@testable import GatewayCore

/// The gateway-wide caps on partial packets and on queued output close the connections that
/// hold the most, and the others carry on.
@Suite(.timeLimit(.minutes(1)))
struct GatewayBudgetTests {
    private static func closes(_ reason: String, _ metrics: TestMetrics) -> Int64 {
        metrics.counterTotal(label: "gtcp_connections_closed_total", dimensions: [("reason", reason)])
    }

    private static func encoded(_ msg: Msg, _ framing: GtcpFraming) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try GtcpMsgEncoder(framing: framing).encode(data: msg, out: &buffer)
        return Array(buffer.readableBytesView)
    }

    @Test func clientsHoldingTheLargestPartialPacketsAreClosedAndTheOthersCarryOn() async throws {
        let metrics = TestMetrics()
        let framing = try GtcpFraming(headerSize: 4)
        let cap = 1 << 20
        let configuration = GatewayConfiguration(port: 0, framing: framing, maxPartialPacketBytes: cap)
        try await TestGateway.run(configuration: configuration, metrics: metrics) { gateway in
            // Ten clients send half of a 20 KB hello each: 100 KB held, well within the cap.
            let hello = try Self.encoded(Msg(act: "hello", data: String(repeating: "p", count: 20_000)), framing)
            let half = hello.count / 2
            var patient: [RawSocket] = []
            for _ in 0..<10 {
                let client = try RawSocket(port: gateway.port)
                try client.send(Array(hello[..<half]))
                patient.append(client)
            }
            // Twenty clients declare 1 GiB each and send 1.5 MiB of it: each alone passes the cap.
            let chunk = [UInt8](repeating: 0x20, count: 64 << 10)
            for _ in 0..<20 {
                let hog = try RawSocket(port: gateway.port)
                var sent = (try? hog.send([0x40, 0, 0, 0])) != nil
                for _ in 0..<24 where sent {
                    sent = (try? hog.send(chunk)) != nil
                }
                #expect(hog.readsUntilClosed())
            }
            // A client may see its socket closed before the loop that closed it has counted the
            // close: once every loop has run a task queued after that, each close is counted.
            for eventLoop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
                try await eventLoop.submit {}.get()
            }
            #expect(Self.closes("partial_packet_budget", metrics) == 20)

            // The patient clients were never closed: their packets complete and are answered.
            let reply = try Self.encoded(Msg(act: "hello", data: "Nice to meet you!"), framing)
            for client in patient {
                try client.send(Array(hello[half...]))
                #expect(try client.receive(exactly: reply.count) == reply)
                client.close()
            }
            let reader = try await gateway.connect()
            var messages = MessageReader(reader)
            try await reader.send(Msg(act: "hello", data: "well behaved"))
            #expect(try await messages.next()?.data == "Nice to meet you!")
            await reader.close()
        }
        let held = try metrics.expectMeter("gtcp_partial_packet_bytes")
        let most = Int(held.values.max() ?? 0)
        #expect(most <= cap + (1 << 20), "\(most) bytes of partial packets held at most")
        #expect(held.lastValue == 0)
    }

    @Test func pastTheTotalOutputCapTheClientWithTheMostQueuedIsClosedFirst() async throws {
        let metrics = TestMetrics()
        let configuration = GatewayConfiguration(port: 0, maxOutboundBytes: 256 << 20, maxTotalOutboundBytes: 4 << 20)
        let news = Msg(act: "news", data: String(repeating: "x", count: 60_000))
        try await TestGateway.run(configuration: configuration, metrics: metrics) { gateway in
            var ids: [ConnectionID] = []
            var stalled: [RawSocket] = []
            for index in 0..<4 {
                let client = try RawSocket(port: gateway.port, receiveBuffer: 4096)
                try client.send(Msg(act: "hello", data: "stalled \(index)"))
                #expect(try !client.receive(upTo: 4096).isEmpty)
                stalled.append(client)
                let page = await gateway.registry.page(
                    after: nil, limit: 1, filter: ConnectionFilter(clientName: "stalled \(index)"))
                ids.append(try #require(page.connections.first?.id))
            }
            // Every client has output waiting; then the first gets more until the total passes the cap.
            for _ in 0..<10 {
                #expect(await gateway.registry.broadcast(news, filter: ConnectionFilter()) == 4)
            }
            var pushes = 0
            while await gateway.registry.push(news, to: ids[0]) == .sent, pushes < 1000 {
                pushes += 1
            }
            #expect(stalled[0].readsUntilClosed())
            #expect(await gateway.registry.snapshot(of: ids[0]) == nil)
            for id in ids.dropFirst() {
                #expect(await gateway.registry.snapshot(of: id) != nil)
            }
            #expect(Self.closes("slow_reader", metrics) == 1)
            stalled.forEach { $0.reset() }
        }
        let queued = try metrics.expectMeter("gtcp_outbound_queued_bytes")
        #expect(queued.lastValue == 0)
    }
}
