import Foundation
import GatewayTestSupport
import GatewayCurl
import GatewayUpstream
import Logging
import Testing

@Suite struct CurlUpstreamTests {
    @Test func upstreamRefusesAnInvalidTemplate() {
        #expect(throws: CurlUpstreamError.self) {
            try CurlUpstream(
                configuration: UpstreamConfiguration(urlTemplate: "http://host/acts"), logger: Logger(label: "test"))
        }
    }

    /// Runs `body` against a fresh TestBackend and upstream, and always shuts the upstream down.
    private func withUpstream(
        configure: (inout UpstreamConfiguration) -> Void = { _ in },
        _ body: (CurlUpstream, TestBackend, _ port: Int) async throws -> Void
    ) async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter()) { port in
            let upstream = try CurlUpstream.make(port: port, configure: configure)
            try await upstream.use(releasing: backend.gate) { try await body(upstream, backend, port) }
        }
    }

    /// Forwards one `echo` through a fresh upstream aimed at `port`, then shuts it down.
    private func forwardEcho(toPort port: Int) async throws -> UpstreamOutcome {
        let upstream = try CurlUpstream.make(port: port)
        let outcome = await upstream.forward(makeRequest("echo"))
        await upstream.shutdown()
        return outcome
    }

    @Test func successfulAnswerBecomesReplyWithTheRequestAct() async throws {
        try await withUpstream { upstream, _, _ in
            #expect(await upstream.forward(makeRequest("echo", "ping ü")) == .reply(act: "echo", data: "ping ü"))
        }
    }

    @Test func noContentBecomesNoReply() async throws {
        try await withUpstream { upstream, _, _ in
            #expect(await upstream.forward(makeRequest("status", "204")) == .noReply)
        }
    }

    @Test func emptySuccessfulBodyBecomesEmptyReply() async throws {
        try await withUpstream { upstream, _, _ in
            #expect(await upstream.forward(makeRequest("status", "200")) == .reply(act: "status", data: ""))
        }
    }

    @Test(arguments: [404, 500, 503, 301])
    func nonSuccessStatusFailsWithThatStatus(status: Int) async throws {
        try await withUpstream { upstream, _, _ in
            #expect(
                await upstream.forward(makeRequest("status", "\(status)"))
                    == .failed(status: status, error: "upstream answered HTTP \(status)"))
        }
    }

    @Test func unknownRouteFailsWith404() async throws {
        try await withUpstream { upstream, _, _ in
            #expect(
                await upstream.forward(makeRequest("no-such-act"))
                    == .failed(status: 404, error: "upstream answered HTTP 404"))
        }
    }

    @Test func responseActHeaderOverridesTheRequestAct() async throws {
        try await withUpstream { upstream, _, _ in
            #expect(
                await upstream.forward(makeRequest("renamed")) == .reply(act: "renamed-act", data: "hi"))
        }
    }

    @Test(arguments: [
        (String(repeating: "a", count: 10_000), "act is 10000 bytes long, at most 128 allowed"),
        (#"a"b"#, #"act "a\"b" has an invalid character '"' (allowed: letters, digits, . _ - :)"#),
        ("a\u{FF}b", "act \"a\u{FF}b\" has an invalid character U+00FF (allowed: letters, digits, . _ - :)"),
    ])
    func responseActHeaderBreakingTheActRulesFailsNamingTheHeader(act: String, problem: String) async throws {
        try await withUpstream { upstream, _, _ in
            #expect(
                await upstream.forward(makeRequest("act-header", act))
                    == .failed(status: 200, error: "upstream's X-Gtcp-Act header is not a valid act: \(problem)"))
        }
    }

    @Test(arguments: ["SSH-2.0-OpenSSH_9.6\r\n", "HTTP/1.1 1000 Odd\r\nContent-Length: 2\r\n\r\nok"])
    func nonHTTPReplyIsReportedAsSuch(reply: String) async throws {
        try await withRawReplyServer(reply) { port in
            let outcome = try await forwardEcho(toPort: port)
            #expect(outcome == .failed(status: nil, error: "upstream's reply is not HTTP (no status line, or a status beyond 999)"))
        }
    }

    @Test func invalidUTF8InTheReplyBecomesReplacementCharacters() async throws {
        try await withUpstream { upstream, _, _ in
            #expect(
                await upstream.forward(makeRequest("invalid-utf8"))
                    == .reply(act: "invalid-utf8", data: "a\u{FFFD}b"))
        }
    }

    @Test func backendReceivesEveryGatewayHeader() async throws {
        try await withUpstream(configure: {
            $0.headers = [UpstreamHeader(name: "Authorization", value: "Bearer s3cret")]
        }) { upstream, _, _ in
            let outcome = await upstream.forward(
                makeRequest("headers", "{}", clientName: "sensor-7", requestID: "r-99"))
            guard case .reply(_, let data) = outcome else {
                Issue.record("expected a reply, got \(outcome)")
                return
            }
            let headers = try JSONDecoder().decode([String: String].self, from: Data(data.utf8))
            #expect(headers["x-gtcp-connection-id"] == "42")
            #expect(headers["x-gtcp-remote-addr"] == "10.1.2.3:50000")
            #expect(headers["x-gtcp-act"] == "headers")
            #expect(headers["x-gtcp-client-name"] == "sensor-7")
            #expect(headers["x-request-id"] == "r-99")
            #expect(headers["authorization"] == "Bearer s3cret")
            #expect(headers["content-type"] == "application/json")
            #expect(headers["user-agent"] == "gtcp-gateway")
            #expect(headers["expect"] == nil)
            #expect(headers["content-length"] == "2")
        }
    }

    @Test func clientNameHeaderIsLeftOutWhenUnknownAndCannotInjectLines() async throws {
        try await withUpstream { upstream, _, _ in
            for (clientName, expected) in [(String?.none, String?.none), ("evil\r\nX-Injected: 1", "evil  X-Injected: 1")] {
                let outcome = await upstream.forward(makeRequest("headers", clientName: clientName))
                guard case .reply(_, let data) = outcome else {
                    Issue.record("expected a reply, got \(outcome)")
                    return
                }
                let headers = try JSONDecoder().decode([String: String].self, from: Data(data.utf8))
                #expect(headers["x-gtcp-client-name"] == expected)
                #expect(headers["x-injected"] == nil)
            }
        }
    }

    @Test func clientCertificateSubjectIsSentWhenKnown() async throws {
        try await withUpstream { upstream, _, _ in
            var request = makeRequest("headers")
            for subject in [String?.none, "CN=sensor-7,O=Fleet"] {
                request.clientCertificateSubject = subject
                let outcome = await upstream.forward(request)
                guard case .reply(_, let data) = outcome else {
                    Issue.record("expected a reply, got \(outcome)")
                    return
                }
                let headers = try JSONDecoder().decode([String: String].self, from: Data(data.utf8))
                #expect(headers["x-gtcp-client-cert-subject"] == subject)
            }
        }
    }

    @Test(arguments: [
        ("{\"a\":[1,2.5e3,true,null]}", "application/json"),
        (" [ ] ", "application/json"),
        ("42", "application/json"),
        ("\"text\"", "application/json"),
        ("hello", "text/plain; charset=utf-8"),
        ("", "text/plain; charset=utf-8"),
        ("{\"a\":}", "text/plain; charset=utf-8"),
        ("{} {}", "text/plain; charset=utf-8"),
    ])
    func contentTypeSaysWhetherDataIsJSON(data: String, contentType: String) async throws {
        try await withUpstream { upstream, _, _ in
            #expect(
                await upstream.forward(makeRequest("content-type", data))
                    == .reply(act: "content-type", data: contentType))
        }
    }

    @Test func requestBodyIsSentUnchanged() async throws {
        let data = "line1\nline2\u{0}tail \"quoted\" ✓"
        try await withUpstream { upstream, _, _ in
            #expect(await upstream.forward(makeRequest("echo", data)) == .reply(act: "echo", data: data))
        }
    }

    @Test func slowBackendTimesOutWithTheConfiguredTimeout() async throws {
        try await withUpstream(configure: { $0.timeout = .milliseconds(300) }) { upstream, _, _ in
            #expect(
                await upstream.forward(makeRequest("gated"))
                    == .failed(status: nil, error: "upstream timed out after 300ms"))
        }
    }

    @Test func bodyAtTheLimitPassesAndOneByteMoreFails() async throws {
        try await withUpstream(configure: { $0.maxResponseBytes = 1_000 }) { upstream, _, _ in
            #expect(
                await upstream.forward(makeRequest("bytes", "1000"))
                    == .reply(act: "bytes", data: String(repeating: "a", count: 1_000)))
            #expect(
                await upstream.forward(makeRequest("bytes", "1001"))
                    == .failed(status: 200, error: "upstream response too large"))
        }
    }

    @Test func updatedConfigurationAppliesToLaterRequests() async throws {
        try await withUpstream { upstream, _, port in
            upstream.update(UpstreamConfiguration(urlTemplate: "http://127.0.0.1:\(port)/other/{act}"))
            #expect(await upstream.forward(makeRequest("echo", "x")) == .reply(act: "echo", data: "other path"))
        }
    }

    @Test func closedPortIsReportedAsRefused() async throws {
        try await withRefusingPort { port in
            let outcome = try await forwardEcho(toPort: port)
            #expect(outcome == .failed(status: nil, error: "upstream refused the connection"))
        }
    }

    @Test func tlsHandshakeWithAPlainHTTPServerIsATLSFailure() async throws {
        try await withUpstream { upstream, _, port in
            // A generous connect timeout: under a sanitizer the failed handshake can take seconds.
            upstream.update(
                UpstreamConfiguration(urlTemplate: "https://127.0.0.1:\(port)/acts/{act}", connectTimeout: .seconds(30)))
            let outcome = await upstream.forward(makeRequest("echo"))
            guard case .failed(nil, let error) = outcome else {
                Issue.record("expected a transport failure, got \(outcome)")
                return
            }
            #expect(error.hasPrefix("upstream TLS failure: "))
        }
    }
}
