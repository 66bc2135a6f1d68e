import GatewayTestSupport
import GatewayUpstream
import GtcpClient
import GtcpWire
import NIOCore
import NIOPosix
import NIOSSL
import TestCertificates
import Testing

@testable import GatewayCore

/// The gtcp listener with TLS, against real TLS clients and a plain one.
@Suite(.timeLimit(.minutes(1)))
struct TLSListenerTests {
    private static func serverContext(
        _ certificates: TestCertificates,
        certificate: String? = nil,
        requireClientCertificate: Bool = false
    ) throws -> LiveTLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate ?? certificates.serverCertificatePath)
                .map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.serverKeyPath, format: .pem))
        )
        if requireClientCertificate {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.caPath))
            configuration.certificateVerification = .noHostnameVerification
        }
        return LiveTLSContext(try NIOSSLContext(configuration: configuration))
    }

    private static func connect(
        _ gateway: TestGateway,
        trusting ca: String,
        certificate: String? = nil,
        key: String? = nil
    ) async throws -> GtcpClientConnection {
        try await GtcpClientConnection.connect(
            host: "127.0.0.1", port: gateway.port,
            tls: try GtcpClientTLS(trustRootsFile: ca, certificateFile: certificate, keyFile: key))
    }

    /// Sends hello and returns the first reply, or nil when the connection ends first.
    private static func hello(_ connection: GtcpClientConnection) async throws -> Msg? {
        try await connection.send(Msg(act: "hello", data: "sensor-7"))
        var replies = MessageReader(connection)
        return try await replies.next()
    }

    @Test func aTLSClientHandshakesAndIsGreeted() async throws {
        let certificates = try TestCertificates()
        try await TestGateway.run(tls: try Self.serverContext(certificates)) { gateway in
            let connection = try await Self.connect(gateway, trusting: certificates.caPath)
            #expect(try await Self.hello(connection) == Msg(act: "hello", data: "Nice to meet you!"))
            let listed = await gateway.registry.page(after: nil, limit: 10, filter: ConnectionFilter()).connections
            #expect(listed.map(\.clientCertificateSubject) == [nil])
            await connection.close()
        }
    }

    @Test func aPlainTCPClientIsClosedWithoutAWord() async throws {
        let certificates = try TestCertificates()
        try await TestGateway.run(tls: try Self.serverContext(certificates)) { gateway in
            let received = try await PlainExchange.send(
                Array(#"{"Act":"hello","Data":"plain"}"#.utf8), framedTo: gateway.port)
            #expect(received == [])
            #expect(gateway.registry.openCount == 0)
        }
    }

    @Test func aClientCertificateFromAnotherCAIsRefused() async throws {
        let certificates = try TestCertificates()
        try await TestGateway.run(tls: try Self.serverContext(certificates, requireClientCertificate: true)) { gateway in
            // In TLS 1.3 the client may finish its side first and learn of the refusal on reading.
            let greeting = try? await Self.hello(
                try await Self.connect(
                    gateway, trusting: certificates.caPath, certificate: certificates.otherClientCertificatePath,
                    key: certificates.otherClientKeyPath))
            #expect(greeting == nil)
            #expect(gateway.registry.openCount == 0)
        }
    }

    @Test func aClientWithoutACertificateIsRefusedWhenOneIsRequired() async throws {
        let certificates = try TestCertificates()
        try await TestGateway.run(tls: try Self.serverContext(certificates, requireClientCertificate: true)) { gateway in
            let greeting = try? await Self.hello(try await Self.connect(gateway, trusting: certificates.caPath))
            #expect(greeting == nil)
            #expect(gateway.registry.openCount == 0)
        }
    }

    @Test func anExpiredServerCertificateIsRefusedByTheClient() async throws {
        let certificates = try TestCertificates()
        let tls = try Self.serverContext(certificates, certificate: certificates.expiredServerCertificatePath)
        try await TestGateway.run(tls: tls) { gateway in
            let error = await #expect(throws: GtcpClientError.self) {
                _ = try await Self.connect(gateway, trusting: certificates.caPath)
            }
            guard case .connectFailed(_, let reason)? = error else { return }
            #expect(reason.hasPrefix("TLS handshake failed"), "\(reason)")
            #expect(reason.contains("CERTIFICATE_VERIFY_FAILED"), "\(reason)")
        }
    }

    @Test func theClientCertificateSubjectIsListedAndSentUpstream() async throws {
        let certificates = try TestCertificates()
        let upstream = InMemoryUpstream { request in
            .reply(act: request.act, data: request.clientCertificateSubject ?? "none")
        }
        let tls = try Self.serverContext(certificates, requireClientCertificate: true)
        try await TestGateway.run(upstream: upstream, tls: tls) { gateway in
            let connection = try await Self.connect(
                gateway, trusting: certificates.caPath, certificate: certificates.clientCertificatePath,
                key: certificates.clientKeyPath)
            #expect(try await Self.hello(connection) == Msg(act: "hello", data: "Nice to meet you!"))
            let listed = await gateway.registry.page(after: nil, limit: 10, filter: ConnectionFilter()).connections
            #expect(listed.map(\.clientCertificateSubject) == [TestCertificates.clientSubject])

            try await connection.send(Msg(act: "subject"))
            var replies = MessageReader(connection)
            #expect(try await replies.next() == Msg(act: "subject", data: TestCertificates.clientSubject))
            await connection.close()
        }
    }

    @Test func newConnectionsGetTheReplacedCertificateAndOpenOnesCarryOn() async throws {
        let certificates = try TestCertificates()
        let tls = try Self.serverContext(certificates)
        try await TestGateway.run(tls: tls) { gateway in
            let before = try await Self.connect(gateway, trusting: certificates.caPath)
            #expect(try await Self.hello(before) == Msg(act: "hello", data: "Nice to meet you!"))

            try certificates.reissueServerCertificateByOtherCA()
            tls.current = try Self.serverContext(certificates).current

            await #expect(throws: GtcpClientError.self) {
                _ = try await Self.connect(gateway, trusting: certificates.caPath)
            }
            let after = try await Self.connect(gateway, trusting: certificates.otherCAPath)
            #expect(try await Self.hello(after) == Msg(act: "hello", data: "Nice to meet you!"))
            try await before.send(Msg(act: "hello", data: "again"))
            var replies = MessageReader(before)
            #expect(try await replies.next() == Msg(act: "hello", data: "Nice to meet you!"))
            await before.close()
            await after.close()
        }
    }
}

/// A plain TCP client that sends one gtcp packet and collects every byte until the server closes.
private enum PlainExchange {
    static func send(_ data: [UInt8], framedTo port: Int) async throws -> [UInt8] {
        let group = MultiThreadedEventLoopGroup.singleton
        let received = group.any().makePromise(of: [UInt8].self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        var packet = channel.allocator.buffer(capacity: data.count + 2)
        packet.writeInteger(UInt16(data.count))
        packet.writeBytes(data)
        try await channel.writeAndFlush(packet)
        return try await received.futureResult.get()
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private let received: EventLoopPromise<[UInt8]>
        private var bytes: [UInt8] = []

        init(received: EventLoopPromise<[UInt8]>) {
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            bytes += Self.unwrapInboundIn(data).readableBytesView
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.succeed(bytes)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // A reset after the alert still ends the exchange.
            context.close(promise: nil)
        }
    }
}
