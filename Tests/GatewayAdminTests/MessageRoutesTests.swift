@testable import GatewayCore
import GtcpWire
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct MessageRoutesTests {
    @Test func pushSendsTheMessageAsGiven() async throws {
        let connections = FakeConnections()
        try await withAdminRouter(connections: connections) { client in
            let body = ByteBuffer(string: #"{"act": "notice", "data": "{\"level\":\"info\"} <é>"}"#)
            let response = try await client.execute(uri: "/connections/12/messages", method: .post, body: body)
            #expect(response.status == .accepted)
            #expect(String(buffer: response.body) == #"{"id":12,"status":"sent"}"#)
        }
        #expect(connections.calls == [.push(Msg(act: "notice", data: #"{"level":"info"} <é>"#), 12)])
    }

    @Test func dataDefaultsToEmpty() async throws {
        let connections = FakeConnections()
        let response = try await adminResponse(
            .post, "/connections/12/messages", body: #"{"act":"ping"}"#, connections: connections)
        #expect(response.status == .accepted)
        #expect(connections.calls == [.push(Msg(act: "ping", data: ""), 12)])
    }

    @Test(arguments: [
        (PushOutcome.notFound, HTTPResponse.Status.notFound, "no connection with id 12"),
        (.closing, .conflict, "connection 12 is closing"),
        (
            .tooLarge("data too long, data size 70000 exceeds allowed max data size 65535"), .contentTooLarge,
            "data too long, data size 70000 exceeds allowed max data size 65535"
        ),
    ])
    func pushThatTheRegistryRefuses(outcome: PushOutcome, status: HTTPResponse.Status, detail: String) async throws {
        let response = try await adminResponse(
            .post, "/connections/12/messages", body: #"{"act":"x"}"#, connections: FakeConnections(outcome: outcome))
        #expect(response.status == status)
        #expect(try response.problem().detail == detail)
    }

    @Test(arguments: [
        ("", #"request body is required: {"act": "...", "data": "..."}"#),
        (#"{"data": "x"}"#, #"field "act" is required"#),
        (#"{"act": 5}"#, #"field "act" must be a string"#),
        (#"{"act": "a b"}"#, ActName.validationError("a b")!),
        (#"{"act": ""}"#, ActName.validationError("")!),
        (#"{"act": "x", "Data": "y"}"#, #"unknown field "Data""#),
    ])
    func badMessageIsRefused(body: String, detail: String) async throws {
        try await expectRefusedPost(body, to: "/connections/12/messages", "/messages", detail: detail)
    }

    @Test func broadcastFiltersAndCounts() async throws {
        let connections = FakeConnections(matching: 7)
        try await withAdminRouter(connections: connections) { client in
            let response = try await client.execute(
                uri: "/messages?remoteAddress=127.0.0.1",
                method: .post,
                body: ByteBuffer(string: #"{"act":"notice","data":"hi"}"#)
            )
            #expect(response.status == .accepted)
            #expect(String(buffer: response.body) == #"{"sent":7}"#)
        }
        #expect(connections.calls == [.broadcast(Msg(act: "notice", data: "hi"), ConnectionFilter(remoteAddress: "127.0.0.1"))])
    }
}
