import Foundation
import GatewayCore
import GtcpWire
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /connections/{id}/requests` against a real gateway with real TCP clients.
@Suite(.timeLimit(.minutes(1)))
struct LiveRequestTests {
    private struct AnswerBody: Decodable, Equatable {
        let id: UInt64
        let act: String
        let data: String
    }

    private struct RequestBody: Encodable {
        let act: String
        var data = ""
        var replyAct: String?
        var timeoutMs: Int?
    }

    private static func body(act: String, data: String = "", replyAct: String? = nil, timeoutMs: Int? = nil) throws -> String {
        let body = RequestBody(act: act, data: data, replyAct: replyAct, timeoutMs: timeoutMs)
        return String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
    }

    @Test func theClientsAnswerComesBackByteExact() async throws {
        try await LiveGateway.run { gateway in
            var client = try await gateway.connect(name: "exact")
            let answer = Msg(act: "status", data: "{\"q\":\"<a&b>\"}\n\t\u{2028} é 😀 \\ \u{1}")
            let uri = "/connections/\(client.id)/requests"
            let body = try Self.body(act: "ask", data: "how are you?", replyAct: "status")
            async let response = gateway.request(.post, uri, body: body)
            #expect(try await client.next() == Msg(act: "ask", data: "how are you?"))
            try await client.connection.send(answer)

            #expect(try await response.status == .ok)
            #expect(try await response.json(AnswerBody.self) == AnswerBody(id: client.id, act: answer.act, data: answer.data))
            // The answer was the request's, not a message for the gateway: hello still works.
            try await client.connection.send(Msg(act: "hello", data: "exact"))
            #expect(try await client.next() == Msg(act: "hello", data: "Nice to meet you!"))
        }
    }

    @Test func noAnswerWithinTheTimeoutIs504() async throws {
        try await LiveGateway.run { gateway in
            var client = try await gateway.connect(name: "silent")
            let body = try Self.body(act: "ask", replyAct: "status", timeoutMs: 50)
            let response = try await gateway.request(.post, "/connections/\(client.id)/requests", body: body)
            #expect(response.status == .gatewayTimeout)
            #expect(try response.json(ProblemDocument.self).detail == "connection \(client.id) sent no status message within 50ms")
            #expect(try await client.next() == Msg(act: "ask"))
        }
    }

    @Test func twoRequestsAtOnceEachGetTheirOwnAnswerInOrder() async throws {
        try await LiveGateway.run { gateway in
            var client = try await gateway.connect(name: "busy")
            let uri = "/connections/\(client.id)/requests"
            let firstBody = try Self.body(act: "ask", data: "1", replyAct: "status")
            let secondBody = try Self.body(act: "ask", data: "2", replyAct: "status")
            async let first = gateway.requestAlone(.post, uri, body: firstBody)
            #expect(try await client.next() == Msg(act: "ask", data: "1"))
            async let second = gateway.requestAlone(.post, uri, body: secondBody)
            #expect(try await client.next() == Msg(act: "ask", data: "2"))

            try await client.connection.send(Msg(act: "status", data: "for the first"))
            try await client.connection.send(Msg(act: "status", data: "for the second"))
            #expect(try await first.json(AnswerBody.self).data == "for the first")
            #expect(try await second.json(AnswerBody.self).data == "for the second")
        }
    }

    @Test func unknownAndClosingConnectionsAre404And409() async throws {
        try await LiveGateway.run { gateway in
            let missing = try await gateway.request(.post, "/connections/424242/requests", body: #"{"act":"ask"}"#)
            #expect(missing.status == .notFound)
            #expect(try missing.json(ProblemDocument.self).detail == "no connection with id 424242")

            var client = try await gateway.connect(name: "leaving")
            let doexit = try await gateway.request(.post, "/connections/\(client.id)/doexit", body: #"{"graceSeconds":60}"#)
            #expect(doexit.status == .accepted)
            #expect(try await client.next()?.act == "doexit")
            let closing = try await gateway.request(.post, "/connections/\(client.id)/requests", body: #"{"act":"ask"}"#)
            #expect(closing.status == .conflict)
        }
    }

    @Test func aConnectionClosingBeforeItAnswersIs502() async throws {
        try await LiveGateway.run { gateway in
            var client = try await gateway.connect(name: "vanishing")
            let uri = "/connections/\(client.id)/requests"
            async let response = gateway.request(.post, uri, body: #"{"act":"ask"}"#)
            #expect(try await client.next() == Msg(act: "ask"))
            await client.connection.close()
            #expect(try await response.status == .badGateway)
            #expect(try await response.json(ProblemDocument.self).detail == "connection \(client.id) closed before answering")
        }
    }
}
