import NIOCore

/// Splits a gtcp byte stream into packets: one `ByteBuffer` of data per packet, header stripped.
///
/// The declared length is checked against `maxDataSize` as soon as the header is complete and is
/// never reserved: a header claiming 2 GiB costs nothing until 2 GiB actually arrive.
public struct GtcpFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    private enum ReadState {
        case waitingForHeader
        /// The header is validated but left unread, so leftovers at EOF show the whole partial packet.
        case waitingForData(length: Int)
    }

    private let framing: GtcpFraming
    private var state = ReadState.waitingForHeader

    public init(framing: GtcpFraming = .default) {
        self.framing = framing
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let data = try self.nextPacket(from: &buffer) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(data))
        return .continue
    }

    /// The next packet's data, read from `buffer`, or nil (nothing read) until a whole packet is
    /// there. For handlers that frame bytes themselves rather than through a pipeline stage, which
    /// saves a pipeline hop per packet.
    public mutating func nextPacket(from buffer: inout ByteBuffer) throws(GtcpFramingError) -> ByteBuffer? {
        if case .waitingForHeader = self.state {
            guard let length = self.peekLength(in: buffer) else {
                return nil
            }
            guard length <= self.framing.maxDataSize else {
                throw GtcpFramingError.invalidPackageSize(size: length, maxDataSize: self.framing.maxDataSize)
            }
            self.state = .waitingForData(length: length)
        }
        guard case .waitingForData(let length) = self.state,
            buffer.readableBytes - self.framing.headerSize >= length
        else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: self.framing.headerSize)
        let data = buffer.readSlice(length: length)!
        self.state = .waitingForHeader
        return data
    }

    /// A stream that stops inside a packet lost data: report the partial packet rather than drop it silently.
    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try self.decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            throw ByteToMessageDecoderError.leftoverDataWhenDone(buffer)
        }
        return .needMoreData
    }

    private func peekLength(in buffer: ByteBuffer) -> Int? {
        let at = buffer.readerIndex
        switch self.framing.headerSize {
        case 1:
            return buffer.getInteger(at: at, as: UInt8.self).map(Int.init)
        case 2:
            return buffer.getInteger(at: at, as: UInt16.self).map(Int.init)
        case 3:
            guard let high = buffer.getInteger(at: at, as: UInt16.self),
                let low = buffer.getInteger(at: at + 2, as: UInt8.self)
            else { return nil }
            return Int(high) << 8 | Int(low)
        default:
            return buffer.getInteger(at: at, as: UInt32.self).map(Int.init)
        }
    }
}
