import GatewayCore
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// An admin connection's pipeline: the byte signal for the head timeout, TLS when configured,
/// then Hummingbird's HTTP/1.1 handlers. HummingbirdTLS fixes its context when the server is
/// built; this reads the live one for each connection, so the admin certificate is replaced on
/// reload like the gtcp listener's.
struct AdminChildChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    /// nil: plain HTTP.
    let tls: LiveTLSContext?
    let slots: AdminConnectionSlots

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        slots.add(channel)
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(RequestBytesSignal())
            if let tls {
                try pipeline.addHandler(NIOSSLServerHandler(context: tls.current))
            }
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1, over TLS with the context `tls` holds when each connection arrives, with the
    /// admin connection timeouts and cap.
    static func admin(limits: AdminConnectionLimits, tls: LiveTLSContext?) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            let slots = AdminConnectionSlots(capacity: limits.maxConnections)
            return AdminChildChannel(
                base: HTTP1Channel(
                    responder: responder,
                    configuration: HTTP1Channel.Configuration(
                        additionalChannelHandlers: [
                            RequestHeadTimeoutHandler(timeout: TimeAmount(limits.headerTimeout), slots: slots)
                        ],
                        idleTimeout: TimeAmount(limits.idleTimeout)
                    )
                ),
                tls: tls,
                slots: slots
            )
        }
    }
}
