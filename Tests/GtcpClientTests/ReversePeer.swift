import GtcpWire
import NIOCore
import NIOPosix

/// The server end of gtcp, played by tests with the same wire codecs: a listener on
/// 127.0.0.1 port 0 that serves every connection it accepts with a script.
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
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(GtcpFrameDecoder(framing: framing)))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = listener.channel.localAddress!.port!
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withThrowingDiscardingTaskGroup { connections in
                    try await listener.executeThenClose { accepted in
                        for try await connection in accepted {
                            connections.addTask {
                                try? await connection.executeThenClose { inbound, outbound in
                                    try await serve(PeerConnection(inbound: inbound, outbound: outbound, framing: framing))
                                }
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

    /// A port nothing listens on: bound, then closed.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }
}

/// One accepted connection: packets in, messages or raw bytes out. Returning from the script closes it.
final class PeerConnection {
    private var packets: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let encoder: GtcpMsgEncoder

    init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        framing: GtcpFraming
    ) {
        self.packets = inbound.makeAsyncIterator()
        self.outbound = outbound
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
        try await self.outbound.write(packet)
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await self.outbound.write(ByteBuffer(bytes: bytes))
    }
}
