@testable import GatewayBench
import GatewayCore
import GatewayUpstream
import GtcpClient
import NIOSSL
import SettingsText
import TestCertificates
import Testing

@Suite("Load runs count every message once")
struct LoadRunnerTests {
    @Test("against the floor server, the count bound ends the run and every message gets a reply")
    func floorServer() async throws {
        let floor = try await FloorServer.start(host: "127.0.0.1", port: 0)
        let target = HostPort(host: "127.0.0.1", port: floor.localAddress.port!)
        let report = try await LoadRunner(configuration: tiny(target, count: 101)).run()
        await floor.close()

        expectConsistent(report)
        #expect(report.counters.sent == 101)
        #expect(report.counters.replies == 101)
        #expect(report.connected == 3)
    }

    @Test("against the gateway's built-in hello")
    func gatewayHello() async throws {
        let report = try await InProcessGateway.run { gateway in
            try await LoadRunner(configuration: tiny(gateway.address, count: 60)).run()
        }
        expectConsistent(report)
        #expect(report.counters.replies == 60)
    }

    @Test("a forwarded act comes back under its own name")
    func forwarded() async throws {
        let report = try await forwardedLoad(count: 40, outcome: .reply(act: "bench", data: #"{"ok":true}"#))
        expectConsistent(report)
        #expect(report.counters.replies == 40)
    }

    @Test("error replies are errors, not replies, and keep the first error's text")
    func errorReplies() async throws {
        let report = try await forwardedLoad(count: 12, outcome: .failed(status: 500, error: "upstream answered HTTP 500"))
        expectConsistent(report)
        #expect(report.counters.replies == 0)
        #expect(report.counters.errorReplies == 12)
        #expect(report.firstError?.contains("upstream answered HTTP 500") == true)
    }

    @Test("a fixed rate sends the whole count")
    func fixedRate() async throws {
        let floor = try await FloorServer.start(host: "127.0.0.1", port: 0)
        var configuration = tiny(HostPort(host: "127.0.0.1", port: floor.localAddress.port!), count: 30)
        configuration.rate = 3_000
        let report = try await LoadRunner(configuration: configuration).run()
        await floor.close()

        expectConsistent(report)
        #expect(report.counters.sent == 30)
        #expect(report.rate == 3_000)
    }

    @Test("a refused connection is a connect failure with its reason, and nothing is sent")
    func refused() async throws {
        let floor = try await FloorServer.start(host: "127.0.0.1", port: 0)
        let port = floor.localAddress.port!
        await floor.close()
        let report = try await LoadRunner(configuration: tiny(HostPort(host: "127.0.0.1", port: port), count: 10)).run()

        #expect(report.connected == 0)
        #expect(report.connectFailures == 3)
        #expect(report.counters.sent == 0)
        #expect(report.firstError?.contains("connect failed") == true)
    }

    @Test("over TLS, every connection handshakes before the load and every message gets a reply")
    func overTLS() async throws {
        let report = try await tlsLoad(count: 50) { $0.caPath }
        expectConsistent(report)
        #expect(report.connected == 3)
        #expect(report.counters.replies == 50)
    }

    @Test("over TLS, a server certificate from a CA not trusted is a connect failure, and nothing is sent")
    func overTLSUntrusted() async throws {
        let report = try await tlsLoad(count: 10) { $0.otherCAPath }
        #expect(report.connected == 0)
        #expect(report.connectFailures == 3)
        #expect(report.counters.sent == 0)
        #expect(report.firstError?.contains("connect failed") == true)
    }

    /// A tiny load over TLS against a gateway with the test server certificate, trusting the CA `trusted` names.
    private func tlsLoad(count: Int, trusting trusted: (TestCertificates) -> String) async throws -> LoadReport {
        let certificates = try TestCertificates()
        let server = LiveTLSContext(try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.serverCertificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.serverKeyPath, format: .pem))
        )))
        let tls = try GtcpClientTLS(trustRootsFile: trusted(certificates))
        return try await InProcessGateway.run(tls: server) { gateway in
            var configuration = tiny(gateway.address, count: count)
            configuration.tls = tls
            return try await LoadRunner(configuration: configuration).run()
        }
    }

    private func tiny(_ target: HostPort, count: Int) -> LoadConfiguration {
        LoadConfiguration(target: target, connections: 3, outstanding: 4, count: count, duration: .seconds(60), sourceAddresses: 2)
    }

    /// A tiny load of an act the gateway forwards to an upstream that answers every request with `outcome`.
    private func forwardedLoad(count: Int, outcome: UpstreamOutcome) async throws -> LoadReport {
        try await InProcessGateway.run(upstream: FixedUpstream(outcome: outcome)) { gateway in
            var configuration = tiny(gateway.address, count: count)
            configuration.act = "bench"
            return try await LoadRunner(configuration: configuration).run()
        }
    }
}

/// Messages sent are replies plus errors, and the percentiles rise.
func expectConsistent(_ report: LoadReport, sourceLocation: SourceLocation = #_sourceLocation) {
    let counters = report.counters
    #expect(counters.sent == counters.replies + counters.errors, sourceLocation: sourceLocation)
    let latency = report.latencyMicroseconds
    #expect(latency.p50 <= latency.p90, sourceLocation: sourceLocation)
    #expect(latency.p90 <= latency.p99, sourceLocation: sourceLocation)
    #expect(latency.p99 <= latency.p999, sourceLocation: sourceLocation)
    #expect(latency.p999 <= latency.max, sourceLocation: sourceLocation)
}
