import GatewayCurl
import GatewayService
import GatewayUpstream
import TestCertificates
import Testing

/// upstream-http-version, upstream-max-streams, upstream-unix-socket and upstream-ca-file: what
/// they load into, and the start-up problems that name them.
@Suite struct UpstreamTransportSettingsTests {
    private static let upstream = ["upstream": ["http://localhost/acts/{act}"]]

    private func load(_ flags: [String: [String]]) throws -> GatewaySettings {
        try SettingsLoader(
            commandLine: CommandLineSettings(values: Self.upstream.merging(flags) { $1 }), environment: [:]
        ).load()
    }

    @Test func theDefaultsAreHTTP11OverTCPTrustingTheSystemsCAs() throws {
        let settings = try load([:])
        #expect(settings.upstream?.transport == UpstreamTransport())
        #expect(settings.upstreamMaxStreams == 100)
    }

    @Test func eachKeyLoadsIntoTheTransport() throws {
        let certificates = try TestCertificates()
        let settings = try load([
            "upstream-http-version": ["2"], "upstream-unix-socket": ["/tmp/backend.sock"],
            "upstream-ca-file": [certificates.caPath], "upstream-max-streams": ["32"],
        ])
        #expect(
            settings.upstream?.transport
                == UpstreamTransport(httpVersion: .http2, unixSocketPath: "/tmp/backend.sock", caFile: certificates.caPath))
        #expect(settings.upstreamMaxStreams == 32)
    }

    @Test(arguments: [
        ("upstream-http-version", "3", "upstream-http-version must be one of 1.1, 2, 2-prior-knowledge, got 3"),
        ("upstream-max-streams", "0", "upstream-max-streams must be 1..10000, got 0"),
        ("upstream-unix-socket", "backend.sock",
         #"upstream-unix-socket must be an absolute path of at most 107 bytes, got "backend.sock""#),
        ("upstream-unix-socket", "/no/such/dir/backend.sock",
         "upstream-unix-socket /no/such/dir/backend.sock: its directory /no/such/dir does not exist"),
        ("upstream-ca-file", "/no/such/ca.pem", "upstream-ca-file /no/such/ca.pem cannot be read: No such file or directory"),
    ])
    func aWrongValueStopsStartUpNamingTheKey(key: String, value: String, problem: String) {
        #expect(settingsProblems(Self.upstream.merging([key: [value]]) { $1 }) == [problem])
    }

    @Test func aCAFileWithoutACertificateStopsStartUp() throws {
        let certificates = try TestCertificates()
        let notPEM = try certificates.file("not.pem", "hello\n")
        #expect(
            settingsProblems(Self.upstream.merging(["upstream-ca-file": [notPEM]]) { $1 })
                == ["upstream-ca-file \(notPEM) holds no PEM certificate"])
    }

    /// Debian 12's libcurl 7.88.1 fails every request after the first on an h2c connection.
    @Test func priorKnowledgeStopsStartUpOnALibcurlThatCannotReuseH2cConnections() {
        let problems = settingsProblems(Self.upstream.merging(["upstream-http-version": ["2-prior-knowledge"]]) { $1 })
        if let reason = CurlClient.unsupportedReason(.http2PriorKnowledge) {
            #expect(reason.hasPrefix("needs libcurl 7.89.0 or later"))
            #expect(problems == ["upstream-http-version 2-prior-knowledge \(reason)"])
        } else {
            #expect(problems.isEmpty)
        }
    }
}
