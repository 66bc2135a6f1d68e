import GtcpWire
import NIOCore

/// The last handler of a client pipeline: hands each packet, decoded as a `Msg`, to the
/// connection's stream, and ends the stream on EOF or on the first error.
final class GtcpClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let messages: AsyncThrowingStream<Msg, any Error>.Continuation

    init(messages: AsyncThrowingStream<Msg, any Error>.Continuation) {
        self.messages = messages
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            self.messages.yield(try Msg(decoding: Self.unwrapInboundIn(data)))
        } catch {
            // Like the Go example: a packet that is not a Msg ends the connection.
            self.fail(error, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case ByteToMessageDecoderError.leftoverDataWhenDone(let partial) = error {
            self.fail(GtcpClientError.closedInsidePacket(receivedBytes: partial.readableBytes), context: context)
        } else {
            self.fail(error, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.messages.finish()
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        self.messages.finish(throwing: error)
        context.close(promise: nil)
    }
}
