import GatewayCore
import GatewayTestSupport
import GtcpClient
import GtcpWire
import NIOCore
import Testing

@testable import GatewayCore

@Suite(.timeLimit(.minutes(1)))
struct GatewayServerTests {
    /// Runs `body` with one client connected to a fresh gateway, and closes the client after.
    private func withClient(
        _ body: (TestGateway, GtcpClientConnection, inout MessageReader) async throws -> Void
    ) async throws {
        try await TestGateway.run { gateway in
            let client = try await gateway.connect()
            var replies = MessageReader(client)
            try await body(gateway, client, &replies)
            await client.close()
        }
    }

    @Test func helloIsAnsweredWithTheGreetingAndNamesTheClient() async throws {
        try await withClient { gateway, client, replies in
            try await client.send(Msg(act: "hello", data: "My name's John!"))
            #expect(try await replies.next() == Msg(act: "hello", data: "Nice to meet you!"))

            let page = await gateway.registry.page(after: nil, limit: 10, filter: ConnectionFilter())
            #expect(page.total == 1)
            #expect(page.connections.first?.clientName == "My name's John!")
            #expect(page.connections.first?.packetsIn == 1)
            #expect(page.connections.first?.packetsOut == 1)
            #expect(page.connections.first?.bytesOut == 44)
        }
    }

    @Test func aPacketFarLargerThanTheFirstReceiveBufferArrivesWhole() async throws {
        let name = String(repeating: "n", count: 60_000)
        #expect(name.utf8.count > GatewayServer.receiveBuffers.nextBufferSize() ?? 0)
        try await withClient { gateway, client, replies in
            try await client.send(Msg(act: "hello", data: name))
            try await client.send(Msg(act: "hello", data: "short"))
            #expect(try await replies.next() == Msg(act: "hello", data: "Nice to meet you!"))
            #expect(try await replies.next() == Msg(act: "hello", data: "Nice to meet you!"))

            let page = await gateway.registry.page(after: nil, limit: 10, filter: ConnectionFilter())
            #expect(page.connections.first?.bytesIn == UInt64(2 + Msg(act: "hello", data: name).encodedJSONByteCount + 2
                + Msg(act: "hello", data: "short").encodedJSONByteCount))
        }
    }

    @Test func heartbeatGetsNoReplyAndMovesLastActive() async throws {
        try await withClient { gateway, client, replies in
            try await client.send(Msg(act: "hello", data: "beat"))
            _ = try await replies.next()
            let before = try #require(await gateway.registry.page(after: nil, limit: 1, filter: ConnectionFilter()).connections.first)

            try await client.send(Msg(act: "heartbeat"))
            try await client.send(Msg(act: "hello", data: "beat"))
            // Had the heartbeat been answered, its reply would come first.
            #expect(try await replies.next() == Msg(act: "hello", data: "Nice to meet you!"))
            let after = try #require(await gateway.registry.snapshot(of: before.id))
            #expect(after.packetsIn == 3)
            #expect(after.lastActiveAt > before.lastActiveAt)
        }
    }

    @Test func anUnknownActWithoutUpstreamGetsAnErrorAndTheConnectionStays() async throws {
        try await withClient { gateway, client, replies in
            try await client.send(Msg(act: "order.create", data: "{}"))
            #expect(
                try await replies.next()
                    == Msg(act: "error", data: #"{"act":"order.create","error":"no upstream configured for act order.create"}"#)
            )
            try await client.send(Msg(act: "hello"))
            #expect(try await replies.next()?.act == "hello")
        }
    }

    @Test(arguments: [
        ("", "invalid package structure: "),
        ("[1]", "invalid package structure: "),
        (#"{"Act":1}"#, "invalid package structure: "),
    ])
    func dataThatIsNotAMsgGetsAnErrorAndTheConnectionStays(data: String, errorPrefix: String) async throws {
        try await withClient { gateway, client, replies in
            var packet = ByteBuffer()
            packet.writeInteger(UInt16(data.utf8.count))
            packet.writeString(data)
            try await client.sendRaw(packet)
            let reply = try #require(try await replies.next())
            #expect(reply.act == "error")
            #expect(reply.data.hasPrefix(#"{"act":"","error":"\#(errorPrefix)"#))
            try await client.send(Msg(act: "hello"))
            #expect(try await replies.next()?.act == "hello")
        }
    }

    @Test func packetsSplitByteByByteOrCoalescedAreAllAnswered() async throws {
        try await withClient { gateway, client, replies in
            var stream = ByteBuffer()
            let encoder = GtcpMsgEncoder(framing: .default)
            for name in ["a", "b", "c"] {
                try encoder.encode(data: Msg(act: "hello", data: name), out: &stream)
            }
            // All three packets in one write, then the same bytes one at a time.
            try await client.sendRaw(stream)
            for index in stream.readerIndex..<stream.writerIndex {
                try await client.sendRaw(stream.getSlice(at: index, length: 1)!)
            }
            for _ in 0..<6 {
                #expect(try await replies.next() == Msg(act: "hello", data: "Nice to meet you!"))
            }
            let snapshot = try #require(await gateway.registry.page(after: nil, limit: 1, filter: ConnectionFilter()).connections.first)
            #expect(snapshot.clientName == "c")
        }
    }

    @Test func anOversizeLengthClosesOnlyThatConnection() async throws {
        let configuration = GatewayConfiguration(port: 0, framing: try GtcpFraming(headerSize: 2, maxDataSize: 200))
        try await TestGateway.run(configuration: configuration) { gateway in
            let good = try await gateway.connect()
            var goodReplies = MessageReader(good)
            let bad = try await gateway.connect()
            var badReplies = MessageReader(bad)

            try await bad.sendRaw(ByteBuffer(bytes: [0x00, 0xFF, 0x7B]))
            #expect(
                try await badReplies.next()
                    == Msg(act: "error", data: #"{"act":"","error":"invalid package size 255 exceeds max data size 200"}"#)
            )
            #expect(try await badReplies.next() == nil)

            for index in 0..<20 {
                try await good.send(Msg(act: "hello", data: "good \(index)"))
                #expect(try await goodReplies.next() == Msg(act: "hello", data: "Nice to meet you!"))
            }
            await good.close()
        }
    }

    @Test func anOversizeLengthWhoseErrorWouldNotFitJustCloses() async throws {
        let configuration = GatewayConfiguration(port: 0, framing: try GtcpFraming(headerSize: 1, maxDataSize: 20))
        try await TestGateway.run(configuration: configuration) { gateway in
            let bad = try await gateway.connect()
            var badReplies = MessageReader(bad)
            try await bad.sendRaw(ByteBuffer(bytes: [0x15]))
            #expect(try await badReplies.next() == nil)
        }
    }

    @Test func anIdleConnectionIsClosed() async throws {
        try await TestGateway.run(policy: ConnectionPolicy(idleTimeout: .milliseconds(200))) { gateway in
            // Taken before connecting: on a loaded machine the connect may finish late, but the
            // gateway's idle clock cannot start before it began.
            let started = ContinuousClock.now
            let idle = try await gateway.connect()
            var replies = MessageReader(idle)
            #expect(try await replies.next() == nil)
            #expect(ContinuousClock.now - started >= .milliseconds(200))
        }
    }

    @Test func maxConnectionAgeSendsDoexitThenClosesAfterTheGrace() async throws {
        let policy = ConnectionPolicy(maxConnectionAge: .milliseconds(100), doexitGrace: .milliseconds(100))
        try await TestGateway.run(policy: policy) { gateway in
            let client = try await gateway.connect()
            var replies = MessageReader(client)
            #expect(try await replies.next() == Msg(act: "doexit", data: "max connection age reached"))
            // The client ignores doexit; the gateway closes it after the grace.
            #expect(try await replies.next() == nil)
        }
    }

    @Test func beyondMaxConnectionsANewClientIsToldAndClosed() async throws {
        try await TestGateway.run(configuration: GatewayConfiguration(port: 0, maxConnections: 2)) { gateway in
            var clients: [GtcpClientConnection] = []
            for _ in 0..<2 {
                let client = try await gateway.connect()
                var replies = MessageReader(client)
                try await client.send(Msg(act: "hello"))
                _ = try await replies.next()
                clients.append(client)
            }
            let extra = try await gateway.connect()
            var extraReplies = MessageReader(extra)
            #expect(
                try await extraReplies.next()
                    == Msg(act: "error", data: #"{"act":"","error":"too many connections (max-connections is 2)"}"#)
            )
            #expect(try await extraReplies.next() == nil)
            #expect(gateway.registry.openCount == 2)
            for client in clients {
                await client.close()
            }
        }
    }

    @Test func aThousandConcurrentConnectionsEachSayHello() async throws {
        try await TestGateway.run { gateway in
            try await withThrowingTaskGroup(of: Msg?.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let client = try await gateway.connect()
                        var replies = MessageReader(client)
                        try await client.send(Msg(act: "hello", data: "client \(index)"))
                        let reply = try await replies.next()
                        await client.close()
                        return reply
                    }
                }
                var answered = 0
                for try await reply in group {
                    #expect(reply == Msg(act: "hello", data: "Nice to meet you!"))
                    answered += 1
                }
                #expect(answered == 1000)
            }
        }
    }

    @Test func drainingSendsDoexitAndEndsWhenClientsClose() async throws {
        let configuration = GatewayConfiguration(port: 0, shutdownGrace: .seconds(30))
        let exiting = try await TestGateway.run(configuration: configuration) { gateway in
            let client = try await gateway.connect()
            var replies = MessageReader(client)
            try await client.send(Msg(act: "hello"))
            _ = try await replies.next()
            // Behaves like the example client: closes on doexit.
            return Task {
                var replies = MessageReader(client)
                let msg = try await replies.next()
                await client.close()
                return msg
            }
        }
        #expect(try await exiting.value == Msg(act: "doexit", data: "server shutting down"))
    }
}
