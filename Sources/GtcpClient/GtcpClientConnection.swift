import GtcpWire
import NIOCore
import NIOPosix
import SettingsText

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One gtcp connection to a server, with an async API: send messages, read the replies.
public final class GtcpClientConnection: Sendable {
    /// The server's address as the Go example prints it: `127.0.0.1:8999`.
    public let remoteAddressDescription: String
    /// Every message from the server, in order; ends at EOF, throws on a framing or decoding
    /// error (after which the connection is closed). Single consumer.
    public let messages: AsyncThrowingStream<Msg, any Error>

    private let channel: any Channel

    private init(channel: any Channel, messages: AsyncThrowingStream<Msg, any Error>, address: HostPort) {
        self.channel = channel
        self.messages = messages
        self.remoteAddressDescription = channel.remoteAddress.flatMap(Self.describe) ?? address.description
    }

    deinit {
        self.channel.close(promise: nil)
    }

    /// Throws `GtcpClientError.connectFailed` naming the address when no connection could be made.
    /// With `tls`, returns once the handshake is done; `connectTimeout` bounds it too.
    public static func connect(
        host: String,
        port: Int,
        framing: GtcpFraming = .default,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(5),
        tls: GtcpClientTLS? = nil
    ) async throws -> GtcpClientConnection {
        let address = HostPort(host: host, port: port)
        let (messages, continuation) = AsyncThrowingStream.makeStream(of: Msg.self)
        let tlsContext: GtcpClientTLSContext?
        do {
            tlsContext = try tls.map { try GtcpClientTLSContext($0, host: host) }
        } catch {
            continuation.finish(throwing: error)
            throw GtcpClientError.connectFailed(address: address.description, reason: "TLS setup failed: \(error)")
        }
        let handshake = group.any().makePromise(of: Void.self)
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tlsContext {
                            try tlsContext.addHandlers(to: channel.pipeline.syncOperations, handshake: handshake)
                        } else {
                            handshake.succeed()
                        }
                        try channel.pipeline.syncOperations.addHandlers(
                            ByteToMessageHandler(GtcpFrameDecoder(framing: framing)),
                            MessageToByteHandler(GtcpMsgEncoder(framing: framing)),
                            GtcpClientHandler(messages: continuation)
                        )
                    }
                }
                .connect(host: host, port: port)
                .get()
            do {
                try await GtcpClientTLSContext.awaitHandshake(handshake, of: channel, timeout: connectTimeout)
            } catch {
                throw GtcpClientError.connectFailed(address: address.description, reason: "TLS handshake failed: \(error)")
            }
            return GtcpClientConnection(channel: channel, messages: messages, address: address)
        } catch let error as GtcpClientError {
            continuation.finish(throwing: error)
            throw error
        } catch {
            handshake.fail(error)
            continuation.finish(throwing: error)
            throw GtcpClientError.connectFailed(address: address.description, reason: Self.reason(error))
        }
    }

    public func send(_ msg: Msg) async throws {
        try await self.channel.writeAndFlush(msg)
    }

    /// Writes bytes as they are, framing included, past the Msg encoder: for testing a server
    /// with packets the encoder would never produce.
    public func sendRaw(_ bytes: ByteBuffer) async throws {
        let channel = self.channel
        try await channel.eventLoop.flatSubmit {
            do {
                // Writing from the encoder's own context starts below the encoder.
                let encoder = try channel.pipeline.syncOperations.context(
                    handlerType: MessageToByteHandler<GtcpMsgEncoder>.self
                )
                return encoder.writeAndFlush(NIOAny(bytes))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    public func close() async {
        try? await self.channel.close()
    }

    private static func describe(_ address: SocketAddress) -> String? {
        guard let host = address.ipAddress, let port = address.port else {
            return nil
        }
        return HostPort(host: host, port: port).description
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil {
                return "host not found"
            }
            return error.connectionErrors.first.map { self.reason($0.error) } ?? "no address to connect to"
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            return "connection refused"
        case ChannelError.connectTimeout(let timeout):
            return "no answer within \(DurationText.describe(Duration(timeout)))"
        default:
            return "\(error)"
        }
    }
}
