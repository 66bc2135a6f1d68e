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

    @Test func otherErrorsCarryCurlsDescription() {
        #expect(
            outcome(CURLE_GOT_NOTHING)
                == .failed(status: nil, error: "upstream request failed: Server returned nothing (no headers, no data)"))
    }

    @Test(arguments: [
        (Duration.seconds(10), "10s"), (.milliseconds(500), "500ms"), (.milliseconds(1_500), "1500ms"),
        (.seconds(120), "2m"), (.seconds(3_600), "1h"), (.microseconds(1), "1ms"),
    ])
    func durationsAreWrittenTheWaySettingsAre(duration: Duration, text: String) {
        #expect(duration.settingDescription == text)
    }

    @Test(arguments: [
        "null", "true", "-0.5e-3", "\"\\u00e9\\n\"", "[[[[]]]]", "{\"a\":{\"b\":[1,{}]}}", "\t\n 7 \r",
    ])
    func acceptsJSONValues(text: String) {
        #expect(JSONSyntax.isValid(text))
    }

    @Test(arguments: [
        "", "nul", "01", "1.", "-", "[1,]", "{\"a\" 1}", "{a:1}", "\"\\x\"", "\"tab\there\"", "[", "]", "1 2",
        String(repeating: "[", count: 100_000),
    ])
    func rejectsNonJSON(text: String) {
        #expect(!JSONSyntax.isValid(text))
    }
}
