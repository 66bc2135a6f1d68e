import GtcpWire
import NIOCore
import NIOPosix

/// The floor the gateway is measured against: the same framing decoder, and for every packet
/// the same fixed reply bytes the gateway sends to `hello`. No JSON, no state, no logging.
public final class FloorServer: Sendable {
    /// The Data of the reply, as the gateway's default greeting.
    public static let greeting = "Nice to meet you!"

    public let localAddress: SocketAddress
    private let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
        self.localAddress = channel.localAddress!
    }

    public static func start(
        host: String,
        port: Int,
        framing: GtcpFraming = .default,
        group: MultiThreadedEventLoopGroup = .singleton
    ) async throws -> FloorServer {
        let reply = try LoadRunner.encode(Msg(act: "hello", data: greeting), framing: framing)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(GtcpFrameDecoder(framing: framing)),
                        FloorHandler(reply: reply)
                    )
                }
            }
            .bind(host: host, port: port)
            .get()
        return FloorServer(channel: channel)
    }

    /// Completes when the listener is closed.
    public var closed: EventLoopFuture<Void> { channel.closeFuture }

    public func close() async {
        try? await channel.close()
    }
}

/// Answers each packet with the fixed reply; replies to one read go out in one flush.
final class FloorHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let reply: ByteBuffer
    private var needsFlush = false

    init(reply: ByteBuffer) {
        self.reply = reply
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(Self.wrapOutboundOut(reply), promise: nil)
        needsFlush = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
