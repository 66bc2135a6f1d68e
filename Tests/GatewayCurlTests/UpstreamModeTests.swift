import GatewayCurl
import GatewayTestSupport
import GatewayUpstream
import Logging
import TestCertificates
import Testing

/// The upstream modes against a real nginx: the HTTP version it saw, Unix sockets, TLS with a CA
/// made at test time, and the error each wrong setting gives instead of a hang.
@Suite(.timeLimit(.minutes(2)))
struct UpstreamModeTests {
    /// Forwards one `protocol` act, POSTed to `/protocol`, through a fresh upstream.
    private func forwardProtocol(
        to base: String, _ configure: (inout UpstreamConfiguration) -> Void
    ) async throws -> UpstreamOutcome {
        var configuration = UpstreamConfiguration(urlTemplate: base + "/{act}", timeout: .seconds(20))
        configure(&configuration)
        let upstream = try CurlUpstream(configuration: configuration, logger: Logger(label: "test-upstream"))
        let outcome = await upstream.forward(makeRequest("protocol"))
        await upstream.shutdown()
        return outcome
    }

    private func withTLSNginx(
        listenOptions: String = "ssl http2", _ body: (TestNginx, TestCertificates) async throws -> Void
    ) async throws {
        let certificates = try TestCertificates()
        try await TestNginx.run(
            listenOptions: listenOptions, certificate: certificates.serverCertificatePath,
            key: certificates.serverKeyPath
        ) { try await body($0, certificates) }
    }

    @Test(arguments: [(UpstreamHTTPVersion.http1_1, "HTTP/1.1"), (.http2, "HTTP/2.0")])
    func httpsWithTheCAFileSpeaksTheChosenVersion(version: UpstreamHTTPVersion, seen: String) async throws {
        try await withTLSNginx { nginx, certificates in
            let outcome = try await forwardProtocol(to: "https://127.0.0.1:\(nginx.port)") {
                $0.transport = UpstreamTransport(httpVersion: version, caFile: certificates.caPath)
            }
            #expect(outcome == .reply(act: "protocol", data: seen))
        }
    }

    @Test func version2FallsBackToHTTP11WhereTLSDoesNotOfferHTTP2() async throws {
        try await withTLSNginx(listenOptions: "ssl") { nginx, certificates in
            let outcome = try await forwardProtocol(to: "https://127.0.0.1:\(nginx.port)") {
                $0.transport = UpstreamTransport(httpVersion: .http2, caFile: certificates.caPath)
            }
            #expect(outcome == .reply(act: "protocol", data: "HTTP/1.1"))
        }
    }

    @Test func theDefaultIsHTTP11EvenWhereTheServerOffersHTTP2() async throws {
        try await withTLSNginx { nginx, certificates in
            let outcome = try await forwardProtocol(to: "https://127.0.0.1:\(nginx.port)") {
                $0.transport.caFile = certificates.caPath
            }
            #expect(outcome == .reply(act: "protocol", data: "HTTP/1.1"))
        }
    }

    @Test func aCAThatDidNotSignTheServersCertificateFailsNamingTheCAFile() async throws {
        try await withTLSNginx { nginx, certificates in
            let outcome = try await forwardProtocol(to: "https://127.0.0.1:\(nginx.port)") {
                $0.transport.caFile = certificates.otherCAPath
            }
            #expect(
                outcome
                    == .failed(
                        status: nil,
                        error: "upstream TLS failure: its certificate is not trusted by upstream-ca-file \(certificates.otherCAPath)"))
        }
    }

    @Test func withoutACAFileTheSystemBundleDecidesAndRefusesATestCertificate() async throws {
        try await withTLSNginx { nginx, _ in
            let outcome = try await forwardProtocol(to: "https://127.0.0.1:\(nginx.port)") { _ in }
            #expect(
                outcome
                    == .failed(
                        status: nil, error: "upstream TLS failure: its certificate is not trusted by the system's CA bundle"))
        }
    }

    @Test func priorKnowledgeSpeaksHTTP2InCleartext() async throws {
        try await TestNginx.run(listenOptions: "http2") { nginx in
            let outcome = try await forwardProtocol(to: "http://127.0.0.1:\(nginx.port)") {
                $0.transport.httpVersion = .http2PriorKnowledge
            }
            #expect(outcome == .reply(act: "protocol", data: "HTTP/2.0"))
        }
    }

    @Test func priorKnowledgeAtAnHTTP11ListenerFailsNamingTheMode() async throws {
        try await TestNginx.run { nginx in
            let outcome = try await forwardProtocol(to: "http://127.0.0.1:\(nginx.port)") {
                $0.transport.httpVersion = .http2PriorKnowledge
            }
            guard case .failed(nil, let error) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                return
            }
            #expect(error.hasPrefix("upstream did not answer in HTTP/2 (upstream-http-version 2-prior-knowledge"), "\(error)")
        }
    }

    @Test(arguments: [(UpstreamHTTPVersion.http1_1, "", "HTTP/1.1"), (.http2PriorKnowledge, "http2", "HTTP/2.0")])
    func aUnixSocketUpstreamAnswers(version: UpstreamHTTPVersion, listenOptions: String, seen: String) async throws {
        try await TestNginx.run(unixSocket: true, listenOptions: listenOptions) { nginx in
            let outcome = try await forwardProtocol(to: "http://localhost") {
                $0.transport = UpstreamTransport(httpVersion: version, unixSocketPath: nginx.socketPath)
            }
            #expect(outcome == .reply(act: "protocol", data: seen))
        }
    }

    @Test func aRoutesUnixSocketReplacesTheUpstreamsOne() async throws {
        try await TestNginx.run(unixSocket: true) { nginx in
            let missing = nginx.directory + "/missing.sock"
            let outcome = try await forwardProtocol(to: "http://localhost") {
                $0.transport.unixSocketPath = missing
                $0.routes = UpstreamRoutes([
                    UpstreamRoute(act: .exact("protocol"), urlTemplate: "http://localhost/protocol", unixSocketPath: nginx.socketPath)
                ])
            }
            #expect(outcome == .reply(act: "protocol", data: "HTTP/1.1"))
        }
    }

    @Test func aMissingUnixSocketFailsNamingIt() async throws {
        try await TestNginx.run(unixSocket: true) { nginx in
            let missing = nginx.directory + "/missing.sock"
            let outcome = try await forwardProtocol(to: "http://localhost") { $0.transport.unixSocketPath = missing }
            #expect(outcome == .failed(status: nil, error: "upstream unix socket \(missing): No such file or directory"))
        }
    }
}
