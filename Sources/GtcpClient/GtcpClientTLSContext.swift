import NIOCore
import NIOSSL

/// A `GtcpClientTLS` made ready for one server: the TLS context built once (it is costly) and
/// shared by every connection opened with it, and the name checked in the server's certificate.
public struct GtcpClientTLSContext: Sendable {
    private let context: NIOSSLContext
    /// Sent in SNI; nil for an IP address, which SNI cannot carry and the certificate's IP
    /// entries are checked against instead.
    private let serverName: String?

    public init(_ tls: GtcpClientTLS, host: String) throws {
        self.context = try NIOSSLContext(configuration: tls.configuration)
        self.serverName = tls.serverName ?? ((try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil)
    }

    /// Puts TLS first in a new connection's pipeline; `handshake` completes when the handshake
    /// is done, or fails with the reason it is not.
    public func addHandlers(to pipeline: ChannelPipeline.SynchronousOperations, handshake: EventLoopPromise<Void>) throws {
        try pipeline.addHandlers(
            try NIOSSLClientHandler(context: context, serverHostname: serverName),
            TLSHandshakeWaiter(handshake: handshake)
        )
    }

    /// Waits for `handshake` (from `addHandlers`) at most `timeout`; on failure closes `channel`.
    public static func awaitHandshake(_ handshake: EventLoopPromise<Void>, of channel: any Channel, timeout: TimeAmount) async throws {
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            handshake.fail(ChannelError.connectTimeout(timeout))
        }
        defer { deadline.cancel() }
        do {
            try await handshake.futureResult.get()
        } catch {
            try? await channel.close()
            throw error
        }
    }
}
