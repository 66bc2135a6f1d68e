import GtcpWire
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite struct GtcpFrameDecoderTests {
    private func makeChannel(_ framing: GtcpFraming = .default) -> EmbeddedChannel {
        EmbeddedChannel(handler: ByteToMessageHandler(GtcpFrameDecoder(framing: framing)))
    }

    private func readAll(_ channel: EmbeddedChannel) throws -> [[UInt8]] {
        var packets: [[UInt8]] = []
        while let packet = try channel.readInbound(as: ByteBuffer.self) {
            packets.append(Array(packet.readableBytesView))
        }
        return packets
    }

    private static func packet(_ text: String) -> [UInt8] {
        [UInt8(text.utf8.count >> 8), UInt8(text.utf8.count & 0xFF)] + Array(text.utf8)
    }

    @Test(arguments: [
        (1, [0xC8] as [UInt8], 200),
        (2, [0x01, 0x02], 258),
        (3, [0x01, 0x02, 0x03], 66051),
        (4, [0x00, 0x01, 0x02, 0x03], 66051),
    ])
    func readsTheBigEndianLengthOfEveryHeaderSize(headerSize: Int, header: [UInt8], length: Int) throws {
        let channel = self.makeChannel(try GtcpFraming(headerSize: headerSize))
        let data = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        try channel.writeInbound(ByteBuffer(bytes: header + data + header))
        #expect(try self.readAll(channel) == [data])
        try channel.writeInbound(ByteBuffer(bytes: data))
        #expect(try self.readAll(channel) == [data])
        #expect(try channel.finish().isClean)
    }

    @Test func twoPacketStreamSplitAtEveryPoint() throws {
        let stream = Self.packet("ab") + Self.packet("cde")
        for split in 0...stream.count {
            let channel = self.makeChannel()
            try channel.writeInbound(ByteBuffer(bytes: stream[..<split]))
            try channel.writeInbound(ByteBuffer(bytes: stream[split...]))
            #expect(try self.readAll(channel) == [Array("ab".utf8), Array("cde".utf8)], "split at \(split)")
            #expect(try channel.finish().isClean)
        }
    }

    @Test func twoPacketStreamOneByteAtATime() throws {
        let channel = self.makeChannel()
        var seen: [[UInt8]] = []
        for byte in Self.packet("ab") + Self.packet("cde") {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            seen += try self.readAll(channel)
        }
        #expect(seen == [Array("ab".utf8), Array("cde".utf8)])
        #expect(try channel.finish().isClean)
    }

    @Test func coalescedPacketsIncludingAnEmptyOneComeOutInOrder() throws {
        let channel = self.makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: Self.packet("one") + Self.packet("") + Self.packet("three")))
        #expect(try self.readAll(channel) == [Array("one".utf8), [], Array("three".utf8)])
        #expect(try channel.finish().isClean)
    }

    @Test func zeroLengthPacketIsAnEmptyBuffer() throws {
        let channel = self.makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: [0, 0]))
        let packet = try channel.readInbound(as: ByteBuffer.self)
        #expect(packet?.readableBytes == 0)
        #expect(try channel.finish().isClean)
    }

    @Test func packetOfExactlyMaxDataSizeIsAccepted() throws {
        let channel = self.makeChannel(try GtcpFraming(headerSize: 2, maxDataSize: 10))
        try channel.writeInbound(ByteBuffer(bytes: [0, 10] + Array("0123456789".utf8)))
        #expect(try self.readAll(channel) == [Array("0123456789".utf8)])
        #expect(try channel.finish().isClean)
    }

    @Test func headerOneOverMaxThrowsAtOnceAndEmitsNothing() throws {
        let channel = self.makeChannel(try GtcpFraming(headerSize: 2, maxDataSize: 10))
        #expect(throws: GtcpFramingError.invalidPackageSize(size: 11, maxDataSize: 10)) {
            try channel.writeInbound(ByteBuffer(bytes: [0, 11]))
        }
        #expect(try self.readAll(channel) == [])
        #expect(
            GtcpFramingError.invalidPackageSize(size: 11, maxDataSize: 10).description
                == "invalid package size 11 exceeds max data size 10"
        )
        _ = try? channel.finish()
    }

    @Test func hugeDeclaredLengthWithinMaxCostsNothingUntilDataArrives() throws {
        let channel = self.makeChannel(try GtcpFraming(headerSize: 4))
        try channel.writeInbound(ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF]))
        try channel.writeInbound(ByteBuffer(bytes: [1, 2, 3]))
        #expect(try self.readAll(channel) == [])
        #expect(throws: ByteToMessageDecoderError.self) { try channel.finish() }
    }

    @Test func hugeDeclaredLengthIsNotReservedInTheBuffer() throws {
        let channel = self.makeChannel()
        let context = try channel.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<GtcpFrameDecoder>.self)
        var decoder = GtcpFrameDecoder(framing: try GtcpFraming(headerSize: 4))
        var buffer = ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3])
        let capacity = buffer.capacity
        #expect(try decoder.decode(context: context, buffer: &buffer) == .needMoreData)
        #expect(try decoder.decode(context: context, buffer: &buffer) == .needMoreData)
        #expect(buffer.capacity == capacity)
        #expect(buffer.readableBytes == 7)
    }

    @Test(arguments: [
        ([0x7F, 0xFF, 0xFF, 0xFF] as [UInt8], 0x7FFF_FFFF, 1024),
        ([0xFF, 0xFF, 0xFF, 0xFF], 0xFFFF_FFFF, 0x7FFF_FFFF),
    ])
    func hugeDeclaredLengthAboveMaxThrowsAtOnce(header: [UInt8], size: Int, maxDataSize: Int) throws {
        let channel = self.makeChannel(try GtcpFraming(headerSize: 4, maxDataSize: maxDataSize))
        #expect(throws: GtcpFramingError.invalidPackageSize(size: size, maxDataSize: maxDataSize)) {
            try channel.writeInbound(ByteBuffer(bytes: header))
        }
        #expect(try self.readAll(channel) == [])
        _ = try? channel.finish()
    }

    @Test(arguments: [[0] as [UInt8], [0, 3, 0x61]])
    func streamEndingInsideAPacketReportsThePartialPacket(bytes: [UInt8]) throws {
        let channel = self.makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: Self.packet("ok") + bytes))
        #expect(try self.readAll(channel) == [Array("ok".utf8)])
        do {
            _ = try channel.finish()
            Issue.record("finish() should report the partial packet")
        } catch ByteToMessageDecoderError.leftoverDataWhenDone(let leftover) {
            #expect(Array(leftover.readableBytesView) == bytes)
        }
    }

    @Test func passesNIOsDecoderVerifier() throws {
        let pairs: [(ByteBuffer, [ByteBuffer])] = [
            (ByteBuffer(bytes: Self.packet("ab")), [ByteBuffer(string: "ab")]),
            (ByteBuffer(bytes: Self.packet("")), [ByteBuffer()]),
            (ByteBuffer(bytes: Self.packet("x") + Self.packet("yz")), [ByteBuffer(string: "x"), ByteBuffer(string: "yz")]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { GtcpFrameDecoder() }
    }

    @Test func nextPacketFramesWithoutAPipeline() throws {
        var decoder = GtcpFrameDecoder()
        var buffer = ByteBuffer(bytes: Self.packet("ab") + Self.packet("") + [0, 3, 0x78])
        #expect(try decoder.nextPacket(from: &buffer).map { Array($0.readableBytesView) } == Array("ab".utf8))
        #expect(try decoder.nextPacket(from: &buffer).map { Array($0.readableBytesView) } == [])
        // A partial packet is left unread, header included.
        #expect(try decoder.nextPacket(from: &buffer) == nil)
        #expect(Array(buffer.readableBytesView) == [0, 3, 0x78])
        buffer.writeBytes(Array("yz".utf8))
        #expect(try decoder.nextPacket(from: &buffer).map { Array($0.readableBytesView) } == Array("xyz".utf8))
        #expect(buffer.readableBytes == 0)
    }

    @Test func nextPacketRejectsAnOversizeHeader() throws {
        var decoder = GtcpFrameDecoder(framing: try GtcpFraming(headerSize: 1, maxDataSize: 10))
        var buffer = ByteBuffer(bytes: [11])
        #expect(throws: GtcpFramingError.invalidPackageSize(size: 11, maxDataSize: 10)) {
            try decoder.nextPacket(from: &buffer)
        }
    }
}
