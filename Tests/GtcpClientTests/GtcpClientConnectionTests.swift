import GatewayTestSupport
import GtcpClient
import GtcpWire
import NIOCore
import Testing

@Suite struct GtcpClientConnectionTests {
    /// Collects every message the client sees until the stream ends, and how it ended.
    private static func drain(_ connection: GtcpClientConnection) async -> (messages: [Msg], error: (any Error)?) {
        var messages: [Msg] = []
        do {
            for try await msg in connection.messages {
                messages.append(msg)
            }
            return (messages, nil)
        } catch {
            return (messages, error)
        }
    }

    @Test(arguments: 1...4)
    func sendsAMessageAndReceivesTheReply(headerSize: Int) async throws {
        let framing = try GtcpFraming(headerSize: headerSize)
        let (received, receivedSink) = AsyncStream.makeStream(of: Msg.self)
        try await ReversePeer.run(framing: framing) { peer in
            while let msg = try await peer.nextMsg() {
                receivedSink.yield(msg)
                try await peer.send(Msg(act: msg.act, data: "Nice to meet you!"))
            }
        } body: { port in
            let connection = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port, framing: framing)
            #expect(connection.remoteAddressDescription == "127.0.0.1:\(port)")
            try await connection.send(Msg(act: "hello", data: "My name's John!"))
            var replies = connection.messages.makeAsyncIterator()
            let reply = try await replies.next()
            #expect(reply == Msg(act: "hello", data: "Nice to meet you!"))
            var seen = received.makeAsyncIterator()
            let request = await seen.next()
            #expect(request == Msg(act: "hello", data: "My name's John!"))
            await connection.close()
        }
    }

    @Test func serverClosingEndsTheStreamAfterItsLastMessage() async throws {
        try await ReversePeer.run { peer in
            try await peer.send(Msg(act: "heartbeat"))
            try await peer.send(Msg(act: "doexit"))
        } body: { port in
            let connection = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port)
            let (messages, error) = await Self.drain(connection)
            #expect(messages == [Msg(act: "heartbeat"), Msg(act: "doexit")])
            #expect(error == nil)
        }
    }

    @Test func sendRawWritesTheBytesUnchanged() async throws {
        let (packets, packetSink) = AsyncStream.makeStream(of: [UInt8].self)
        try await ReversePeer.run { peer in
            while let packet = try await peer.nextPacket() {
                packetSink.yield(Array(packet.readableBytesView))
            }
        } body: { port in
            let connection = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port)
            try await connection.sendRaw(ByteBuffer(bytes: [0, 3] + Array("abc".utf8) + [0, 0]))
            try await connection.send(Msg(act: "x"))
            var seen = packets.makeAsyncIterator()
            var received: [[UInt8]] = []
            for _ in 0..<3 {
                received.append(await seen.next() ?? [])
            }
            #expect(received == [Array("abc".utf8), [], Array(#"{"Act":"x","Data":""}"#.utf8)])
            await connection.close()
        }
    }

    @Test func packetThatIsNotAMsgEndsTheStreamWithTheDecodingError() async throws {
        try await ReversePeer.run { peer in
            try await peer.send(Msg(act: "first"))
            try await peer.sendRaw([0, 3] + Array("abc".utf8))
            _ = try await peer.nextPacket()
        } body: { port in
            let connection = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port)
            let (messages, error) = await Self.drain(connection)
            #expect(messages == [Msg(act: "first")])
            #expect((error as? MsgDecodingError)?.description == "invalid character 'a' at byte 0, expected a value")
        }
    }

    @Test func headerAboveMaxDataSizeEndsTheStreamWithTheFramingError() async throws {
        let framing = try GtcpFraming(headerSize: 2, maxDataSize: 10)
        try await ReversePeer.run { peer in
            try await peer.sendRaw([0, 11])
            _ = try await peer.nextPacket()
        } body: { port in
            let connection = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port, framing: framing)
            let (messages, error) = await Self.drain(connection)
            #expect(messages == [])
            #expect(error as? GtcpFramingError == .invalidPackageSize(size: 11, maxDataSize: 10))
        }
    }

    @Test func serverClosingInsideAPacketIsAnError() async throws {
        try await ReversePeer.run { peer in
            try await peer.sendRaw([0, 5] + Array("ab".utf8))
        } body: { port in
            let connection = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port)
            let (messages, error) = await Self.drain(connection)
            #expect(messages == [])
            #expect(error as? GtcpClientError == .closedInsidePacket(receivedBytes: 4))
            #expect(
                error.map { "\($0)" } == "connection closed inside a packet (4 bytes of it received)"
            )
        }
    }

    @Test func refusedConnectionNamesTheAddress() async throws {
        try await withRefusingPort { port in
            await #expect(throws: GtcpClientError.connectFailed(address: "127.0.0.1:\(port)", reason: "connection refused")) {
                _ = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port)
            }
        }
        #expect(
            GtcpClientError.connectFailed(address: "127.0.0.1:1", reason: "connection refused").description
                == "cannot connect to 127.0.0.1:1: connection refused"
        )
    }

    @Test func sendingAfterCloseFails() async throws {
        try await ReversePeer.run { peer in
            _ = try await peer.nextPacket()
        } body: { port in
            let connection = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port)
            await connection.close()
            await #expect(throws: (any Error).self) {
                try await connection.send(Msg(act: "heartbeat"))
            }
            let (messages, error) = await Self.drain(connection)
            #expect(messages == [])
            #expect(error == nil)
        }
    }
}
