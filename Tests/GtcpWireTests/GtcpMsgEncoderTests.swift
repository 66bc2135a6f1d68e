import GtcpWire
import NIOCore
import NIOEmbedded
import Testing

@Suite struct GtcpMsgEncoderTests {
    private static let helloReply = Msg(act: "hello", data: "Nice to meet you!")
    private static let helloReplyJSON = Array(#"{"Act":"hello","Data":"Nice to meet you!"}"#.utf8)

    @Test func helloReplyMatchesTheGoServerByteForByte() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(GtcpMsgEncoder()))
        try channel.writeOutbound(Self.helloReply)
        let written = try channel.readOutbound(as: ByteBuffer.self)
        #expect(written.map { Array($0.readableBytesView) } == [0x00, 0x2A] + Self.helloReplyJSON)
        #expect(try channel.finish().isClean)
    }

    @Test(arguments: [
        (1, [0x2A] as [UInt8]),
        (2, [0x00, 0x2A]),
        (3, [0x00, 0x00, 0x2A]),
        (4, [0x00, 0x00, 0x00, 0x2A]),
    ])
    func writesTheLengthInEveryHeaderSize(headerSize: Int, header: [UInt8]) throws {
        var out = ByteBuffer(string: "XY")
        try GtcpMsgEncoder(framing: GtcpFraming(headerSize: headerSize)).encode(data: Self.helloReply, out: &out)
        #expect(Array(out.readableBytesView) == Array("XY".utf8) + header + Self.helloReplyJSON)
    }

    @Test func writesABigLengthBigEndian() throws {
        let msg = Msg(act: "a", data: String(repeating: "x", count: 0x0102 - 21))
        var out = ByteBuffer()
        try GtcpMsgEncoder(framing: GtcpFraming(headerSize: 3)).encode(data: msg, out: &out)
        #expect(Array(out.readableBytesView.prefix(3)) == [0x00, 0x01, 0x02])
        #expect(out.readableBytes == 3 + 0x0102)
    }

    @Test func messageOfExactlyMaxDataSizeIsWritten() throws {
        var out = ByteBuffer()
        try GtcpMsgEncoder(framing: GtcpFraming(maxDataSize: 42)).encode(data: Self.helloReply, out: &out)
        #expect(out.readableBytes == 44)
    }

    @Test(arguments: [
        // Too long once escaped: `<<` becomes twelve bytes.
        (Msg(act: "a", data: "<<"), 30, 33),
        (Msg(act: "hello", data: "Nice to meet you!"), 41, 42),
        // Measured, never written: a large message costs a scan, not a buffer.
        (Msg(act: "a", data: String(repeating: "&", count: 70_000)), 0xFFFF, 420_021),
    ])
    func tooLongMessageThrowsAndWritesNothing(msg: Msg, maxDataSize: Int, size: Int) throws {
        var out = ByteBuffer(string: "XY")
        #expect(throws: GtcpFramingError.dataTooLong(size: size, maxDataSize: maxDataSize)) {
            try GtcpMsgEncoder(framing: GtcpFraming(maxDataSize: maxDataSize)).encode(data: msg, out: &out)
        }
        #expect(Array(out.readableBytesView) == Array("XY".utf8))
        #expect(msg.encodedJSONByteCount == size)
    }

    @Test func dataTooLongSpeaksGtcpsWords() {
        #expect(
            GtcpFramingError.dataTooLong(size: 70000, maxDataSize: 65535).description
                == "data too long, data size 70000 exceeds allowed max data size 65535"
        )
    }

    @Test func encodedPacketsDecodeBackToTheSameMessages() throws {
        let msgs = [Self.helloReply, Msg(act: "x"), Msg(act: "é<>&\u{2028}", data: "\u{0}\n\"\\😀")]
        var stream = ByteBuffer()
        for msg in msgs {
            try GtcpMsgEncoder().encode(data: msg, out: &stream)
        }
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(GtcpFrameDecoder()))
        try channel.writeInbound(stream)
        var decoded: [Msg] = []
        while let packet = try channel.readInbound(as: ByteBuffer.self) {
            decoded.append(try Msg(decoding: packet))
        }
        #expect(decoded == msgs)
    }
}
