import NIOCore

/// Writes a `Msg` as one gtcp packet: the length header, then Go-compatible JSON.
///
/// Throws `GtcpFramingError.dataTooLong` and writes nothing when the JSON exceeds `maxDataSize`.
/// `MessageToByteHandler` stays failed after any encoder error, so callers that can meet
/// oversized messages check `Msg.encodedJSONByteCount` before writing.
public struct GtcpMsgEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = Msg

    private let framing: GtcpFraming

    public init(framing: GtcpFraming = .default) {
        self.framing = framing
    }

    public func encode(data msg: Msg, out: inout ByteBuffer) throws {
        // Escapes only add bytes, so a message whose raw text is already too long is refused
        // without writing it out first.
        if msg.minimumEncodedJSONByteCount > self.framing.maxDataSize {
            throw GtcpFramingError.dataTooLong(size: msg.encodedJSONByteCount, maxDataSize: self.framing.maxDataSize)
        }
        let headerIndex = out.writerIndex
        let headerSize = self.framing.headerSize
        out.reserveCapacity(minimumWritableBytes: headerSize + msg.minimumEncodedJSONByteCount)
        out.writeRepeatingByte(0, count: headerSize)
        msg.encodeJSON(into: &out)
        let size = out.writerIndex - headerIndex - headerSize
        guard size <= self.framing.maxDataSize else {
            out.moveWriterIndex(to: headerIndex)
            throw GtcpFramingError.dataTooLong(size: size, maxDataSize: self.framing.maxDataSize)
        }
        switch headerSize {
        case 1:
            out.setInteger(UInt8(size), at: headerIndex)
        case 2:
            out.setInteger(UInt16(size), at: headerIndex)
        case 3:
            out.setInteger(UInt16(size >> 8), at: headerIndex)
            out.setInteger(UInt8(truncatingIfNeeded: size), at: headerIndex + 2)
        default:
            out.setInteger(UInt32(size), at: headerIndex)
        }
    }
}
