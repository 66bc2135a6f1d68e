import GtcpWire
import Logging
import Metrics
import NIOCore
import NIOEmbedded
import Testing

@testable import GatewayCore

/// The handler itself in an EmbeddedChannel: the bytes it writes and when it closes, with the
/// event loop's clock moved by hand, so timers take no real time.
@Suite struct ConnectionHandlerTests {
    private let framing = try! GtcpFraming(headerSize: 2)

    /// An active channel whose handler follows `policy`; the handler sees no frame decoder, so
    /// each inbound buffer is one packet's data.
    private func channel(_ policy: ConnectionPolicy) throws -> EmbeddedChannel {
        let loop = EmbeddedEventLoop()
        var logger = Logger(label: "connection-handler-test")
        logger.logLevel = .critical
        let metrics = GatewayMetrics(factory: NOOPMetricsHandler.instance)
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

    private func inbound(_ msg: Msg) throws -> ByteBuffer {
        var data = try packet(msg)
        data.moveReaderIndex(forwardBy: framing.headerSize)
        return data
    }

    @Test func helloIsAnsweredWithTheGreeting() throws {
        let channel = try channel(ConnectionPolicy(greeting: "hi there"))
        try channel.writeInbound(try inbound(Msg(act: "hello", data: "sensor")))
        #expect(try written(channel) == Msg(act: "hello", data: "hi there"))
        #expect(try channel.finish(acceptAlreadyClosed: false).isClean)
    }

    @Test func anIdleConnectionClosesWhenItsTimeoutPassesAndNotBefore() throws {
        let channel = try channel(ConnectionPolicy(idleTimeout: .seconds(60)))
        channel.embeddedEventLoop.advanceTime(by: .seconds(40))
        try channel.writeInbound(try inbound(Msg(act: "heartbeat")))
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
        let error = GtcpFramingError.invalidPackageSize(size: 70_000, maxDataSize: 65_535)
        channel.pipeline.fireErrorCaught(error)
        #expect(try written(channel) == Msg(act: "error", data: #"{"act":"","error":"\#(error)"}"#))
        #expect(!channel.isActive)
    }

    @Test func anActWithNoUpstreamGetsAnErrorAndTheConnectionStaysOpen() throws {
        let channel = try channel(ConnectionPolicy())
        try channel.writeInbound(try inbound(Msg(act: "order.create", data: "{}")))
        #expect(
            try written(channel)
                == Msg(act: "error", data: #"{"act":"order.create","error":"no upstream configured for act order.create"}"#))
        #expect(channel.isActive)
        #expect(try channel.finish(acceptAlreadyClosed: false).isClean)
    }
}
