import Foundation
import TestCertificates
import Testing

/// The real binary on both ends of TLS: the `client` command's flags, client certificates, and
/// new certificates on SIGHUP.
@Suite(.timeLimit(.minutes(1)))
struct TLSTests {
    @Test func theClientTalksTLSAndSIGHUPServesTheNewCertificate() async throws {
        let certificates = try TestCertificates()
        let server = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "off",
            "--tls-cert", certificates.serverCertificatePath, "--tls-key", certificates.serverKeyPath,
            "--tls-client-ca", certificates.caPath,
        ])
        let port = try await server.port(announcedBy: "gtcp listener on")
        func hello(trusting ca: String) throws -> GatewayProcess {
            try GatewayProcess([
                "client", "--connect", "127.0.0.1:\(port)", "--act", "hello", "--data", "x", "--tls", "--tls-ca", ca,
                "--tls-cert", certificates.clientCertificatePath, "--tls-key", certificates.clientKeyPath,
            ])
        }

        let before = try hello(trusting: certificates.caPath)
        #expect(await before.exitStatus() == 0)
        #expect(await before.line(containing: "hello Nice to meet you!") != nil)

        try certificates.reissueServerCertificateByOtherCA()
        server.signal(SIGHUP)
        #expect(await server.line(containing: "configuration reloaded") != nil)
        let distrusted = try hello(trusting: certificates.caPath)
        #expect(await distrusted.exitStatus() == 1)
        #expect(await distrusted.line(containing: "TLS handshake failed") != nil)
        let after = try hello(trusting: certificates.otherCAPath)
        #expect(await after.exitStatus() == 0)

        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }

    @Test func anUnreadableCertificateStopsStartUpNamingTheKeyAndTheFile() async throws {
        let certificates = try TestCertificates()
        let missing = certificates.directory + "/missing.pem"
        let server = try GatewayProcess([
            "serve", "--listen", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", certificates.serverKeyPath,
        ])
        #expect(await server.exitStatus() == 1)
        #expect(await server.line(containing: "tls-cert \(missing) cannot be read: No such file or directory") != nil)
    }
}
