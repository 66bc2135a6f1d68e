import GatewayTestSupport
import GatewayUpstream
import GtcpClient
import GtcpWire
import Testing

@testable import GatewayCore

/// Admin requests answered by a real client over a loopback socket.
@Suite(.timeLimit(.minutes(2)))
struct RequestReplyTests {
    /// Echoes every act, and keeps which acts reached it.
    private static func recordingEcho(_ acts: ActLog) -> InMemoryUpstream {
        InMemoryUpstream { request in
            await acts.append(request.act)
            return .reply(act: request.act, data: request.data)
        }
    }

    /// Runs `body` with a gateway and a registered device on it, and closes the device after.
    private func withDevice(
        upstream: (any Upstream)? = nil, _ body: (TestGateway, inout Device) async throws -> Void
    ) async throws {
        try await TestGateway.run(upstream: upstream) { gateway in
            var device = try await Device(on: gateway)
            try await body(gateway, &device)
            await device.client.close()
        }
    }

    /// A client that said hello, so that it is registered.
    private struct Device {
        let client: GtcpClientConnection
        var messages: MessageReader
        let id: ConnectionID

        init(on gateway: TestGateway) async throws {
            client = try await gateway.connect()
            messages = MessageReader(client)
            try await client.send(Msg(act: "hello", data: "device"))
            #expect(try await messages.next()?.act == "hello")
            let page = await gateway.registry.page(after: nil, limit: 1, filter: ConnectionFilter(clientName: "device"))
            id = try #require(page.connections.first?.id)
        }
    }

    @Test func theAnswerComesBackByteExactAndGoesNowhereElse() async throws {
        let acts = ActLog()
        let upstream = Self.recordingEcho(acts)
        try await withDevice(upstream: upstream) { gateway, device in
            let id = device.id
            async let outcome = gateway.registry.request(
                Msg(act: "ask", data: "status?"), to: id, replyAct: "status", timeout: .seconds(30))
            #expect(try await device.messages.next() == Msg(act: "ask", data: "status?"))
            let answer = Msg(act: "status", data: "{\"q\":\"<a&b>\"}\n\t\u{2028} é 😀 \\ \u{1}")
            try await device.client.send(answer)
            #expect(await outcome == .answered(answer))

            // The next act is forwarded as usual, and it is the only one the backend saw.
            try await device.client.send(Msg(act: "echo", data: "after"))
            #expect(try await device.messages.next() == Msg(act: "echo", data: "after"))
            #expect(await acts.acts == ["echo"])
        }
    }

    @Test func anUnansweredRequestTimesOutAndALateAnswerIsHandledAsUsual() async throws {
        let acts = ActLog()
        let upstream = Self.recordingEcho(acts)
        try await withDevice(upstream: upstream) { gateway, device in
            let id = device.id
            let outcome = await gateway.registry.request(
                Msg(act: "ask"), to: id, replyAct: "status", timeout: .milliseconds(50))
            #expect(outcome == .timedOut)
            #expect(try await device.messages.next() == Msg(act: "ask"))

            try await device.client.send(Msg(act: "status", data: "late"))
            #expect(try await device.messages.next() == Msg(act: "status", data: "late"))
            #expect(await acts.acts == ["status"])
        }
    }

    @Test func requestsWaitingForOneActAreAnsweredOldestFirst() async throws {
        try await withDevice { gateway, device in
            let id = device.id
            let registry = gateway.registry
            async let first = registry.request(Msg(act: "ask", data: "1"), to: id, replyAct: "status", timeout: .seconds(30))
            #expect(try await device.messages.next() == Msg(act: "ask", data: "1"))
            async let second = registry.request(Msg(act: "ask", data: "2"), to: id, replyAct: "status", timeout: .seconds(30))
            #expect(try await device.messages.next() == Msg(act: "ask", data: "2"))
            async let other = registry.request(Msg(act: "ask", data: "3"), to: id, replyAct: "other", timeout: .seconds(30))
            #expect(try await device.messages.next() == Msg(act: "ask", data: "3"))

            try await device.client.send(Msg(act: "other", data: "c"))
            try await device.client.send(Msg(act: "status", data: "a"))
            try await device.client.send(Msg(act: "status", data: "b"))
            #expect(await first == .answered(Msg(act: "status", data: "a")))
            #expect(await second == .answered(Msg(act: "status", data: "b")))
            #expect(await other == .answered(Msg(act: "other", data: "c")))
        }
    }

    @Test func unknownClosingAndClosedConnectionsAnswerAsPushesDo() async throws {
        try await TestGateway.run { gateway in
            let registry = gateway.registry
            #expect(await registry.request(Msg(act: "ask"), to: 999_999, replyAct: "x", timeout: .seconds(1)) == .notFound)

            var device = try await Device(on: gateway)
            let id = device.id
            async let waiting = registry.request(Msg(act: "ask"), to: id, replyAct: "status", timeout: .seconds(30))
            #expect(try await device.messages.next() == Msg(act: "ask"))
            await device.client.close()
            #expect(await waiting == .connectionClosed)

            let leaving = try await Device(on: gateway)
            #expect(await registry.doexit(leaving.id, data: "", grace: .seconds(30)) == .sent)
            #expect(await registry.request(Msg(act: "ask"), to: leaving.id, replyAct: "x", timeout: .seconds(1)) == .closing)
            await leaving.client.close()
        }
    }

    @Test func aConnectionHoldsAtMostSixtyFourWaitingRequests() async throws {
        try await withDevice { gateway, device in
            let id = device.id
            let registry = gateway.registry
            try await withThrowingTaskGroup(of: RequestOutcome.self) { requests in
                for index in 0..<64 {
                    requests.addTask {
                        await registry.request(Msg(act: "ask", data: "\(index)"), to: id, replyAct: "never", timeout: .seconds(60))
                    }
                }
                // Each request is waiting once its message has gone out.
                for _ in 0..<64 {
                    #expect(try await device.messages.next()?.act == "ask")
                }
                #expect(
                    await registry.request(Msg(act: "ask"), to: id, replyAct: "never", timeout: .seconds(60))
                        == .tooManyWaiting(limit: 64))
                await device.client.close()
                for try await outcome in requests {
                    #expect(outcome == .connectionClosed)
                }
            }
        }
    }
}

actor ActLog {
    private(set) var acts: [String] = []

    func append(_ act: String) {
        acts.append(act)
    }
}
