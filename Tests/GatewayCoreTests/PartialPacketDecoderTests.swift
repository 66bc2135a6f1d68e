import GtcpWire
import NIOCore
import NIOEmbedded
import Testing

@testable import GatewayCore

/// Keeps the partial packet sizes the decoder reports.
private final class PartialSizes: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var reported: [Int] = []

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let size = event as? PartialPacketSize {
            reported.append(size.bytes)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }
}

@Suite struct PartialPacketDecoderTests {
    @Test func reportsWhatAPartialPacketHoldsAndZeroOnceItIsWhole() throws {
        let sizes = PartialSizes()
        let channel = EmbeddedChannel(handlers: [
            ByteToMessageHandler(PartialPacketDecoder(framing: .default)), sizes,
        ])
        try channel.writeInbound(ByteBuffer(bytes: [0, 5, 1, 2]))
        try channel.writeInbound(ByteBuffer(bytes: [3]))
        try channel.writeInbound(ByteBuffer(bytes: [4, 5, 0]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [1, 2, 3, 4, 5]))
        try channel.writeInbound(ByteBuffer(bytes: [1, 9]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [9]))
        #expect(sizes.reported == [4, 5, 1, 0])
        try channel.writeInbound(ByteBuffer(bytes: [0, 1]))
        try channel.writeInbound(ByteBuffer(bytes: [7]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [7]))
        #expect(sizes.reported == [4, 5, 1, 0, 2, 0], "a packet completed by the last byte read reports 0")
        #expect(try channel.finish().isClean)
    }

    @Test func aDeclaredLengthOverTheMaximumFailsBeforeAnyReport() throws {
        let sizes = PartialSizes()
        let framing = try GtcpFraming(headerSize: 4, maxDataSize: 1000)
        let channel = EmbeddedChannel(handlers: [ByteToMessageHandler(PartialPacketDecoder(framing: framing)), sizes])
        #expect(throws: GtcpFramingError.self) {
            try channel.writeInbound(ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF, 1, 2]))
        }
        #expect(sizes.reported.isEmpty)
        _ = try? channel.finish()
    }
}
