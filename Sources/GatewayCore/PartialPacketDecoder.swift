import GtcpWire
import NIOCore

/// How many bytes of a packet not complete yet a connection holds, sent down the pipeline as a
/// user event whenever the figure changes.
struct PartialPacketSize: Equatable {
    let bytes: Int
}

/// The gtcp frame decoder, telling the next handler how much its partial packet holds, so that
/// the gateway can cap the total across connections. The decoder still checks the declared
/// length before any buffer grows; this only counts what arrived.
struct PartialPacketDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    private var frames: GtcpFrameDecoder
    private var reported = 0

    init(framing: GtcpFraming) {
        frames = GtcpFrameDecoder(framing: framing)
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let state = try frames.decode(context: context, buffer: &buffer)
        // An empty buffer is not decoded again: report it as soon as a packet empties it.
        if state == .needMoreData || buffer.readableBytes == 0, buffer.readableBytes != reported {
            reported = buffer.readableBytes
            context.fireUserInboundEventTriggered(PartialPacketSize(bytes: reported))
        }
        return state
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        try frames.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }
}
