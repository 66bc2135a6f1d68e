import GatewayTestSupport
import GatewayUpstream
import GtcpClient
import GtcpWire
import NIOCore
import NIOPosix
import Testing

@testable import GatewayCore

@Suite(.timeLimit(.minutes(2)))
struct ForwardingTests {
    @Test func repliesComeInRequestOrderWhateverOrderTheBackendAnswers() async throws {
        let upstream = InMemoryUpstream.echo { try? await Task.sleep(for: .milliseconds(Int.random(in: 0...20))) }
        let configuration = GatewayConfiguration(port: 0, maxInFlightPerConnection: 64)
        try await TestGateway.run(configuration: configuration, upstream: upstream) { gateway in
            let client = try await gateway.connect()
            var replies = MessageReader(client)
            try await client.sendEchoes(200)
            try await replies.expectEchoes(200)
            await client.close()
        }
    }

    @Test func atThePerConnectionCapTheSocketWaitsAndNothingIsLost() async throws {
        let gate = Gate()
        let upstream = InMemoryUpstream.echo { await gate.pass() }
        let configuration = GatewayConfiguration(port: 0, maxInFlightPerConnection: 4)
        try await TestGateway.run(configuration: configuration, upstream: upstream) { gateway in
            let client = try await gateway.connect()
            var replies = MessageReader(client)
            try await client.sendEchoes(50)
            var arrivals = gate.arrivals.makeAsyncIterator()
            for _ in 0..<4 {
                await arrivals.next()
            }
            let snapshot = try #require(await gateway.registry.page(after: nil, limit: 1, filter: ConnectionFilter()).connections.first)
            #expect(snapshot.inFlight == 4)

            await gate.open()
            try await replies.expectEchoes(50)
            #expect(await gate.maxConcurrent == 4)
            await client.close()
        }
    }

    @Test func theGatewayWideCapIsSharedFairlyAndNothingIsLost() async throws {
        let gate = Gate()
        let upstream = InMemoryUpstream.echo { await gate.pass() }
        let configuration = GatewayConfiguration(port: 0, maxInFlightPerConnection: 16, maxInFlight: 3)
        try await TestGateway.run(configuration: configuration, upstream: upstream) { gateway in
            var clients: [(GtcpClientConnection, MessageReader)] = []
            for _ in 0..<3 {
                let client = try await gateway.connect()
                clients.append((client, MessageReader(client)))
                try await client.sendEchoes(10)
            }
            var arrivals = gate.arrivals.makeAsyncIterator()
            for _ in 0..<3 {
                await arrivals.next()
            }
            await gate.open()
            for (client, var replies) in clients {
                try await replies.expectEchoes(10)
                await client.close()
            }
            #expect(await gate.maxConcurrent == 3)
        }
    }

    @Test func clientsLeavingWithRequestsInFlightLeakNothing() async throws {
        let upstream = InMemoryUpstream.echo { try? await Task.sleep(for: .milliseconds(5)) }
        let configuration = GatewayConfiguration(port: 0, maxInFlightPerConnection: 4, maxInFlight: 8)
        let server = try await TestGateway.run(configuration: configuration, upstream: upstream) { gateway in
            for round in 0..<100 {
                let client = try await gateway.connect()
                for index in 0..<6 {
                    try await client.send(Msg(act: "echo", data: "\(round)-\(index)"))
                }
                await client.close()
            }
            // Still serving: a fresh client's request goes through.
            let client = try await gateway.connect()
            var replies = MessageReader(client)
            try await client.send(Msg(act: "echo", data: "after"))
            #expect(try await replies.next() == Msg(act: "echo", data: "after"))
            await client.close()
            return gateway.server
        }
        // The gateway has drained: every forwarded request was answered and its slot given back
        // once the completions' hops to the event loops have run.
        #expect(upstream.inFlightCount == 0)
        for eventLoop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
            try await eventLoop.submit {}.get()
        }
        #expect(server.inFlightCount == 0)
    }

    @Test func upstreamFailuresBecomeErrorRepliesWithTheRequestID() async throws {
        let upstream = InMemoryUpstream { _ in .failed(status: 500, error: "upstream answered HTTP 500") }
        try await TestGateway.run(upstream: upstream) { gateway in
            let client = try await gateway.connect()
            var replies = MessageReader(client)
            try await client.send(Msg(act: "broken", data: "{}"))
            let reply = try #require(try await replies.next())
            #expect(reply.act == "error")
            #expect(reply.data.hasPrefix(#"{"act":"broken","status":500,"error":"upstream answered HTTP 500","requestId":""#))

            try await client.send(Msg(act: "bad act!"))
            #expect(try await replies.next()?.data.contains("invalid character") == true)
            await client.close()
        }
    }

    @Test func anActTheUpstreamDoesNotHandleGetsTheNoUpstreamError() async throws {
        let upstream = InMemoryUpstream(handles: { $0.hasPrefix("order.") }) { .reply(act: $0.act, data: $0.act) }
        try await TestGateway.run(upstream: upstream) { gateway in
            let client = try await gateway.connect()
            var replies = MessageReader(client)
            try await client.send(Msg(act: "order.create", data: "{}"))
            #expect(try await replies.next() == Msg(act: "order.create", data: "order.create"))
            try await client.send(Msg(act: "ping"))
            #expect(
                try await replies.next()
                    == Msg(act: "error", data: #"{"act":"ping","error":"no upstream configured for act ping"}"#))
            await client.close()
        }
    }
}

extension GtcpClientConnection {
    /// `echo` messages carrying 0, 1, … up to `count`.
    fileprivate func sendEchoes(_ count: Int) async throws {
        for index in 0..<count {
            try await send(Msg(act: "echo", data: "\(index)"))
        }
    }
}

extension MessageReader {
    /// The replies to `sendEchoes(count)`, in request order.
    fileprivate mutating func expectEchoes(_ count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for index in 0..<count {
            #expect(try await next() == Msg(act: "echo", data: "\(index)"), sourceLocation: sourceLocation)
        }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct OversizeReplyTests {
    @Test func aReplyThatWouldNotFitTheClientsMaxDataSizeBecomesAnError() async throws {
        // 990 quote characters: within the 1000-byte limit as a body, far beyond it once escaped as Data.
        let upstream = InMemoryUpstream { _ in .reply(act: "quotes", data: String(repeating: "\"", count: 990)) }
        let framing = try GtcpFraming(headerSize: 2, maxDataSize: 1000)
        try await TestGateway.run(configuration: GatewayConfiguration(port: 0, framing: framing), upstream: upstream) { gateway in
            let client = try await gateway.connect()
            var replies = MessageReader(client)
            try await client.send(Msg(act: "quotes"))
            let reply = try #require(try await replies.next())
            #expect(reply.act == "error")
            #expect(reply.data.contains(#""error":"upstream response too large""#))
            try await client.send(Msg(act: "hello"))
            #expect(try await replies.next()?.act == "hello")
            await client.close()
        }
    }
}
