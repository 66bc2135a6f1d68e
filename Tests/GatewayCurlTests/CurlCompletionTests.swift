import CCurl
import Testing

@testable import GatewayCurl
import GatewayUpstream

/// The failures a loopback server cannot produce on demand.
@Suite struct CurlCompletionTests {
    private let request = makeRequest("echo")
    private let configuration = UpstreamConfiguration(
        urlTemplate: "http://backend/{act}", timeout: .seconds(10), connectTimeout: .seconds(2))

    private func outcome(_ code: CURLcode, reachedServer: Bool = false) -> UpstreamOutcome {
        CurlCompletion(
            code: code, status: 0, body: [], responseAct: nil, bodyExceededLimit: false,
            reachedServer: reachedServer
        ).outcome(for: request, configuration: configuration)
    }

    @Test func timeoutBeforeReachingTheServerIsAConnectTimeout() {
        #expect(
            outcome(CURLE_OPERATION_TIMEDOUT) == .failed(status: nil, error: "upstream connect timed out after 2s"))
    }

    @Test func timeoutAfterSendingIsARequestTimeout() {
        #expect(
            outcome(CURLE_OPERATION_TIMEDOUT, reachedServer: true)
                == .failed(status: nil, error: "upstream timed out after 10s"))
    }

    @Test func unresolvableHostIsNotFound() {
        #expect(outcome(CURLE_COULDNT_RESOLVE_HOST) == .failed(status: nil, error: "upstream host not found"))
    }

    @Test func certificateProblemIsATLSFailure() {
        guard case .failed(nil, let error) = outcome(CURLE_PEER_FAILED_VERIFICATION) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.hasPrefix("upstream TLS failure: "))
    }

    @Test func aBrokenAnswerUnderPriorKnowledgeNamesTheMode() {
        var configuration = configuration
        configuration.transport.httpVersion = .http2PriorKnowledge
        let outcome = CurlCompletion(
            code: CURLE_GOT_NOTHING, status: 0, body: [], responseAct: nil, bodyExceededLimit: false, reachedServer: true
        ).outcome(for: request, configuration: configuration)
        #expect(
            outcome
                == .failed(
                    status: nil,
                    error: "upstream did not answer in HTTP/2 (upstream-http-version 2-prior-knowledge needs a backend "
                        + "that speaks HTTP/2 without negotiating it): Server returned nothing (no headers, no data)"))
    }

    @Test func otherErrorsCarryCurlsDescription() {
        #expect(
            outcome(CURLE_GOT_NOTHING)
                == .failed(status: nil, error: "upstream request failed: Server returned nothing (no headers, no data)"))
    }
}
