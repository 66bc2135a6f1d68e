import NIOCore

/// Writes a `Msg` as one gtcp packet: the length header, then Go-compatible JSON.
///
/// The JSON is measured before anything is written, so a message over `maxDataSize` throws
/// `GtcpFramingError.dataTooLong` with nothing written, and the rest goes out in two writes.
/// `MessageToByteHandler` stays failed after any encoder error, so callers that can meet
/// oversized messages check `Msg.encodedJSONByteCount` before writing.
public struct GtcpMsgEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = Msg

    private let framing: GtcpFraming

    public init(framing: GtcpFraming = .default) {
        self.framing = framing
    }

    public func encode(data msg: Msg, out: inout ByteBuffer) throws {
        let size = msg.encodedJSONByteCount
        guard size <= self.framing.maxDataSize else {
            throw GtcpFramingError.dataTooLong(size: size, maxDataSize: self.framing.maxDataSize)
        }
        out.reserveCapacity(minimumWritableBytes: self.framing.headerSize + size)
        switch self.framing.headerSize {
        case 1:
            out.writeInteger(UInt8(size))
        case 2:
            out.writeInteger(UInt16(size))
        case 3:
            out.writeInteger(UInt16(size >> 8))
            out.writeInteger(UInt8(truncatingIfNeeded: size))
        default:
            out.writeInteger(UInt32(size))
        }
        msg.encodeJSON(into: &out, byteCount: size)
    }
}
