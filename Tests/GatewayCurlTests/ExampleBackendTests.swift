import ExampleBackend
import Foundation
import GatewayCurl
import GatewayUpstream
import Testing

/// The demo backend's acts, reached the way the gateway reaches them.
@Suite struct ExampleBackendTests {
    private func forward(_ requests: [UpstreamRequest]) async throws -> [UpstreamOutcome] {
        try await withTestServer(ExampleBackend.makeRouter()) { port in
            let upstream = try CurlUpstream.make(port: port)
            var outcomes: [UpstreamOutcome] = []
            for request in requests {
                outcomes.append(await upstream.forward(request))
            }
            await upstream.shutdown()
            return outcomes
        }
    }

    private func replyJSON(_ outcome: UpstreamOutcome) throws -> [String: Any] {
        guard case .reply(_, let data) = outcome,
            let object = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
        else {
            throw JSONReplyError(outcome: outcome)
        }
        return object
    }

    private struct JSONReplyError: Error {
        var outcome: UpstreamOutcome
    }

    @Test func echoReturnsTheDataUnchanged() async throws {
        let json = "{\"hello\": \"world\"}"
        let outcomes = try await forward([makeRequest("echo", json), makeRequest("echo", "plain ✓")])
        #expect(outcomes == [.reply(act: "echo", data: json), .reply(act: "echo", data: "plain ✓")])
    }

    @Test func timeReturnsTheCurrentUTCTime() async throws {
        let outcomes = try await forward([makeRequest("time")])
        let now = try #require(try replyJSON(outcomes[0])["now"] as? String)
        let date = try #require(try? Date(now, strategy: .iso8601))
        #expect(now.hasSuffix("Z"))
        #expect(abs(date.timeIntervalSinceNow) < 60)
    }

    @Test func sumAddsAnArrayOrANumbersObject() async throws {
        let outcomes = try await forward([
            makeRequest("sum", "[1, 2, 3.5]"), makeRequest("sum", "{\"numbers\": [10, -4]}"), makeRequest("sum", "[]"),
        ])
        #expect(outcomes == [
            .reply(act: "sum", data: "{\"sum\":6.5}"), .reply(act: "sum", data: "{\"sum\":6}"),
            .reply(act: "sum", data: "{\"sum\":0}"),
        ])
    }

    @Test(arguments: ["", "not json", "[1, \"two\"]", "{\"numbers\": 3}"])
    func sumRejectsOtherInputWithBadRequest(data: String) async throws {
        let outcomes = try await forward([makeRequest("sum", data)])
        #expect(outcomes == [.failed(status: 400, error: "upstream answered HTTP 400")])
    }

    @Test func whoamiShowsTheGatewayHeaders() async throws {
        let outcomes = try await forward([makeRequest("whoami", clientName: "sensor-7", requestID: "r-5")])
        let headers = try replyJSON(outcomes[0]) as? [String: String]
        #expect(headers == [
            "x-gtcp-act": "whoami", "x-gtcp-client-name": "sensor-7", "x-gtcp-connection-id": "42",
            "x-gtcp-remote-addr": "10.1.2.3:50000", "x-request-id": "r-5",
        ])
    }

    @Test func unknownActIsNotFound() async throws {
        let outcomes = try await forward([makeRequest("nope")])
        #expect(outcomes == [.failed(status: 404, error: "upstream answered HTTP 404")])
    }
}
