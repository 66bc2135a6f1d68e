import GtcpWire
import Logging
import Metrics
import MetricsTestKit
import NIOCore
import NIOEmbedded
import Testing

@testable import GatewayCore

/// The handler itself in an EmbeddedChannel: the bytes it writes and when it closes, with the
/// event loop's clock moved by hand, so timers take no real time.
@Suite struct ConnectionHandlerTests {
    private let framing = try! GtcpFraming(headerSize: 2, maxDataSize: 1000)

    /// An active channel whose handler follows `policy`; the handler frames the bytes itself.
    private func channel(
        _ policy: ConnectionPolicy, metrics factory: any MetricsFactory = NOOPMetricsHandler.instance
    ) throws -> EmbeddedChannel {
        let loop = EmbeddedEventLoop()
        var logger = Logger(label: "connection-handler-test")
        logger.logLevel = .critical
        let metrics = GatewayMetrics(factory: factory)
        let environment = ConnectionEnvironment(
            framing: framing, maxInFlightPerConnection: 4, maxOutboundBytes: 1 << 20,
            policy: LivePolicy(policy), upstream: nil, registry: ConnectionRegistry(group: loop),
            limiter: InFlightLimiter(limit: 16), metrics: metrics,
            logger: logger, unroutedActs: LogOnce(),
            outputBudget: ByteBudget(limit: 1 << 30, gauge: metrics.outboundQueuedBytes),
            partialPacketBudget: ByteBudget(limit: 1 << 30, gauge: metrics.partialPacketBytes),
            bootID: "test", events: nil)
        let channel = EmbeddedChannel(handler: ConnectionHandler(environment: environment), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
        return channel
    }

    private func packet(_ msg: Msg) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try GtcpMsgEncoder(framing: framing).encode(data: msg, out: &buffer)
        return buffer
    }

    /// The one message the handler wrote since the last call.
    private func written(_ channel: EmbeddedChannel) throws -> Msg? {
        guard var buffer = try channel.readOutbound(as: ByteBuffer.self) else { return nil }
        buffer.moveReaderIndex(forwardBy: framing.headerSize)
        return try Msg(decoding: buffer)
    }

    private func handler(_ channel: EmbeddedChannel) throws -> ConnectionHandler {
        try channel.pipeline.syncOperations.handler(type: ConnectionHandler.self)
    }

    @Test func helloIsAnsweredWithTheGreeting() throws {
        let channel = try channel(ConnectionPolicy(greeting: "hi there"))
        try channel.writeInbound(try packet(Msg(act: "hello", data: "sensor")))
        #expect(try written(channel) == Msg(act: "hello", data: "hi there"))
        #expect(try channel.finish(acceptAlreadyClosed: false).isClean)
    }

    @Test func anIdleConnectionClosesWhenItsTimeoutPassesAndNotBefore() throws {
        let channel = try channel(ConnectionPolicy(idleTimeout: .seconds(60)))
        channel.embeddedEventLoop.advanceTime(by: .seconds(40))
        try channel.writeInbound(try packet(Msg(act: "heartbeat")))
        // The deadline moved with the packet: 60 s after it, not after the start.
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect(try written(channel) == nil)
    }

    @Test func atMaxAgeDoexitIsSentAndTheGraceClosesAClientThatStays() throws {
        let channel = try channel(
            ConnectionPolicy(idleTimeout: nil, maxConnectionAge: .seconds(10), doexitGrace: .seconds(5)))
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(try written(channel) == Msg(act: "doexit", data: "max connection age reached"))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(4_999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
    }

    @Test func aFramingErrorIsToldToTheClientThenTheConnectionCloses() throws {
        let channel = try channel(ConnectionPolicy())
        // The heartbeat before the oversized header is still taken.
        var bytes = try packet(Msg(act: "heartbeat"))
        bytes.writeBytes([0x03, 0xE9, 1, 2])
        try channel.writeInbound(bytes)
        let error = GtcpFramingError.invalidPackageSize(size: 1001, maxDataSize: 1000)
        #expect(try written(channel) == Msg(act: "error", data: #"{"act":"","error":"\#(error)"}"#))
        #expect(!channel.isActive)
        #expect(try handler(channel).packetsIn == 1)
        #expect(try handler(channel).partialPacket.bytes == 0)
    }

    @Test func packetsSplitAcrossReadsAndSharingOneAreEachAnswered() throws {
        let channel = try channel(ConnectionPolicy(greeting: "hi"))
        let hello = try packet(Msg(act: "hello", data: "sensor"))
        for byte in hello.readableBytesView {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(try written(channel) == Msg(act: "hello", data: "hi"))
        var two = hello
        two.writeImmutableBuffer(hello)
        try channel.writeInbound(two)
        #expect(try written(channel) == Msg(act: "hello", data: "hi"))
        #expect(try written(channel) == Msg(act: "hello", data: "hi"))
        #expect(try written(channel) == nil)
        #expect(try channel.finish(acceptAlreadyClosed: false).isClean)
    }

    @Test func aPartialPacketCountsAgainstTheBudgetUntilItIsWhole() throws {
        let channel = try channel(ConnectionPolicy())
        let heartbeat = try packet(Msg(act: "heartbeat"))
        try channel.writeInbound(heartbeat.getSlice(at: 0, length: 5)!)
        #expect(try handler(channel).partialPacket.bytes == 5)
        try channel.writeInbound(heartbeat.getSlice(at: 5, length: 3)!)
        #expect(try handler(channel).partialPacket.bytes == 8)
        try channel.writeInbound(heartbeat.getSlice(at: 8, length: heartbeat.readableBytes - 8)!)
        #expect(try handler(channel).partialPacket.bytes == 0)
        #expect(try handler(channel).packetsIn == 1)
        #expect(try channel.finish(acceptAlreadyClosed: false).isClean)
    }

    @Test func aStreamEndingInsideAPacketEndsAsAConnectionError() throws {
        let metrics = TestMetrics()
        let channel = try channel(ConnectionPolicy(), metrics: metrics)
        try channel.writeInbound(ByteBuffer(bytes: [0, 9, 1]))
        _ = try channel.finish(acceptAlreadyClosed: false)
        let closes = { (reason: String) in
            metrics.counterTotal(label: "gtcp_connections_closed_total", dimensions: [("reason", reason)])
        }
        #expect(closes("connection_error") == 1)
        #expect(closes("client_closed") == 0)
    }

    @Test func anActWithNoUpstreamGetsAnErrorAndTheConnectionStaysOpen() throws {
        let channel = try channel(ConnectionPolicy())
        try channel.writeInbound(try packet(Msg(act: "order.create", data: "{}")))
        #expect(
            try written(channel)
                == Msg(act: "error", data: #"{"act":"order.create","error":"no upstream configured for act order.create"}"#))
        #expect(channel.isActive)
        #expect(try channel.finish(acceptAlreadyClosed: false).isClean)
    }
}
