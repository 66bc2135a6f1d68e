import GtcpWire
import NIOCore
import NIOPosix

/// The server end of gtcp, played by tests with the same wire codecs: a listener on
/// 127.0.0.1 port 0 that serves every connection it accepts with a script.
///
/// Accepted connections are plain channels rather than `NIOAsyncChannel`s, which must not be
/// dropped unused: a connection still being accepted as the listener stops would trap.
enum ReversePeer {
    /// Runs `body` with the listener's port while `serve` handles each accepted connection;
    /// the listener and its connections are shut down when `body` returns.
    static func run<Result: Sendable>(
        framing: GtcpFraming = .default,
        serve: @escaping @Sendable (PeerConnection) async throws -> Void,
        body: (_ port: Int) async throws -> Result
    ) async throws -> Result {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (packets, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
                    // Also closes a connection accepted too late to be served.
                    continuation.onTermination = { _ in channel.close(promise: nil) }
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(GtcpFrameDecoder(framing: framing)),
                        PacketStreamHandler(packets: continuation)
                    )
                    return AcceptedConnection(channel: channel, packets: packets)
                }
            }
        let port = listener.channel.localAddress!.port!
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withThrowingDiscardingTaskGroup { connections in
                    try await listener.executeThenClose { accepted in
                        for try await connection in accepted {
                            connections.addTask {
                                try? await serve(PeerConnection(connection, framing: framing))
                                // Closing only the output sends a FIN even when a heartbeat is
                                // still unread (a full close would reset); the channel closes
                                // fully once the client closes too.
                                try? await connection.channel.close(mode: .output)
                            }
                        }
                    }
                }
            }
            let result = try await body(port)
            group.cancelAll()
            return result
        }
    }
}

struct AcceptedConnection: Sendable {
    let channel: any Channel
    let packets: AsyncThrowingStream<ByteBuffer, any Error>
}

/// One accepted connection as a script sees it: packets in, messages or raw bytes out.
final class PeerConnection {
    private var packets: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
    private let channel: any Channel
    private let encoder: GtcpMsgEncoder

    init(_ connection: AcceptedConnection, framing: GtcpFraming) {
        self.packets = connection.packets.makeAsyncIterator()
        self.channel = connection.channel
        self.encoder = GtcpMsgEncoder(framing: framing)
    }

    /// The next packet's data, or nil once the client has closed the connection.
    func nextPacket() async throws -> ByteBuffer? {
        try await self.packets.next()
    }

    func nextMsg() async throws -> Msg? {
        try await self.nextPacket().map { try Msg(decoding: $0) }
    }

    func send(_ msg: Msg) async throws {
        var packet = ByteBuffer()
        try self.encoder.encode(data: msg, out: &packet)
        try await self.channel.writeAndFlush(packet)
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }
}

/// Hands each packet to the script; ends the stream at EOF or on the first framing error.
private final class PacketStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let packets: AsyncThrowingStream<ByteBuffer, any Error>.Continuation

    init(packets: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) {
        self.packets = packets
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.packets.yield(Self.unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.packets.finish(throwing: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.packets.finish()
        context.fireChannelInactive()
    }
}
