@testable import GatewayCore
import GtcpWire
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RequestRoutesTests {
    @Test func theAnswerComesBackAsJSON() async throws {
        let answer = Msg(act: "status", data: "{\"ok\":true} <é>")
        let connections = FakeConnections(requestOutcome: .answered(answer))
        try await withAdminRouter(connections: connections) { client in
            let response = try await client.execute(
                uri: "/connections/12/requests", method: .post, body: ByteBuffer(string: #"{"act":"ask","data":"x"}"#))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(String(buffer: response.body) == #"{"act":"status","data":"{\"ok\":true} <é>","id":12}"#)
        }
        // Unless told otherwise, the answer has the request's act and may take 10 seconds.
        #expect(connections.calls == [.request(Msg(act: "ask", data: "x"), 12, replyAct: "ask", timeout: .seconds(10))])
    }

    @Test func replyActAndTimeoutAreTheCallersToChoose() async throws {
        let connections = FakeConnections(requestOutcome: .answered(Msg(act: "status")))
        try await withAdminRouter(connections: connections) { client in
            let body = ByteBuffer(string: #"{"act":"ask","replyAct":"status","timeoutMs":300000}"#)
            let response = try await client.execute(uri: "/connections/12/requests", method: .post, body: body)
            #expect(response.status == .ok)
        }
        #expect(connections.calls == [.request(Msg(act: "ask"), 12, replyAct: "status", timeout: .seconds(300))])
    }

    @Test(arguments: [
        (RequestOutcome.notFound, HTTPResponse.Status.notFound, "no connection with id 12"),
        (.closing, .conflict, "connection 12 is closing"),
        (.tooLarge("data too long, data size 70000 exceeds allowed max data size 65535"), .contentTooLarge,
         "data too long, data size 70000 exceeds allowed max data size 65535"),
        (.tooManyWaiting(limit: 64), .tooManyRequests, "connection 12 already has 64 requests waiting for answers"),
        (.timedOut, .gatewayTimeout, "connection 12 sent no status message within 250ms"),
        (.connectionClosed, .badGateway, "connection 12 closed before answering"),
    ])
    func outcomesOtherThanAnAnswerAreProblems(
        outcome: RequestOutcome,
        status: HTTPResponse.Status,
        detail: String
    ) async throws {
        try await withAdminRouter(connections: FakeConnections(requestOutcome: outcome)) { client in
            let body = ByteBuffer(string: #"{"act":"ask","replyAct":"status","timeoutMs":250}"#)
            let response = try await client.execute(uri: "/connections/12/requests", method: .post, body: body)
            #expect(response.status == status)
            #expect(try response.problem().detail == detail)
        }
    }

    @Test(arguments: [
        ("", #"request body is required: {"act": "...", "data": "..."}"#),
        (#"{"data":"x"}"#, #"field "act" is required"#),
        (#"{"act":"a b"}"#, ActName.validationError("a b")!),
        (#"{"act":"ask","replyAct":"a/b"}"#, ActName.validationError("a/b")!),
        (#"{"act":"ask","replyAct":null}"#, #"field "replyAct" must be a string, got null"#),
        (#"{"act":"ask","timeoutMs":0}"#, #"field "timeoutMs" must be an integer in 1...300000, got 0"#),
        (#"{"act":"ask","timeoutMs":300001}"#, #"field "timeoutMs" must be an integer in 1...300000, got 300001"#),
        (#"{"act":"ask","timeoutMs":"5"}"#, #"field "timeoutMs" must be an integer in 1...300000"#),
        (#"{"act":"ask","timeout":5}"#, #"unknown field "timeout""#),
    ])
    func badRequestsAreRefusedBeforeAnythingIsSent(body: String, detail: String) async throws {
        try await expectRefusedPost(body, to: "/connections/12/requests", detail: detail)
    }

    @Test func onlyPostIsServed() async throws {
        try await withAdminRouter { client in
            let response = try await client.execute(uri: "/connections/12/requests", method: .get)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "POST")
        }
    }
}
