import GatewayAdmin
import GatewayCore
import GatewayTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Prometheus
import TestCertificates
import Testing

/// The admin API over HTTPS, with certificates that can be replaced while it runs.
@Suite(.timeLimit(.minutes(1)))
struct AdminTLSTests {
    private static func context(_ certificates: TestCertificates) throws -> NIOSSLContext {
        try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.serverCertificatePath).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.serverKeyPath, format: .pem))))
    }

    /// Runs the admin API with `tls` on an ephemeral port for as long as `body` runs.
    private static func withHTTPSAdmin(_ tls: LiveTLSContext, _ body: (_ port: Int) async throws -> Void) async throws {
        let logger = Logger.quiet("admin-tls-test")
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let admin = AdminAPI.application(
            configuration: AdminConfiguration(port: 0),
            connections: ConnectionRegistry(group: MultiThreadedEventLoopGroup.singleton),
            readiness: GatewayReadiness(listeners: 1),
            metrics: PrometheusCollectorRegistry(),
            logger: logger,
            onServerRunning: { portSink.yield($0) },
            tls: tls
        )
        try await withRunningServices([admin], logger: logger) {
            var iterator = ports.makeAsyncIterator()
            try await body(try #require(await iterator.next()))
        }
    }

    /// GET /healthz over HTTPS, trusting only `ca`.
    private static func health(port: Int, trusting ca: String) async throws -> HTTPResponse.Status {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        let client = TestClient(
            host: "127.0.0.1", port: port, configuration: .init(tlsConfiguration: tls, timeout: .seconds(5), serverName: "localhost"))
        client.connect()
        do {
            let status = try await client.execute(TestClient.Request("/healthz", method: .get)).status
            try await client.shutdown()
            return status
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test func theAdminAPIServesHTTPSWithTheCurrentCertificate() async throws {
        let certificates = try TestCertificates()
        let tls = LiveTLSContext(try Self.context(certificates))
        try await Self.withHTTPSAdmin(tls) { port in
            #expect(try await Self.health(port: port, trusting: certificates.caPath) == .ok)

            try certificates.reissueServerCertificateByOtherCA()
            tls.current = try Self.context(certificates)
            await #expect(throws: (any Error).self) {
                _ = try await Self.health(port: port, trusting: certificates.caPath)
            }
            #expect(try await Self.health(port: port, trusting: certificates.otherCAPath) == .ok)
        }
    }

    @Test func plainHTTPGetsNoAnswer() async throws {
        let certificates = try TestCertificates()
        try await Self.withHTTPSAdmin(LiveTLSContext(try Self.context(certificates))) { port in
            let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(5)))
            client.connect()
            await #expect(throws: (any Error).self) {
                _ = try await client.execute(TestClient.Request("/healthz", method: .get))
            }
            try? await client.shutdown()
        }
    }
}
