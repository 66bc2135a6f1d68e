import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Keeps a TLS connection away from the gateway until its handshake is done, so that every
/// connection the registry lists has passed certificate verification and its client
/// certificate's subject is known; then puts the gtcp handlers behind it and steps aside.
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// Long enough for any real client; a peer that never finishes would otherwise hold its
    /// socket, since the idle timeout starts with the gtcp handlers.
    static let timeout = TimeAmount.seconds(10)

    private let logger: Logger
    private let addGtcpHandlers: (ChannelPipeline.SynchronousOperations, _ clientCertificateSubject: String?) throws -> Void
    private var timer: Scheduled<Void>?

    init(
        logger: Logger,
        addGtcpHandlers: @escaping (ChannelPipeline.SynchronousOperations, _ clientCertificateSubject: String?) throws -> Void
    ) {
        self.logger = logger
        self.addGtcpHandlers = addGtcpHandlers
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.timeout) { [logger] in
            logger.info("closing [\(Self.peer(context))]: no TLS handshake within \(Self.timeout)")
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .handshakeCompleted = event as? TLSUserEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        timer?.cancel()
        let pipeline = context.pipeline.syncOperations
        do {
            let subject = try pipeline.nioSSL_peerCertificate().map(CertificateSubject.describe)
            try addGtcpHandlers(pipeline, subject)
            pipeline.removeHandler(context: context, promise: nil)
        } catch {
            logger.info("closing [\(Self.peer(context))]: \(error)")
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIOSSL has already sent its alert and closes the connection itself.
        logger.info("TLS handshake with [\(Self.peer(context))] failed: \(error)")
        context.close(promise: nil)
    }

    private static func peer(_ context: ChannelHandlerContext) -> String {
        context.channel.remoteAddress.map(ConnectionHandler.describe) ?? "unknown"
    }
}
