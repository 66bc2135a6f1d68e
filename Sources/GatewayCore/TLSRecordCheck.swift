import Logging
import NIOCore

/// Closes, without a word, a connection whose first byte cannot start a TLS handshake record:
/// a plain gtcp client then sees the connection end, where a TLS alert would look to it like
/// the start of a packet.
final class TLSRecordCheck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// The content type of a handshake record, which a ClientHello travels in.
    private static let handshakeRecord: UInt8 = 22

    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Self.unwrapInboundIn(data)
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
        guard first == Self.handshakeRecord else {
            let peer = context.channel.remoteAddress.map(ConnectionHandler.describe) ?? "unknown"
            logger.info("closing [\(peer)]: not a TLS client")
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
