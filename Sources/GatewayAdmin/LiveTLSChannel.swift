import GatewayCore
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// HummingbirdTLS fixes its context when the server is built; this reads the live one for each
/// connection, so the admin certificate is replaced on reload like the gtcp listener's.
struct LiveTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let tls: LiveTLSContext

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.current))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS with the context `tls` holds when each connection arrives.
    static func http1(tls: LiveTLSContext) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            LiveTLSChannel(base: HTTP1Channel(responder: responder), tls: tls)
        }
    }
}
